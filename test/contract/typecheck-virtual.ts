/**
 * Type-checks source files that exist only in memory, against the real project (tsconfig.json,
 * src/, node_modules), so a test can hold a file that must fail without it ever reaching the
 * project-wide `tsc` run.
 */
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

const CONFIG = fileURLToPath(new URL('../../tsconfig.json', import.meta.url))

export interface FileDiagnostic {
  line: number
  code: number
  message: string
}

/** Diagnostics per virtual file (keys: absolute paths), 1-based lines. */
export function typecheckVirtual(files: Record<string, string>): Record<string, FileDiagnostic[]> {
  const config = ts.getParsedCommandLineOfConfigFile(CONFIG, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })
  if (!config) throw new Error('tsconfig.json could not be read')
  const host = ts.createCompilerHost(config.options)
  const { getSourceFile, fileExists, readFile } = host
  host.getSourceFile = (name, version, onError, create) => {
    const text = files[name]
    return text === undefined ? getSourceFile.call(host, name, version, onError, create) : ts.createSourceFile(name, text, version)
  }
  host.fileExists = (name) => name in files || fileExists.call(host, name)
  host.readFile = (name) => files[name] ?? readFile.call(host, name)
  const program = ts.createProgram(Object.keys(files), config.options, host)
  const out: Record<string, FileDiagnostic[]> = {}
  for (const name of Object.keys(files)) {
    const source = program.getSourceFile(name)
    if (!source) throw new Error(`${name} was not part of the program`)
    out[name] = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map((d) => ({
      line: d.start === undefined ? 0 : source.getLineAndCharacterOfPosition(d.start).line + 1,
      code: d.code,
      message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
    }))
  }
  return out
}
