import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseAddressBatch, type AddressBatch } from './address-batch.ts'
import { readAddressLists, scanAddressLists, type ListPath } from './address-scan.ts'
import { MAX_LIST_ENTRIES } from './limits.ts'
import {
  endpointCostRequest,
  endpointPropertyRequest,
  parseJsonText,
  validateRequest,
} from './request-schemas.ts'

const encoder = new TextEncoder()
const ECS_LISTS: readonly ListPath[] = [
  ['endpoints', 'srcs'],
  ['endpoints', 'dsts'],
]
const EPS_LISTS: readonly ListPath[] = [['endpoints']]

/** The ordinary path: UTF-8, JSON.parse + structure check, zod; then each list's batch. */
function ordinary(
  bytes: Uint8Array,
  schema: typeof endpointCostRequest,
  paths: readonly ListPath[]
) {
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes)
  } catch {
    return { ok: false as const }
  }
  const json = parseJsonText(text)
  if (!json.ok) return { ok: false as const }
  const parsed = validateRequest(schema, json.value)
  if (!parsed.ok) return { ok: false as const }
  const value = parsed.value as Record<string, unknown>
  const lists = paths.map((p) => {
    const holder = (p.length === 1 ? value : value[p[0]]) as Record<string, unknown> | undefined
    return holder?.[p[p.length - 1]] as string[] | undefined
  })
  return { ok: true as const, value, lists }
}

const plain = (b: AddressBatch) => ({
  count: b.count,
  texts: [...b.texts],
  family: [...b.family],
  words: [...b.words],
})

/**
 * The shortcut's promise: when it answers, the ordinary path accepts the same body and reads the
 * same value, and each batch is parseAddressBatch of that list. Returns whether it answered.
 */
function checkSame(
  bytes: Uint8Array,
  schema: typeof endpointCostRequest,
  paths: readonly ListPath[]
): boolean {
  const fast = readAddressLists(bytes, schema, paths)
  if (fast === null) return false
  const slow = ordinary(bytes, schema, paths)
  expect(slow.ok).toBe(true)
  if (!slow.ok) return true
  expect(JSON.parse(JSON.stringify(fast.request))).toEqual(JSON.parse(JSON.stringify(slow.value)))
  paths.forEach((_, k) => {
    const list = slow.lists[k]
    const batch = fast.batches[k]
    if (batch === undefined) {
      // Not taken: absent or empty, and the caller parses the texts itself.
      expect(list === undefined || list.length === 0).toBe(true)
    } else {
      expect(plain(batch)).toEqual(plain(parseAddressBatch(list!, 'x')))
      expect(batch.bytes).toBeDefined()
    }
  })
  return true
}

const hex = fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16))
const v4 = fc
  .tuple(...Array.from({ length: 4 }, () => fc.integer({ min: 0, max: 255 })))
  .map((o) => o.join('.'))
const v6 = fc.oneof(
  fc.array(hex, { minLength: 8, maxLength: 8 }).map((g) => g.join(':')),
  fc
    .tuple(fc.array(hex, { maxLength: 3 }), fc.array(hex, { maxLength: 3 }))
    .map(([a, b]) => `${a.join(':')}::${b.join(':')}`),
  fc
    .tuple(fc.array(hex, { minLength: 6, maxLength: 6 }), v4)
    .map(([g, q]) => `${g.join(':')}:${q}`),
  fc.constantFrom('::', '::1', '1::', 'FFFF::ABCD', '::ffff:192.0.2.1')
)
const typed = fc.oneof(
  { weight: 4, arbitrary: v4.map((a) => `ipv4:${a}`) },
  { weight: 4, arbitrary: v6.map((a) => `ipv6:${a}`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'ipv4:01.2.3.4',
      'ipv4:1.2.3',
      'ipv6:1:::2',
      'ipv5:1.2.3.4',
      'ipv4:1.2.3.4 ',
      'ipv4:1.2.3.\u0034',
      'ipv6:é::1',
      'x',
      ''
    ),
  }
)
const listOf = fc.oneof(
  { weight: 6, arbitrary: fc.array(typed, { minLength: 1, maxLength: 12 }) },
  // duplicates, equal-address different-text pairs
  {
    weight: 2,
    arbitrary: fc.array(fc.constantFrom('ipv4:10.0.0.1', 'ipv6:::1', 'ipv6:0::1', 'ipv6:0:0::1'), {
      minLength: 1,
      maxLength: 8,
    }),
  },
  { weight: 1, arbitrary: fc.constant([]) },
  {
    weight: 1,
    arbitrary: fc.array(fc.oneof(typed, fc.integer(), fc.constant(null)), { maxLength: 4 }),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) }
)
const member = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined })
const doc = fc.record(
  {
    'cost-type': member(
      fc.oneof(
        fc.constant({ 'cost-mode': 'numerical', 'cost-metric': 'routingcost' }),
        fc.constant({ 'cost-mode': 'ordinal', 'cost-metric': 'routingcost', 'x-é': ['[', '"'] }),
        fc.jsonValue({ maxDepth: 1 })
      )
    ),
    endpoints: member(
      fc.oneof(
        {
          weight: 8,
          arbitrary: fc.record(
            {
              srcs: member(listOf),
              dsts: member(listOf),
              extra: member(fc.jsonValue({ maxDepth: 2 })),
            },
            { requiredKeys: [] }
          ),
        },
        { weight: 1, arbitrary: listOf }
      )
    ),
    properties: member(fc.constantFrom(['pid'], ['asn'], [], 'pid')),
    // The lists' names elsewhere, deeper, and as strings: none of them is a list of the request.
    other: member(
      fc.constantFrom(
        { srcs: ['ipv4:1.2.3.4'] },
        { endpoints: { srcs: ['ipv4:1.2.3.4'] } },
        ['endpoints', 'srcs', '"srcs"'],
        'srcs'
      )
    ),
  },
  { requiredKeys: [] }
)

