/** The exporter's rules on shapes the fixture does not exercise, each against exact IR text. */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { declareClient } from '../../src/server/contract.ts'
import { createRouter, defineChannel, defineClient } from '../../src/server/index.ts'
import { buildIr, exportIr } from '../../src/server/ir/export-ir.ts'
import { IrError, kdlString, pythonNumber, renderType } from '../../src/server/ir/ir-model.ts'
import { irCamel, irPascal } from '../../src/server/ir/python-names.ts'

const typeText = (router: Parameters<typeof buildIr>[0], name: string) => {
  const type = buildIr(router).types.find((t) => t.name === name)
  return type ? `${renderType(type).join('\n')}\n` : undefined
}

describe('names and literals as Python spells them', () => {
  it('camel-cases wire names with str.title()', () => {
    expect(irCamel('user_profile')).toBe('userProfile')
    expect(irCamel('contact.schema')).toBe('contactSchema')
    expect(irCamel('get_userID')).toBe('getUserid')
    expect(irCamel('ttl_60x__fn')).toBe('ttl60XFn')
    expect(irPascal('live-chat.room')).toBe('LiveChatRoom')
  })

  it('prints numbers as Python repr and escapes only the five KDL escapes', () => {
    expect([1.5, 10, 0.0001, 2.5e-7, 1e-5, -3.25].map(pythonNumber)).toEqual(['1.5', '10', '0.0001', '2.5e-07', '1e-05', '-3.25'])
    expect(kdlString('a"b\\c\nd\te\r/é')).toBe('"a\\"b\\\\c\\nd\\te\\r/é"')
  })
})

