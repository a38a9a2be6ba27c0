/**
 * The example's whole "database": plain maps in memory, so `npm start` needs no Redis,
 * no SQL and no setup. Restarting the server resets everything.
 */
export interface Member {
  id: number
  username: string
  name: string
  role: string
}

export interface Post {
  id: number
  title: string
}

export const members = new Map<number, Member>([
  [1, { id: 1, username: 'ada', name: 'Ada Lovelace', role: 'Analyst' }],
  [2, { id: 2, username: 'grace', name: 'Grace Hopper', role: 'Compiler lead' }],
])

export const posts = new Map<number, Post[]>([
  [1, [
    { id: 101, title: 'Notes on the Analytical Engine' },
    { id: 102, title: 'Bernoulli numbers, step by step' },
    { id: 103, title: 'Why looms dream of algebra' },
    { id: 104, title: 'Punched cards considered helpful' },
  ]],
  [2, [
    { id: 201, title: 'The first actual bug' },
    { id: 202, title: 'From FLOW-MATIC to COBOL' },
    { id: 203, title: 'A nanosecond is 30 cm of wire' },
  ]],
])

/** Private per-user notes, to show an `auth: true` function. */
export const notes = new Map<number, string[]>([
  [1, ['Ask Charles about the difference engine', 'Draft note G']],
  [2, ['Bring the nanosecond wires to the talk']],
])

/** Messages sent through the contact form, per member. */
export interface Message {
  from: string
  email: string
  topic: string
  message: string
}

export const messages = new Map<number, Message[]>([
  [1, []],
  [2, []],
])

export function memberByUsername(username: string): Member | undefined {
  for (const m of members.values()) if (m.username === username) return m
  return undefined
}
