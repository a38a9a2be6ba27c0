/**
 * Whether a value is a Fetch `Response` (a function that answers the request itself).
 *
 * Node defines the global `Response` as a lazy getter, so `value instanceof Response` calls that
 * getter and takes V8's generic `instanceof` on every call, which the optimizing compiler cannot
 * fold away. Almost every value asked about is a plain object or an array (a result, a wire
 * answer); its `constructor`, a load the compiler inlines, rules it out without the global.
 * (`Object.getPrototypeOf` would be exact too, but it is a runtime call for an object of unknown shape.)
 */
export function isResponse(value: unknown): value is Response {
  if (typeof value !== 'object' || value === null) return false
  const made: unknown = (value as { constructor?: unknown }).constructor
  if (made === Object || made === Array) return false
  return value instanceof Response
}
