import type { MizanError } from 'mizan-ts/client'

/**
 * Shows a failed call as the typed error it is: the protocol `code` first (what code
 * branches on), then the message, then per-field messages of a VALIDATION_ERROR. It takes any
 * function's error, a code it declares included (`ErrorOf<AppRouter, K>`).
 */
export function ErrorView({ error, testId }: { error: Pick<MizanError, 'message' | 'fieldErrors'> & { code: string } | null; testId: string }) {
  if (!error) return null
  const fields = Object.entries(error.fieldErrors)
  return (
    <div className="error" role="alert" data-testid={testId} data-code={error.code}>
      <strong>{error.code}</strong>: {error.message}
      {fields.length > 0 && (
        <ul>
          {fields.map(([field, messages]) => (
            <li key={field} data-testid={`${testId}-field-${field}`}>
              {field}: {messages.join('; ')}
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}
