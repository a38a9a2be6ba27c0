import { describe, expect, it } from 'vitest'
import { IrError, renderIr } from '../../src/server/ir/ir-model.ts'
import { parseKdl } from '../../src/server/ir/kdl-parse.ts'
import { readIr } from '../../src/server/ir/read-ir.ts'
import { goldenIr } from './ir-blocks.ts'

describe('readIr', () => {
  it('reads the reference IR completely: rendering what it read gives the same bytes', () => {
    const doc = readIr(goldenIr())
    expect(renderIr(doc)).toBe(goldenIr())
    expect(doc.types).toHaveLength(82)
    expect(doc.functions.find((f) => f.name === 'maybe_item')).toMatchObject({ camel: 'maybeItem', hasInput: true, input: 'maybeItemInput', outputNullable: true })
    expect(doc.functions.find((f) => f.name === 'contact.validate')?.form).toEqual({ name: 'contact', role: 'validate' })
    expect(doc.contexts.find((c) => c.name === 'search')?.params).toEqual([
      { name: 'page', type: 'integer', required: false, sharedBy: ['search_results'] },
      { name: 'q', type: 'string', required: true, sharedBy: ['search_results'] },
    ])
    expect(doc.channels).toEqual([{ name: 'chat', pascalName: 'Chat', params: 'ChatParams', clientMessage: 'ChatClientMessage', serverMessage: 'ChatServerMessage' }])
  })

  it('accepts hand-edited KDL: comments, slashdash, semicolons, bare words and other spellings', () => {
    const doc = readIr(`// exported by hand
type Note { struct { field "body" required=#false default="a\\u{e9}\\"b" { primitive string } /* inline */ } }
/- type "Dropped" { alias { primitive "string" } }
function "save_note" { camel saveNote; has-input #true; input Note; output Note
    /- merge "nowhere"
    affects #"raw "name""#
}`)
    expect(doc.types).toEqual([{ name: 'Note', kind: 'struct', fields: [{ name: 'body', required: false, default: 'aé"b', shape: { kind: 'primitive', name: 'string' } }] }])
    expect(doc.functions[0]).toMatchObject({ name: 'save_note', camel: 'saveNote', input: 'Note', affects: ['raw "name"'], merge: [] })
  })

  it('parses numbers, keywords and properties as KDL values', () => {
    const [node] = parseKdl('n 1 -2.5e3 1_000 #null #false key=#true other=x')
    expect(node).toMatchObject({ name: 'n', args: [1, -2500, 1000, null, false], props: { key: true, other: 'x' } })
  })

  it('names the line at fault', () => {
    expect(() => readIr('type "A" {\n  struct {\n    field "x" { primitive "decimal" }\n  }\n}')).toThrow(/IR line 3.*unknown primitive 'decimal'/)
    expect(() => readIr('type "A" {\n  alias { primitive "string" }\n}\nwidget "w"')).toThrow(/IR line 4.*unknown top-level node/)
    expect(() => readIr('function "f" { camel "f"; has-input #false; output "Missing"; transport "http" }')).toThrow(/names a type that is not declared/)
    expect(() => parseKdl('a "unterminated\n')).toThrow(IrError)
    expect(() => parseKdl('a {\n b 1\n')).toThrow(/KDL line 3: missing '}'/)
  })
})
