/**
 * Branded error types: where TypeScript's own message would say only "not assignable to never"
 * or "Expected 1 arguments", the signatures check against one of these instead, so the error
 * text itself names the fix. Each is a string literal or an object whose one property is that
 * text: no value a user would write matches it by accident.
 */
import type { ServerFunction } from '../server/defineClient.ts'
import type { AnyRouter, CallableKey, PascalCase } from './types.ts'

type Defs<R extends AnyRouter> = R['defs']

/** The text a branded error carries (an object, so intersecting it with a key is not `never`). */
export interface MizanTypeError<Message extends string> {
  readonly '~mizan-error': Message
}

/** Why a router key is not callable over RPC, as a sentence with the fix. */
type NotCallableReason<R extends AnyRouter, K extends string> = Defs<R>[K] extends { readonly '~mizan': 'function' }
  ? Defs<R>[K] extends { readonly '~types': { readonly options: { readonly context: infer C extends string } } }
    ? `'${K}' is a member of context '${C}': read it with client.context('${C}', params), or mizan.use${Capitalize<K>}() under <mizan.${PascalCase<C>}Context>`
    : `'${K}' is private or a view function: it cannot be called over RPC`
  : `'${K}' is a form or a channel, not a function: use its own hook`

/**
 * `unknown` for a callable key, else an error naming why and what to use instead. Intersected
 * with the key (`key: K & CallableKeyCheck<R, K>`), so `K` is still inferred from the argument.
 */
export type CallableKeyCheck<R extends AnyRouter, K extends keyof Defs<R> & string> = [CallableKey<R, K>] extends [never]
  ? MizanTypeError<NotCallableReason<R, K>>
  : unknown

/** Every param of a context that takes none: any key is an error that says so. */
export interface NoParams {
  readonly [param: string]: 'this context takes no params'
}

/**
 * The `this` of the zero-argument overload of a context hook whose context has required params:
 * calling it with none fails with this text, which names them (TypeScript's own arity message
 * names no param).
 */
export type MissingParams<Hook extends string, Required extends PropertyKey> = `${Hook} needs params { ${Required & string} }`

/** The `this` of `createMizanReact<R>()` with no options when the router renames functions. */
export type NeedsWireNames =
  "createMizanReact<R>() needs { wireNames }: this router overrides wire names (`name:`), which the client cannot see at runtime; pass createMizanReact<R>({ wireNames: { key: 'wire_name' } })"

/** String literals among an `affects`/`merge` option (function references and a bare `string` are not checked). */
type NamedTargets<T> = T extends string ? (string extends T ? never : T) : T extends readonly (infer X)[] ? NamedTargets<X> : never
// Each distributes over a union of entries (`E extends …` on the bare parameter), and matches an
// entry as its own generic type, `ServerFunction<O, unknown>`: comparing type arguments costs a
// fraction of walking its members, for each of a large router's thousands of entries.
type TargetsOf<E> = E extends ServerFunction<{ readonly affects?: infer A; readonly merge?: infer M }, unknown> ? NamedTargets<A> | NamedTargets<M> : never
type ContextsOf<E> = E extends ServerFunction<{ readonly context: infer C extends string }, unknown> ? C : never

/**
 * `createRouter`'s check that every context an `affects`/`merge` names exists: `unknown` when
 * they all do (one pass over the entries' union), else the offending keys each mapped to an
 * error naming the unknown context, so the message lands on the entry. (`createRouter` also
 * checks this at startup, for targets the types cannot see.)
 */
export type RouterGraphCheck<D> = GraphCheck<D, TargetsOf<D[keyof D]>>
// The declared contexts are only gathered when some entry names one.
type GraphCheck<D, Targets> = [Targets] extends [never]
  ? unknown
  : [Exclude<Targets, ContextsOf<D[keyof D]>>] extends [never]
    ? unknown
    : {
        [K in keyof D as [Exclude<TargetsOf<D[K]>, ContextsOf<D[keyof D]>>] extends [never] ? never : K]: MizanTypeError<`'${K & string}' affects or merges context '${Exclude<TargetsOf<D[K]>, ContextsOf<D[keyof D]>> & string}', which no function of this router declares`>
      }
