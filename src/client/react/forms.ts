/**
 * `mizan-ts/react/forms`: the `use<Name>Form()` hooks of `defineForm` forms, as a plug-in:
 *
 * ```ts
 * import { forms } from 'mizan-ts/react/forms'
 * const mizan = createMizanReact<AppRouter>({ use: [forms] })
 * const form = mizan.useContactForm({ schema: ContactSchema })
 * ```
 */
import { createFormHook } from './form-hook.ts'
import type { MizanReactPlugin } from './plugin.ts'

export const forms: MizanReactPlugin = {
  name: 'forms',
  hook: (target, hookName) => (target.kind === 'form' ? createFormHook(target.key, hookName) : undefined),
}

export { formFunctionNames, formSchemaQueryKey } from './form-query.ts'
export { errorsFromIssues, errorsFromWire, NON_FIELD, prepareFormData, validateWithSchema } from './form-errors.ts'
export type * from './form-types.ts'
