// The whole public client surface, nothing tree-shaken by an app: the kernel and the React layer
// with every opt-in entry (socket transport, superjson, token refresh, forms, channels, live, SSR).
export * from '../../../src/client/react/index.ts'
export * from '../../../src/client/ws-transport.ts'
export * from '../../../src/client/superjson.ts'
export * from '../../../src/client/token-refresh.ts'
export * from '../../../src/client/react/forms.ts'
export * from '../../../src/client/react/channels.ts'
export * from '../../../src/client/react/live.ts'
export * from '../../../src/client/react/ssr.ts'
