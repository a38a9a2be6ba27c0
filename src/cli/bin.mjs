#!/usr/bin/env node
// The package ships TypeScript sources; tsx's loader lets the CLI run from them unchanged.
import { register } from 'tsx/esm/api'

register()
const { main } = await import('./mizan.ts')
process.exitCode = await main(process.argv.slice(2))
