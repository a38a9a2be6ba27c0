/**
 * The one typed handle the UI uses. `AppRouter` is imported as a type only: it is erased at
 * build time, so no server code (zod schemas, handlers, the in-memory store) reaches the bundle.
 */
import { createMizanReact } from 'mizan-ts/react'
import { channels } from 'mizan-ts/react/channels'
import { forms } from 'mizan-ts/react/forms'
import { live } from 'mizan-ts/react/live'
import { ssr } from 'mizan-ts/react/ssr'
import { createStreamHooks } from 'mizan-ts/react/stream'
import type { AppRouter } from '../server/router.ts'

// The page uses every opt-in part of the React layer, each plugged in from its own entry:
// - `forms`: `useContactForm()`;
// - `channels`: `useChatChannel()` and `useConnectionStatus()`, over the WebSocket at /ws/;
// - `live`: live invalidation under <MizanContext>: the page tells the server (over the same
//   socket) which context bundles it holds, and refetches one when a mutation anywhere, from
//   any browser, invalidates or merges it. Calls and context reads still go over HTTP;
// - `ssr`: <MizanContext> seeds its cache from what the server rendered into ssr.html.
// The backend is Mizan for TypeScript, so the socket batches: the watch frames of the bundles a
// render reads leave as one frame (`websocket.batch`, PROTOCOL.md §15; not for a Python backend).
export const mizan = createMizanReact<AppRouter>({ use: [forms, channels, live, ssr], websocket: { batch: true } })

// Streaming functions as live state over server-sent events (no socket needed): `useStream`.
export const { useStream } = createStreamHooks<AppRouter>()
