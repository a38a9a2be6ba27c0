/**
 * A form's three functions have protocol-fixed payloads (docs/PROTOCOL.md §10): whatever the
 * form's own fields, `schema` answers a field list, `validate` an error list and `submit` a
 * success envelope. Their IR types are therefore constants, written here as the reference
 * exports them, rather than read off our runtime schemas (which are deliberately looser).
 */
import type { IrField, IrFormRole, IrShape, IrType } from './ir-model.ts'

const str: IrShape = { kind: 'primitive', name: 'string' }
const int: IrShape = { kind: 'primitive', name: 'integer' }
const bool: IrShape = { kind: 'primitive', name: 'boolean' }
const optional = (of: IrShape): IrShape => ({ kind: 'optional', of })
const list = (of: IrShape): IrShape => ({ kind: 'list', of })
const ref = (name: string): IrShape => ({ kind: 'ref', name })
const field = (name: string, shape: IrShape, extra: Partial<IrField> = {}): IrField => ({ name, required: true, shape, ...extra })

/** The models the form payloads refer to, by the reference's class names. */
export const FORM_MODELS: readonly IrType[] = [
  { name: 'FieldChoice', kind: 'struct', fields: [field('value', str), field('label', str)] },
  { name: 'FieldError', kind: 'struct', fields: [field('message', str), field('code', optional(str))] },
  { name: 'FieldErrorList', kind: 'struct', fields: [field('field', str), field('errors', list(ref('FieldError')))] },
  {
    name: 'FieldSchema',
    kind: 'struct',
    fields: [
      field('name', str),
      field('label', str),
      field('type', str),
      field('widget', str),
      field('required', bool),
      field('disabled', bool),
      field('help_text', str),
      field('initial', str),
      field('max_length', optional(int)),
      field('min_length', optional(int)),
      field('choices', optional(list(ref('FieldChoice')))),
    ],
  },
  {
    name: 'FormMeta',
    kind: 'struct',
    fields: [
      field('refetch_schema_on_validate', bool, { required: false, default: false }),
      field('live_validation', bool, { required: false, default: true }),
      field('live_form_errors', bool, { required: false, default: false }),
    ],
  },
]

/** Input fields by role; `submit` takes the raw form data, which the IR records as no input. */
export const FORM_INPUTS: Record<IrFormRole, IrField[]> = {
  schema: [field('data', str, { required: false })],
  validate: [field('data', str)],
  submit: [],
}

export const FORM_OUTPUTS: Record<IrFormRole, IrField[]> = {
  schema: [
    field('name', str),
    field('title', str),
    field('subtitle', optional(str)),
    field('submit_label', str),
    field('fields', list(ref('FieldSchema'))),
    field('meta', ref('FormMeta'), { required: false }),
  ],
  validate: [field('errors', list(ref('FieldErrorList')))],
  submit: [field('success', bool), field('data', optional(str), { required: false })],
}

/** Which models each role's payload needs. */
export const FORM_MODELS_BY_ROLE: Record<IrFormRole, readonly string[]> = {
  schema: ['FieldSchema', 'FieldChoice', 'FormMeta'],
  validate: ['FieldErrorList', 'FieldError'],
  submit: [],
}

export const FORM_ROLES: readonly IrFormRole[] = ['schema', 'validate', 'submit']
