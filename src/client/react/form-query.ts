import type { QueryFunctionContext } from '@tanstack/react-query'
import { toWireName } from '../../shared/naming.ts'
import type { UntypedMizanClient } from '../types.ts'
import type { FormSchemaBody } from './form-types.ts'
import { callQueryKey, type CallQueryKey } from './query-keys.ts'

/** The three functions of a form, by their protocol names (`contact.schema`, …). */
export function formFunctionNames(prefix: string) {
  return { schema: `${prefix}.schema`, validate: `${prefix}.validate`, submit: `${prefix}.submit` } as const
}

/** A form's wire prefix: the explicit `name`, else the router key in snake_case (as `createRouter` binds it). */
export function formPrefix(key: string, name?: string): string {
  return name ?? toWireName(key)
}

/** Where the field schema is cached: the `call` key of `<name>.schema` with no args, so SSR can seed it. */
export function formSchemaQueryKey(prefix: string): CallQueryKey {
  return callQueryKey(formFunctionNames(prefix).schema, {})
}

/** The field schema as a query: fetched once (it describes code, not data), never retried by React Query. */
export function formSchemaQuery(prefix: string, resolve: () => UntypedMizanClient) {
  return {
    queryKey: formSchemaQueryKey(prefix),
    queryFn: async (_context: QueryFunctionContext<CallQueryKey>): Promise<FormSchemaBody> =>
      (await resolve().call(formFunctionNames(prefix).schema, {})).result as FormSchemaBody,
    staleTime: Infinity,
    retry: false,
    refetchOnWindowFocus: false,
  } as const
}
