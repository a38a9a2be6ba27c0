import type { AnyRouter } from '../../shared/types.ts'
import type { MizanClientOptions } from '../options.ts'
import type { HookTarget } from './hook-names.ts'
import type { OptimisticMutationFactory } from './optimistic-writes.ts'
import type { MizanProvider } from './mizan-provider.tsx'

/**
 * An opt-in part of the React layer, from its own entry point, so that apps which do not use
 * it do not bundle it: `createMizanReact<AppRouter>({ use: [forms, channels, live, ssr] })`.
 * The hook *types* are always there; using a hook whose plug-in is missing throws an error
 * that names the import.
 */
export interface MizanReactPlugin {
  /** What errors call it: `forms`, `channels`, `live`, `ssr`. */
  readonly name: string
  /** The hook for a handle property this plug-in owns (`use<Name>Form`, …), else `undefined`. */
  hook?(target: HookTarget, hookName: string): unknown
  /**
   * A handle property this plug-in owns by its name alone, asked before the core reads the name
   * (`useSuspense<Name>Context`, `use<Key>Infinite`, `infiniteQueryOptions`), else `undefined`.
   */
  claim?(property: string, options: MizanClientOptions<AnyRouter>): unknown
  /** The mutation options of a mutation hook given `optimistic` (the `optimistic` plug-in). */
  optimisticMutation?: OptimisticMutationFactory
  /**
   * Wraps `<MizanContext>`, given the handle's kernel options: to seed its cache before it
   * renders (`ssr`), to mount a listener inside it (`live`), or to plug the socket transport
   * into the kernel it makes (`channels`, `live`).
   */
  provider?(Provider: MizanProvider, options: MizanClientOptions<AnyRouter>): MizanProvider
}

/** The plug-ins option of `createMizanReact`. */
export interface MizanPluginsOption {
  /** Opt-in parts: `forms` (`mizan-ts/react/forms`), `channels`, `live`, `ssr`, `suspense`, `infinite`, `optimistic` (same pattern). */
  use?: readonly MizanReactPlugin[]
}

/** The hook a plug-in provides for `target`, or one that throws an error naming the plug-in to import. */
export function pluginHook(plugins: readonly MizanReactPlugin[], target: HookTarget, hookName: string): unknown {
  for (const plugin of plugins) {
    const hook = plugin.hook?.(target, hookName)
    if (hook) return hook
  }
  const { kind } = target
  return missingPlugin(hookName, kind === 'form' ? 'forms' : kind === 'useLiveInvalidation' ? 'live' : 'channels')
}

/** A function that throws an error naming the plug-in `what` needs. */
export const missingPlugin =
  (what: string, name: string) =>
  (): never => {
    throw new Error(`Mizan: ${what} needs createMizanReact({ use: [${name}] }), ${name} from 'mizan-ts/react/${name}'`)
  }
