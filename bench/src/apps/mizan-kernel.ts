// The framework-free kernel alone.
export * from '../../../src/client/index.ts'
