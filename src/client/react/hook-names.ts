import { toWireName } from '../../shared/naming.ts'

export type HookTarget =
  | { kind: 'MizanContext' | 'useMizan' | 'queryOptions' | 'mutationOptions' }
  | { kind: 'function'; key: string }
  | { kind: 'contextHook'; context: string }
  | { kind: 'provider'; context: string }
  | { kind: 'form'; key: string }
  | { kind: 'channel'; key: string }
  | { kind: 'useLiveInvalidation' | 'useConnectionStatus' }

const RESERVED = new Set(['MizanContext', 'useMizan', 'queryOptions', 'mutationOptions'])

/**
 * Read a property of the React handle back into what it names. Context names are
 * snake_case on the wire (`UserSettings` → `user_settings`); function keys only lose their
 * capital (`useUserProfile` → `userProfile`), the inverse of the type-level `Capitalize`.
 */
export function parseHookName(property: string): HookTarget | undefined {
  if (RESERVED.has(property)) return { kind: property as 'MizanContext' }
  if (property === 'useLiveInvalidation' || property === 'useConnectionStatus') return { kind: property }
  let match = /^use([A-Z]\w*)Context$/.exec(property)
  if (match?.[1]) return { kind: 'contextHook', context: toWireName(match[1]) }
  // `use<Key>Form` names the form `<key>` (so a plain function cannot end in `Form`; the types agree).
  match = /^use([A-Z]\w*)Form$/.exec(property)
  if (match?.[1]) return { kind: 'form', key: match[1].charAt(0).toLowerCase() + match[1].slice(1) }
  // `use<Key>Channel` names the channel `<key>` (createRouter refuses function keys ending in `Channel`).
  match = /^use([A-Z]\w*)Channel$/.exec(property)
  if (match?.[1]) return { kind: 'channel', key: match[1].charAt(0).toLowerCase() + match[1].slice(1) }
  match = /^use([A-Z]\w*)$/.exec(property)
  if (match?.[1]) return { kind: 'function', key: match[1].charAt(0).toLowerCase() + match[1].slice(1) }
  match = /^([A-Z]\w*)Context$/.exec(property)
  if (match?.[1]) return { kind: 'provider', context: toWireName(match[1]) }
  return undefined
}
