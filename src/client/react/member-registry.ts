import type { QueryClient } from '@tanstack/react-query'
import { toPascalCase } from '../../shared/naming.ts'

/** Member wire name → its context's name, from the `members` option of `createMizanReact`. */
export type MemberContexts = ReadonlyMap<string, string>

/**
 * Which context a `use<Key>()` hook's key is a member of, when no mounted provider has it. The
 * router's types are gone at run time, so this needs facts: the `members` option when given
 * (complete: its type lists every member of the router), else every bundle this QueryClient
 * holds (`global` always, once `<MizanContext>` has loaded it, and every context read so far,
 * prefetched or hydrated). A key found in neither is taken for a plain function or mutation.
 */
export function memberContextOf(queryClient: QueryClient, wireName: string, members: MemberContexts | undefined): string | undefined {
  const declared = members?.get(wireName)
  if (declared !== undefined) return declared
  for (const query of queryClient.getQueryCache().findAll({ queryKey: ['mizan', 'ctx'] })) {
    const bundle = query.state.data
    if (bundle && typeof bundle === 'object' && Object.hasOwn(bundle, wireName)) return query.queryKey[2] as string
  }
  return undefined
}

/** The error a member hook throws outside its provider: it names the provider to render. */
export function outsideProviderError(hookName: string, key: string, context: string): Error {
  return new Error(
    `Mizan: ${hookName}() reads '${key}', a member of context '${context}', but no <mizan.${toPascalCase(context)}Context> above it has loaded that bundle: render it inside <mizan.${toPascalCase(context)}Context params={…}>`,
  )
}
