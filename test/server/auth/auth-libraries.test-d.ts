import { betterAuth } from 'better-auth'
import { memoryAdapter } from 'better-auth/adapters/memory'
import { admin } from 'better-auth/plugins'
import { describe, expectTypeOf, it } from 'vitest'
import type { AuthjsUser } from '../../../src/server/auth/authjs.ts'
import { betterAuthUser, type BetterAuthUser } from '../../../src/server/auth/better-auth.ts'
import type { UserResolver } from '../../../src/server/dispatch-types.ts'
import { createMizan } from '../../../src/server/mizan.ts'

const auth = betterAuth({ database: memoryAdapter({}), emailAndPassword: { enabled: true }, plugins: [admin()] })

describe('auth library adapters: the user type comes from the library', () => {
  it("Better Auth's user, with its plugins' fields and the gate flags", () => {
    type User = BetterAuthUser<typeof auth>
    expectTypeOf<User['email']>().toEqualTypeOf<string>()
    expectTypeOf<User['id']>().toEqualTypeOf<string>()
    expectTypeOf<User['isStaff']>().toEqualTypeOf<boolean>()
    // the admin() plugin adds `role`
    expectTypeOf<User>().toHaveProperty('role')
    expectTypeOf(betterAuthUser(auth)).toEqualTypeOf<UserResolver<User>>()
    const { defineClient } = createMizan<User>()
    defineClient({ auth: true }, (_input, ctx) => {
      expectTypeOf(ctx.user!.email).toEqualTypeOf<string>()
      // @ts-expect-error not a field of Better Auth's user
      ctx.user!.nickname
      return null
    })
  })

  it("Auth.js's session user, with an id and the gate flags", () => {
    expectTypeOf<AuthjsUser['id']>().toEqualTypeOf<string>()
    expectTypeOf<AuthjsUser['email']>().toEqualTypeOf<string | null | undefined>()
    expectTypeOf<AuthjsUser['isSuperuser']>().toEqualTypeOf<boolean>()
  })

  it('refuses an object that is not a Better Auth instance', () => {
    // @ts-expect-error no api.getSession / api.signOut
    betterAuthUser({ api: {} })
  })
})
