import type { QueryClient } from '@tanstack/react-query'
import type { AnyRouter } from '../../shared/types.ts'
import { untyped, type MizanClient, type UntypedMizanClient } from '../types.ts'

// Keyed by QueryClient because TanStack hands every queryFn and mutationFn its QueryClient:
// options built outside React can find their kernel without closing over it.
const registry = new WeakMap<QueryClient, UntypedMizanClient>()

/**
 * Bind a kernel to a QueryClient so `mizan.queryOptions` / `mizan.mutationOptions` work with it
 * (`<MizanContext>` does this for its own clients). Needed only outside the provider, e.g.
 * to prefetch on the server: `registerMizanClient(queryClient, createMizanClient<AppRouter>(…))`.
 */
export function registerMizanClient<R extends AnyRouter>(queryClient: QueryClient, client: MizanClient<R>): void {
  registry.set(queryClient, untyped(client))
}

export const bindKernel = (queryClient: QueryClient, client: UntypedMizanClient): unknown => registry.set(queryClient, client)

export function kernelFor(queryClient: QueryClient): UntypedMizanClient {
  const client = registry.get(queryClient)
  if (!client) throw new Error('Mizan: no client for this QueryClient (see registerMizanClient)')
  return client
}