/** JSON text with random whitespace between tokens (what JSON.stringify never writes). */
function spaced(value: unknown, rand: () => number): string {
  const ws = () => [' ', '\n', '\t', '\r\n', '', '', ''][Math.floor(rand() * 7)]
  const write = (v: unknown): string => {
    if (Array.isArray(v)) return `[${ws()}${v.map((x) => ws() + write(x) + ws()).join(',')}${ws()}]`
    if (v !== null && typeof v === 'object')
      return `{${ws()}${Object.entries(v)
        .filter(([, x]) => x !== undefined)
        .map(([k, x]) => `${ws()}${JSON.stringify(k)}${ws()}:${ws()}${write(x)}${ws()}`)
        .join(',')}${ws()}}`
    return JSON.stringify(v)
  }
  return ws() + write(value) + ws()
}

describe('scanAddressLists: the byte shortcut reads what the ordinary path reads (RFC 7285 §11.5.1.3, §8.5.2)', () => {
  it('same value and batches on random endpoint cost documents, or declines', () => {
    let answered = 0
    let runs = 0
    fc.assert(
      fc.property(doc, fc.integer(), fc.boolean(), (d, seed, withSpaces) => {
        let s = seed >>> 0
        const rand = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32
        const text = withSpaces ? spaced(d, rand) : JSON.stringify(d)
        runs++
        if (checkSame(encoder.encode(text), endpointCostRequest, ECS_LISTS)) answered++
      }),
      { seed: 0x7285, numRuns: 3000 }
    )
    // The shortcut must actually be taken on valid requests, or this test proves nothing.
    expect(answered).toBeGreaterThan(runs / 10)
  })

  it('same value and batches on mutated bodies (bytes deleted, inserted, replaced), or declines', () => {
    const base = encoder.encode(
      JSON.stringify({
        'cost-type': { 'cost-mode': 'numerical', 'cost-metric': 'routingcost' },
        endpoints: {
          srcs: ['ipv4:192.0.2.2', 'ipv6:2001:db8::1'],
          dsts: ['ipv4:192.0.2.89', 'ipv6:::ffff:192.0.2.1', 'ipv4:198.51.100.34'],
        },
      })
    )
    // Bytes that matter to JSON, to the address grammar, and to UTF-8.
    const alphabet = encoder.encode('"\\[]{}:,. \n0119afFx-e')
    const pool = [...alphabet, 0x00, 0x1f, 0x7f, 0x80, 0xc3, 0xa9, 0xff]
    let answered = 0
    let declined = 0
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.nat(),
            fc.constantFrom('delete', 'insert', 'replace'),
            fc.constantFrom(...pool)
          ),
          { minLength: 1, maxLength: 3 }
        ),
        (edits) => {
          let bytes = Array.from(base)
          for (const [at, kind, b] of edits) {
            const i = at % (bytes.length + 1)
            if (kind === 'insert') bytes.splice(i, 0, b)
            else if (i < bytes.length) bytes.splice(i, 1, ...(kind === 'replace' ? [b] : []))
          }
          if (checkSame(Uint8Array.from(bytes), endpointCostRequest, ECS_LISTS)) answered++
          else declined++
        }
      ),
      { seed: 0x8259, numRuns: 5000 }
    )
    // Both outcomes occur: mutations inside free text keep the shortcut, most others decline it.
    expect(answered).toBeGreaterThan(100)
    expect(declined).toBeGreaterThan(100)
  })

  it('same value and batch for the endpoint property service (one list at the top level)', () => {
    const body =
      '{"properties":["pid"],"endpoints":["ipv4:192.0.2.34","ipv6:2001:db8::1","ipv4:192.0.2.34"]}'
    expect(checkSame(encoder.encode(body), endpointPropertyRequest as never, EPS_LISTS)).toBe(true)
  })

  it('takes the §11.5.1.5 example request and keeps the texts as sent', () => {
    const body = `{
      "cost-type": {"cost-mode" : "ordinal", "cost-metric" : "routingcost"},
      "endpoints" : {
        "srcs": [ "ipv4:192.0.2.2" ],
        "dsts": [ "ipv4:192.0.2.89", "ipv4:198.51.100.34", "ipv4:203.0.113.45", "ipv6:2001:DB8::1" ]
      }
    }`
    const fast = readAddressLists(encoder.encode(body), endpointCostRequest, ECS_LISTS)
    expect(fast).not.toBeNull()
    expect(fast!.batches[1]!.texts).toEqual([
      'ipv4:192.0.2.89',
      'ipv4:198.51.100.34',
      'ipv4:203.0.113.45',
      'ipv6:2001:DB8::1',
    ])
    expect(fast!.request.endpoints.dsts).toEqual(fast!.batches[1]!.texts)
    expect(checkSame(encoder.encode(body), endpointCostRequest, ECS_LISTS)).toBe(true)
  })

  const declines: [string, string | Uint8Array][] = [
    ['a repeated list name', '{"endpoints":{"srcs":["ipv4:1.2.3.4"],"srcs":["ipv4:1.2.3.5"]}}'],
    [
      'an empty list, then the same name again',
      '{"endpoints":{"srcs":[],"srcs":["ipv4:1.2.3.5"]}}',
    ],
    [
      'a repeated outer name',
      '{"endpoints":{"srcs":["ipv4:1.2.3.4"]},"endpoints":{"dsts":["ipv4:1.2.3.5"]}}',
    ],
    ['an escape in an address', '{"endpoints":{"srcs":["ipv4:1.2.3.\\u0034"]}}'],
    ['an escaped quote in an address', '{"endpoints":{"srcs":["ipv4:1.2.3.4\\""]}}'],
    ['an escaped list name', '{"endpoints":{"\\u0073rcs":["ipv4:1.2.3.4"]}}'],
    ['an invalid address', '{"endpoints":{"srcs":["ipv4:1.2.3.4","ipv4:1.2.3.256"]}}'],
    ['a number in a list', '{"endpoints":{"srcs":["ipv4:1.2.3.4",5]}}'],
    ['a trailing comma', '{"endpoints":{"srcs":["ipv4:1.2.3.4",]}}'],
    ['trailing text', '{"endpoints":{"srcs":["ipv4:1.2.3.4"]}} x'],
    ['a missing brace', '{"endpoints":{"srcs":["ipv4:1.2.3.4"]}'],
    ['a byte-order mark', '\ufeff{"endpoints":{"srcs":["ipv4:1.2.3.4"]}}'],
    ['not an object', '[{"endpoints":{"srcs":["ipv4:1.2.3.4"]}}]'],
    ['no list at all', '{"cost-type":{"cost-mode":"numerical","cost-metric":"routingcost"}}'],
    ['a schema error beside the lists', '{"cost-type":5,"endpoints":{"srcs":["ipv4:1.2.3.4"]}}'],
    [
      'too deep elsewhere',
      `{"endpoints":{"srcs":["ipv4:1.2.3.4"]},"x":${'['.repeat(40)}${']'.repeat(40)}}`,
    ],
    [
      'invalid UTF-8 elsewhere',
      Uint8Array.from([
        ...encoder.encode('{"x":"'),
        0xff,
        ...encoder.encode('","endpoints":{"srcs":["ipv4:1.2.3.4"]}}'),
      ]),
    ],
    [
      'a list one entry too long',
      JSON.stringify({
        endpoints: { srcs: Array.from({ length: MAX_LIST_ENTRIES + 1 }, () => 'ipv4:1.2.3.4') },
      }),
    ],
  ]
  for (const [what, body] of declines) {
    it(`declines ${what} (the ordinary path answers)`, () => {
      const bytes = typeof body === 'string' ? encoder.encode(body) : body
      expect(readAddressLists(bytes, endpointCostRequest, ECS_LISTS)).toBeNull()
    })
  }

  it('takes a list of exactly MAX_LIST_ENTRIES addresses, and non-ASCII text elsewhere', () => {
    const srcs = Array.from(
      { length: MAX_LIST_ENTRIES },
      (_, i) => `ipv4:10.0.${i >> 8}.${i & 255}`
    )
    const body = JSON.stringify({
      endpoints: { srcs, dsts: ['ipv6:::1'] },
      'x-note': 'Zürich 東京',
    })
    expect(checkSame(encoder.encode(body), endpointCostRequest, ECS_LISTS)).toBe(true)
    expect(scanAddressLists(encoder.encode(body), ECS_LISTS)!.batches[0]!.count).toBe(
      MAX_LIST_ENTRIES
    )
  })
})
