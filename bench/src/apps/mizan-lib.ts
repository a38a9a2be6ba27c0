// The whole public client surface (kernel + React layer), nothing tree-shaken by an app.
export * from '../../../src/client/react/index.ts'
