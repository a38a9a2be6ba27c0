/**
 * The app of the cache's regression and model-based tests: boards with tasks, private boards,
 * per-user profiles and inboxes, a staff panel, and users whose roles change at run time.
 * One in-memory database; any number of servers (cached or not) can serve it at once.
 */
import { z } from 'zod'
import { createMizan, MizanError } from '../../../src/server/index.ts'
import type { MizanRequest } from '../../../src/server/dispatch-types.ts'

export interface BoardUser {
  id: number | string
  isStaff: boolean
  /** Boards this user may read beside the public ones. */
  boards: number[]
}

export interface BoardDb {
  tasks: Map<number, string[]>
  boardNames: Map<number, string>
  profiles: Map<string, string>
  inbox: Map<string, string[]>
  users: Map<string, BoardUser>
  apiKeys: Set<string>
}

export const PUBLIC_BOARDS = [1, 2]
export const PRIVATE_BOARD = 3

export function createDb(userIds: (number | string)[]): BoardDb {
  return {
    tasks: new Map([[1, []], [2, []], [3, []]]),
    boardNames: new Map([[1, 'one'], [2, 'two'], [3, 'three']]),
    profiles: new Map(userIds.map((id) => [String(id), `user ${String(id)}`])),
    inbox: new Map(userIds.map((id) => [String(id), []])),
    users: new Map(userIds.map((id) => [String(id), { id, isStaff: false, boards: [] }])),
    apiKeys: new Set(['key-ok']),
  }
}

const { defineClient, createRouter } = createMizan<BoardUser>()
const Profile = z.object({ user_id: z.string(), name: z.string() })

export function buildBoardRouter(db: BoardDb) {
  const canReadBoard = (user: BoardUser | null, board: number) => PUBLIC_BOARDS.includes(board) || (user !== null && (user.isStaff || user.boards.includes(board)))
  return createRouter(
    {
      boardTasks: defineClient({ context: 'board', input: z.object({ board_id: z.number().int() }) }, ({ board_id }) => [...(db.tasks.get(board_id) ?? [])]),
      boardName: defineClient({ context: 'board', input: z.object({ board_id: z.number().int(), upper: z.boolean().default(false) }) }, ({ board_id, upper }) => {
        const name = db.boardNames.get(board_id) ?? '?'
        return upper ? name.toUpperCase() : name
      }),
      boardViewer: defineClient({ context: 'board', input: z.object({ board_id: z.number().int() }) }, (_input, ctx) => ({ viewer: ctx.user?.id ?? null })),
      profileCard: defineClient({ context: 'profile', input: z.object({ user_id: z.string() }), output: Profile }, ({ user_id }) => ({ user_id, name: db.profiles.get(user_id) ?? '' })),
      inboxMessages: defineClient({ context: 'inbox', auth: true }, (_input, ctx) => [...(db.inbox.get(String(ctx.user?.id)) ?? [])]),
      staffReport: defineClient({ context: 'staff', auth: 'staff' }, () => ({ tasks: [...db.tasks.values()].reduce((n, list) => n + list.length, 0) })),
      partnerFeed: defineClient(
        { context: 'partner', auth: (ctx) => ctx.user?.isStaff === true || db.apiKeys.has(ctx.headers.get('x-api-key') ?? '') },
        () => ({ secret: 'partner data', tasks: [...(db.tasks.get(1) ?? [])] }),
      ),

      // Without board_id, every board's tasks: a scoped purge of one board must reach this read too.
      feedTasks: defineClient({ context: 'feed', input: z.object({ board_id: z.number().int().optional() }) }, ({ board_id }) =>
        board_id === undefined ? PUBLIC_BOARDS.flatMap((id) => db.tasks.get(id) ?? []) : PUBLIC_BOARDS.includes(board_id) ? [...(db.tasks.get(board_id) ?? [])] : [],
      ),

      addTask: defineClient({ auth: true, affects: ['board', 'staff', 'partner', 'feed'], input: z.object({ board_id: z.number().int(), title: z.string() }) }, ({ board_id, title }) => {
        db.tasks.get(board_id)?.push(title)
        return { ok: true }
      }),
      renameBoards: defineClient({ auth: 'staff', affects: 'board', input: z.object({ suffix: z.string() }) }, ({ suffix }) => {
        for (const [id, name] of db.boardNames) db.boardNames.set(id, `${name.split('+')[0]}+${suffix}`)
        return { ok: true }
      }),
      renameProfile: defineClient({ auth: true, merge: 'profile', output: Profile, input: z.object({ user_id: z.string(), name: z.string() }) }, ({ user_id, name }, ctx) => {
        if (String(ctx.user?.id) !== user_id && !ctx.user?.isStaff) throw new MizanError('FORBIDDEN', 'Not yours')
        db.profiles.set(user_id, name)
        return { user_id, name }
      }),
      sendMessage: defineClient({ auth: true, affects: 'inbox', input: z.object({ to: z.string(), text: z.string() }) }, ({ to, text }) => {
        db.inbox.get(to)?.push(text)
        return { ok: true }
      }),
      setRole: defineClient({ auth: 'staff', input: z.object({ user_id: z.string(), staff: z.boolean() }) }, ({ user_id, staff }) => {
        const user = db.users.get(user_id)
        if (user) user.isStaff = staff
        return { ok: true }
      }),
      grantBoard: defineClient({ auth: 'staff', input: z.object({ user_id: z.string(), board_id: z.number().int(), grant: z.boolean() }) }, ({ user_id, board_id, grant }) => {
        const user = db.users.get(user_id)
        if (user) user.boards = grant ? [...new Set([...user.boards, board_id])] : user.boards.filter((b) => b !== board_id)
        return { ok: true }
      }),
    },
    {
      contexts: {
        board: { authorize: (params, ctx) => canReadBoard(ctx.user, params.board_id) },
        profile: { authorize: (params, ctx) => ctx.user !== null && (String(ctx.user.id) === params.user_id || ctx.user.isStaff) },
      },
    },
  )
}

export type BoardRouter = ReturnType<typeof buildBoardRouter>

/** `x-user: <id>` names a user of the database (its live record: role changes apply at once); anything else is anonymous. */
export function boardUserResolver(db: BoardDb) {
  return (req: Pick<MizanRequest, 'headers'>): BoardUser | null => {
    const id = req.headers.get('x-user')
    return id === null ? null : (db.users.get(id) ?? null)
  }
}