describe('exportIr rules', () => {
  const Tag = z.object({ label: z.string() }).meta({ id: 'RulesTag' })
  const Tree: z.ZodType<{ name: string; kids: unknown[] }> = z.object({ name: z.string(), get kids() { return z.array(Tree) } }).meta({ id: 'RulesTree' })
  const member = defineClient({ context: 'board', input: z.object({ board_id: z.number().int(), page: z.number().default(1) }), output: Tag }, () => ({ label: 'x' }))
  const router = createRouter({
    member,
    otherMember: defineClient({ context: 'board', input: z.object({ board_id: z.number().int().nullable().default(null) }), output: z.array(Tag).nullable() }, () => null),
    shapes: defineClient(
      {
        input: z.object({
          mode: z.enum(['fast', 'slow']),
          either: z.union([z.number().int(), z.string(), z.null()]),
          pair: z.tuple([z.string(), z.number()]),
          nested: z.object({ deep: z.boolean() }),
          quote: z.string().default('say "hi"'),
          ratio: z.number().default(0.25),
          on: z.boolean().default(true),
          none: z.string().nullable().default(null),
        }),
        output: Tree,
      },
      () => ({ name: 'root', kids: [] }),
    ),
    touch: defineClient({ affects: [member, 'board'], websocket: true }, () => ({})),
    hidden: defineClient({ private: true, output: Tag }, () => ({ label: 'h' })),
    page: declareClient({ route: '/page/<id>/', input: z.object({ id: z.string() }) }),
  })

  it('writes every shape, default and auto-named nested model as the grammar says', () => {
    expect(typeText(router, 'shapesInput')).toBe(`type "shapesInput" {
    struct {
        field "mode" {
            enum "fast" "slow"
        }
        field "either" {
            union {
                primitive "integer"
                primitive "string"
            }
        }
        field "pair" {
            primitive "string"
        }
        field "nested" {
            ref "shapesInputNested"
        }
        field "quote" required=#false default="say \\"hi\\"" {
            primitive "string"
        }
        field "ratio" required=#false default=0.25 {
            primitive "number"
        }
        field "on" required=#false default=#true {
            primitive "boolean"
        }
        field "none" required=#false {
            optional {
                primitive "string"
            }
        }
    }
}
`)
    expect(typeText(router, 'shapesInputNested')).toContain('field "deep" {\n            primitive "boolean"')
  })

  it('names a recursive model once and refers to it from itself', () => {
    expect(typeText(router, 'shapesOutput')).toContain('field "kids" {\n            list {\n                ref "RulesTree"')
    expect(typeText(router, 'RulesTree')).toContain('ref "RulesTree"')
  })

  it('lists functions with transport, affects (a member stands for its context) and nullable alias outputs', () => {
    const text = exportIr(router)
    expect(text).toContain('function "touch" {\n    camel "touch"\n    has-input #false\n    output "touchOutput"\n    transport "websocket"\n    affects "board"\n    affects "board"\n}\n')
    expect(text).toContain('output "otherMemberOutput"\n    output-nullable #true\n')
    expect(typeText(router, 'otherMemberOutput')).toBe('type "otherMemberOutput" {\n    alias {\n        optional {\n            list {\n                ref "RulesTag"\n            }\n        }\n    }\n}\n')
  })

  it('keeps the types of private functions and views but not their function entries', () => {
    const text = exportIr(router)
    expect(text).toContain('type "hiddenOutput" {')
    expect(text).toContain('type "pageOutput" {\n    struct {\n    }\n}')
    expect(text).not.toContain('function "hidden"')
    expect(text).not.toContain('function "page"')
  })

  it('elevates context params as the reference does', () => {
    expect(buildIr(router).contexts).toEqual([
      {
        name: 'board',
        functions: ['member', 'other_member'],
        params: [
          { name: 'board_id', type: 'integer', required: false, sharedBy: ['member', 'other_member'] },
          { name: 'page', type: 'number', required: false, sharedBy: ['member'] },
        ],
      },
    ])
  })

  it('exports channels given beside the router', () => {
    const text = exportIr(createRouter({}), { channels: { 'live-chat': { params: z.object({ room: z.string() }), serverMessage: z.object({ text: z.string() }) } } })
    expect(text).toBe(
      'type "LiveChatParams" {\n    struct {\n        field "room" {\n            primitive "string"\n        }\n    }\n}\n' +
        'type "LiveChatServerMessage" {\n    struct {\n        field "text" {\n            primitive "string"\n        }\n    }\n}\n' +
        '\nchannel "live-chat" {\n    pascal-name "LiveChat"\n    params "LiveChatParams"\n    server-message "LiveChatServerMessage"\n}\n',
    )
  })

  it("exports the router's own channels: a client message only where clients may send", () => {
    const router = createRouter({
      notices: defineChannel({ message: z.object({ text: z.string() }) }),
      roomChat: defineChannel({ params: z.object({ room: z.string() }), message: z.object({ text: z.string() }), onMessage: (m) => m }),
    })
    const doc = buildIr(router)
    expect(doc.channels).toEqual([
      { name: 'notices', pascalName: 'Notices', serverMessage: 'NoticesServerMessage' },
      { name: 'room_chat', pascalName: 'RoomChat', params: 'RoomChatParams', clientMessage: 'RoomChatClientMessage', serverMessage: 'RoomChatServerMessage' },
    ])
    // Without `clientMessage`, clients send what `message` describes, as the WebSocket adapter validates it.
    expect(doc.types.find((t) => t.name === 'RoomChatClientMessage')).toEqual({ ...doc.types.find((t) => t.name === 'RoomChatServerMessage'), name: 'RoomChatClientMessage' })
    expect(() => exportIr(router, { channels: { notices: { serverMessage: z.object({ text: z.string() }) } } })).toThrow(/channel 'notices' is both in the router and in the channels option/)
  })

  it('refuses what the IR cannot say', () => {
    const clash = createRouter({
      a: defineClient({ output: z.array(z.object({ x: z.string() }).meta({ id: 'RulesClash' })) }, () => []),
      b: defineClient({ output: z.array(z.object({ y: z.number() }).meta({ id: 'RulesClash' })) }, () => []),
    })
    expect(() => exportIr(clash)).toThrow(/named type 'RulesClash' is claimed twice/)
    expect(() => exportIr(createRouter({ scalar: defineClient({ input: z.string() }, () => 1) }))).toThrow(IrError)
    expect(() => exportIr(createRouter({ when: defineClient({ output: z.object({ at: z.date() }) }, () => ({ at: new Date() })) }))).toThrow(/'when' output/)
  })
})
