/**
 * The bundle apps' tRPC and oRPC routers: the echo mutation plus a `dash` query returning the
 * same 10 members Mizan's `dash` context bundles. The apps import only their types.
 */
import { os } from '@orpc/server'
import { initTRPC } from '@trpc/server'
import { EchoInput, MEMBER_KEYS, MemberInput, memberResult } from '../shared/payload.ts'

const dash = ({ user_id }: { user_id: number }) => Object.fromEntries(MEMBER_KEYS.map((key, slot) => [key, memberResult(user_id, slot)])) as Record<(typeof MEMBER_KEYS)[number], ReturnType<typeof memberResult>>

const t = initTRPC.create()
export const trpcAppRouter = t.router({
  echo: t.procedure.input(EchoInput).mutation(({ input }) => input),
  dash: t.procedure.input(MemberInput).query(({ input }) => dash(input)),
})
export type TrpcAppRouter = typeof trpcAppRouter

export const orpcAppRouter = {
  echo: os.input(EchoInput).handler(({ input }) => input),
  dash: os.input(MemberInput).handler(({ input }) => dash(input)),
}
export type OrpcAppRouter = typeof orpcAppRouter
