/**
 * Types of streaming functions (PROTOCOL.md §16): which router keys stream, and what each item
 * is. Read only where a client streams a key, so a router pays nothing for them elsewhere.
 */
import type { AnyRouter, FunctionTypes, SchemaArg, SchemaOutput } from './types.ts'

/** An item with an event id (`tracked(id, item)` on the server): a reconnecting client resumes after it. */
export interface Tracked<T> {
  readonly '~tracked': true
  readonly id: string
  readonly data: T
}

type Untracked<I> = I extends Tracked<infer T> ? T : I

type TypesOfEntry<E> = E extends { readonly '~types': infer T extends FunctionTypes } ? T : never

/** What one item of a streaming function is: its output schema's type, else what the generator yields. */
export type StreamItemOf<R extends AnyRouter, K extends keyof R['defs']> = StreamItemOfTypes<TypesOfEntry<R['defs'][K]>>
type StreamItemOfTypes<T extends FunctionTypes> = T['options']['output'] extends SchemaArg
  ? SchemaOutput<T['options']['output']>
  : Awaited<T['result']> extends AsyncIterable<infer I>
    ? Untracked<I>
    : never

/** `K` when the entry under it is a callable function that streams, else `never`. */
export type StreamKey<R extends AnyRouter, K extends keyof R['defs']> = R['defs'][K] extends {
  readonly '~mizan': 'function'
  readonly '~types': { readonly result: infer Res }
}
  ? Awaited<Res> extends AsyncIterable<unknown>
    ? K
    : never
  : never
