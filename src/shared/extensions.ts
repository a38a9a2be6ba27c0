/**
 * Names of the protocol extensions a Python peer neither sends nor needs (PROTOCOL.md §16): a
 * Mizan server advertises them, a client uses one only when its server did.
 */

/** Response header listing the extensions a server speaks, e.g. `batch, stream, upload`. */
export const FEATURES_HEADER = 'X-Mizan-Features'

export type Feature = 'batch' | 'stream' | 'upload'

/** `POST {prefix}/batch/`: several calls and context reads in one request. */
export const BATCH_ROUTE = '/batch/'

/** The Accept a client sends to read a streaming function's items as server-sent events. */
export const EVENT_STREAM = 'text/event-stream'
