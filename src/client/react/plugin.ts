import type { AnyRouter } from '../../shared/types.ts'
import type { MizanClientOptions } from '../options.ts'
import type { HookTarget } from './hook-names.ts'
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
   * Wraps `<MizanContext>`, given the handle's kernel options: to seed its cache before it
   * renders (`ssr`), to mount a listener inside it (`live`), or to plug the socket transport
   * into the kernel it makes (`channels`, `live`).
   */
  provider?(Provider: MizanProvider, options: MizanClientOptions<AnyRouter>): MizanProvider
}

/** The plug-ins option of `createMizanReact`. */
export interface MizanPluginsOption {
  /** Opt-in parts: `forms` (`mizan-ts/react/forms`), `channels`, `live`, `ssr` (same pattern). */
  use?: readonly MizanReactPlugin[]
}

/** The hook a plug-in provides for `target`, or one that throws an error naming the plug-in to import. */
export function pluginHook(plugins: readonly MizanReactPlugin[], target: HookTarget, hookName: string): unknown {
  for (const plugin of plugins) {
    const hook = plugin.hook?.(target, hookName)
    if (hook) return hook
  }
  const { kind } = target
  const name = kind === 'form' ? 'forms' : kind === 'useLiveInvalidation' ? 'live' : 'channels'
  return () => {
    throw new Error(`Mizan: ${hookName} needs createMizanReact({ use: [${name}] }), ${name} from 'mizan-ts/react/${name}'`)
  }
}
