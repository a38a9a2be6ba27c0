import type { StandardSchemaV1 } from '@standard-schema/spec'

/** Where a form error that belongs to no single field goes (Django's name for it). */
export const NON_FIELD = '__all__'

/** One schema issue as a form reports it: the top-level field, Django's code, the message. */
export interface FormIssue {
  field: string
  code: string
  message: string
}

type IssueDetail = StandardSchemaV1.Issue & { code?: string; origin?: string }

/** Django's error codes, so clients that switch on them keep working. */
function djangoCode(issue: IssueDetail): string {
  const numeric = issue.origin === 'number' || issue.origin === 'int' || issue.origin === 'bigint'
  switch (issue.code) {
    case 'too_big':
      return numeric ? 'max_value' : 'max_length'
    case 'too_small':
      return numeric ? 'min_value' : 'min_length'
    case 'invalid_value':
      return 'invalid_choice'
    case 'invalid_type':
      return issue.message.endsWith('received undefined') ? 'required' : 'invalid'
    default:
      return 'invalid'
  }
}

/**
 * Schema issues in form terms, shared by the server's validate/submit and the client's own
 * validation so both word and code an error the same way. A top-level field missing from the
 * data is `required`, whatever the schema called it.
 */
export function formIssues(issues: readonly StandardSchemaV1.Issue[], data: unknown): FormIssue[] {
  const given = typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {}
  return (issues as readonly IssueDetail[]).map((issue) => {
    const first = issue.path?.[0]
    const field = first === undefined ? NON_FIELD : String(typeof first === 'object' ? first.key : first)
    const missing = field !== NON_FIELD && given[field] === undefined && issue.path?.length === 1
    const code = missing ? 'required' : djangoCode(issue)
    return { field, code, message: code === 'required' ? 'This field is required.' : issue.message }
  })
}
