/**
 * Bad input never hurts (issue #5 item 1): property-based fuzzing (fast-check, fixed seeds) of
 * every POST service and every request header the Worker reads. Each generated request carries
 * exactly one known fault, so the oracle is exact: the ALTO error code and `field` (and `value`
 * where the RFC fixes it) that fault must produce. Any 5xx, exception or log line fails the test.
 * The expensive shapes (10,000-level nesting, megabyte strings, oversize bodies, n×m requests)
 * are explicit examples at the end.
 */
import { env } from 'cloudflare:workers'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { MAX_BODY_BYTES, MAX_ENDPOINT_COST_PAIRS, MAX_LIST_ENTRIES } from '../../src/alto/limits.ts'
import { MEDIA_TYPES } from '../../src/alto/media-types.ts'
import type { Manifest } from '../../src/store/manifest.ts'
import worker from '../../src/worker/index.ts'
import { ORIGIN } from './client.ts'
import { compileRealMapSet, publish, testExecutionContext } from './map-set.ts'

const NM = 'rfc-example-network-map'
const RUNS_PER_SERVICE = 1000
const SEED = 0x7285
const ALTO_ERROR_CODES = [
  'E_SYNTAX',
  'E_MISSING_FIELD',
  'E_INVALID_FIELD_TYPE',
  'E_INVALID_FIELD_VALUE',
]
const numericalRouting = { 'cost-mode': 'numerical', 'cost-metric': 'routingcost' }

let manifest: Manifest
const logged: unknown[][] = []
const spies: ReturnType<typeof vi.spyOn>[] = []
/** Requests sent per service (reported in the closing note of issue #5). */
const tried: Record<string, number> = {}

beforeAll(async () => {
  manifest = await publish(env.ALTO_KV, await compileRealMapSet(), {
    created: '2026-11-26T18:00:00.000Z',
  })
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    spies.push(
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void logged.push(args))
    )
  }
})

afterAll(() => {
  for (const spy of spies) spy.mockRestore()
  console.info(`fuzz: requests per service ${JSON.stringify(tried)}`)
})

// ---------------------------------------------------------------------------------------------
// Services, their valid base requests and their fields

/** `array`: a list whose elements the service checks itself (RFC 9241's cdni-capabilities). */
type Kind = 'string' | 'object' | 'string-array' | 'array'
interface FieldSpec {
  path: string[]
  kind: Kind
  required: boolean
}

interface Service {
  name: string
  path: string
  contentType: string
  produces: string
  base: Record<string, unknown>
  fields: FieldSpec[]
  /** Lists of typed addresses (path), checked in this order. */
  addressLists: string[][]
}

const costTypeFields: FieldSpec[] = [
  { path: ['cost-type'], kind: 'object', required: true },
  { path: ['cost-type', 'cost-mode'], kind: 'string', required: true },
  { path: ['cost-type', 'cost-metric'], kind: 'string', required: true },
  { path: ['constraints'], kind: 'string-array', required: false },
]

const SERVICES: Service[] = [
  {
    name: 'filtered-network-map',
    path: `/networkmap/${NM}/filtered`,
    contentType: MEDIA_TYPES.networkMapFilter,
    produces: MEDIA_TYPES.networkMap,
    base: { pids: ['PID1', 'PID2'], 'address-types': ['ipv4'] },
    fields: [
      { path: ['pids'], kind: 'string-array', required: true },
      { path: ['address-types'], kind: 'string-array', required: false },
    ],
    addressLists: [],
  },
  {
    name: 'filtered-cost-map',
    path: `/costmap/${NM}/filtered`,
    contentType: MEDIA_TYPES.costMapFilter,
    produces: MEDIA_TYPES.costMap,
    base: {
      'cost-type': numericalRouting,
      constraints: ['le 10'],
      pids: { srcs: ['PID1'], dsts: ['PID2'] },
    },
    fields: [
      ...costTypeFields,
      { path: ['pids'], kind: 'object', required: false },
      { path: ['pids', 'srcs'], kind: 'string-array', required: false },
      { path: ['pids', 'dsts'], kind: 'string-array', required: false },
    ],
    addressLists: [],
  },
  {
    name: 'endpoint-property',
    path: '/endpointprop/lookup',
    contentType: MEDIA_TYPES.endpointPropParams,
    produces: MEDIA_TYPES.endpointProp,
    base: { properties: [`${NM}.pid`], endpoints: ['ipv4:192.0.2.1', 'ipv6:2001:db8::1'] },
    fields: [
      { path: ['properties'], kind: 'string-array', required: true },
      { path: ['endpoints'], kind: 'string-array', required: true },
    ],
    addressLists: [['endpoints']],
  },
  {
    name: 'endpoint-cost',
    path: `/endpointcost/${NM}/lookup`,
    contentType: MEDIA_TYPES.endpointCostParams,
    produces: MEDIA_TYPES.endpointCost,
    base: {
      'cost-type': numericalRouting,
      endpoints: { srcs: ['ipv4:192.0.2.1'], dsts: ['ipv6:2001:db8::1'] },
    },
    fields: [
      ...costTypeFields,
      { path: ['endpoints'], kind: 'object', required: true },
      { path: ['endpoints', 'srcs'], kind: 'string-array', required: false },
      { path: ['endpoints', 'dsts'], kind: 'string-array', required: false },
    ],
    addressLists: [
      ['endpoints', 'srcs'],
      ['endpoints', 'dsts'],
    ],
  },
  {
    name: 'filtered-cdni',
    path: '/cdni/my-default-cdnifci/filtered',
    contentType: MEDIA_TYPES.cdniFilter,
    produces: MEDIA_TYPES.cdni,
    base: {
      'cdni-capabilities': [
        {
          'capability-type': 'FCI.DeliveryProtocol',
          'capability-value': { 'delivery-protocols': ['https/1.1'] },
        },
      ],
    },
    fields: [{ path: ['cdni-capabilities'], kind: 'array', required: true }],
    addressLists: [],
  },
  {
    name: 'filtered-property-map',
    path: '/propmap/rfc-example-property-map/filtered',
    contentType: MEDIA_TYPES.propMapParams,
    produces: MEDIA_TYPES.propMap,
    base: {
      entities: ['ipv4:192.0.2.1', 'ipv4:192.0.2.0/24', 'ipv6:2001:db8::/48', `${NM}.pid:PID1`],
      properties: ['.region', `${NM}.pid`],
    },
    fields: [
      { path: ['entities'], kind: 'string-array', required: true },
      { path: ['properties'], kind: 'string-array', required: false },
    ],
    addressLists: [],
  },
]

// ---------------------------------------------------------------------------------------------
// Faults

/** What a fault must produce: the exact error, or (for random documents) any ALTO error / 200. */
type Expected = { code: string; field?: string; value?: string } | 'any-alto-answer'

interface Case {
  fault: string
  body: string | Uint8Array
  expected: Expected
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T

function setAt(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>
  node[path[path.length - 1]] = value
}

function deleteAt(target: Record<string, unknown>, path: string[]): void {
  let node = target
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>
  delete node[path[path.length - 1]]
}

function kindOf(value: unknown): string {
  if (Array.isArray(value))
    return value.every((v) => typeof v === 'string') ? 'string-array' : 'array'
  if (value === null) return 'null'
  return typeof value
}

const json = fc.jsonValue({ maxDepth: 2 })
/** RFC 8259 number text that parses to ±Infinity. */
const HUGE_NUMBERS = ['1e309', '-1e309', '123456789e999', '1E400']

const BAD_ADDRESSES = [
  'ipv4:999.1.1.1',
  'ipv4:256.0.0.0',
  'ipv6:1::2::3',
  'ipv6:12345::',
  'ipv6:::ffff:999.0.0.1',
  'ipv4:192.0.2.0/24', // a prefix where an address belongs
  'ipv6:2001:db8::/32',
  'ipv4:1.2.3',
  'ipv4:01.2.3.4',
  'ipv4: 1.2.3.4',
  'ipv4:1.2.3.4:80',
  'ipv6:[2001:db8::1]',
  'ipv6:fe80::1%eth0',
  'ipv4:1.2.3.4\u0000',
  'ipv4:',
  'ipv6:',
  ':',
  '',
  'mac:00:11:22:33:44:55',
  '192.0.2.1',
]
const badAddress = fc.oneof(
  fc.constantFrom(...BAD_ADDRESSES),
  fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !/^ipv[46]:/.test(s))
)

const BAD_CONSTRAINTS = [
  'about 5',
  'gt',
  'gt 1e309',
  'gt Infinity',
  'gt NaN',
  'gt 0x10',
  'gt +5',
  'gt 5 5',
  'eq .5',
  'GT 5',
  'ne 5',
  '',
  'lt 01',
  'le 5.',
  'ge -',
  'gt\u00005',
]

function expectedValue(value: unknown): string {
  return typeof value === 'string'
    ? value
    : typeof value === 'number'
      ? String(value)
      : JSON.stringify(value)
}

/** Arbitrary single-fault requests for one service. */
function casesFor(
  service: Service,
  offeredMetrics: string[],
  offeredProperties: string[]
): fc.Arbitrary<Case> {
  const text = (v: unknown) => JSON.stringify(v)
  const baseText = text(service.base)
  const field = fc.constantFrom(...service.fields)

  const wrongType = fc
    .tuple(field, json)
    .filter(
      ([f, v]) =>
        kindOf(v) !== f.kind &&
        !(f.kind === 'string-array' && Array.isArray(v) && v.length === 0) &&
        !(f.kind === 'array' && Array.isArray(v))
    )
    .map(([f, v]): Case => {
      const body = clone(service.base)
      setAt(body, f.path, v)
      // A wrong-typed ELEMENT of a string array is a value error on the array (§8.5.2).
      if (f.kind === 'string-array' && Array.isArray(v)) {
        const bad = v.find((e) => typeof e !== 'string')
        return {
          fault: `wrong element type at ${f.path.join('/')}`,
          body: text(body),
          expected: {
            code: 'E_INVALID_FIELD_VALUE',
            field: f.path.join('/'),
            value: expectedValue(bad),
          },
        }
      }
      return {
        fault: `wrong type at ${f.path.join('/')}`,
        body: text(body),
        expected: { code: 'E_INVALID_FIELD_TYPE', field: f.path.join('/') },
      }
    })

  const missing = fc.constantFrom(...service.fields.filter((f) => f.required)).map((f): Case => {
    const body = clone(service.base)
    deleteAt(body, f.path)
    return {
      fault: `missing ${f.path.join('/')}`,
      body: text(body),
      expected: { code: 'E_MISSING_FIELD', field: f.path.join('/') },
    }
  })

  const truncated = fc.integer({ min: 0, max: baseText.length - 1 }).map((n): Case => ({
    fault: 'truncated JSON',
    body: baseText.slice(0, n),
    expected: { code: 'E_SYNTAX' },
  }))

  const duplicateKey = fc.constantFrom(...service.fields).map((f): Case => {
    // Repeat the member (same name, same value) in its object: `{"a":1,...}` → `{"a":1,"a":1,...}`.
    const name = f.path[f.path.length - 1]
    const body = clone(service.base)
    let holder = body
    for (const key of f.path.slice(0, -1)) holder = holder[key] as Record<string, unknown>
    if (!(name in holder)) holder[name] = f.kind === 'string' ? 'x' : f.kind === 'object' ? {} : []
    const member = `${text(name)}:${text(holder[name])}`
    const source = text(body)
    const at = source.indexOf(member)
    return {
      fault: `duplicate key ${name}`,
      body: `${source.slice(0, at)}${member},${source.slice(at)}`,
      expected: { code: 'E_SYNTAX' },
    }
  })

  const rawNul = fc.integer({ min: 0, max: 1000 }).map((n): Case => {
    // An unescaped U+0000 inside a string literal (RFC 8259 §7: control characters MUST be escaped).
    const quotes = [...baseText.matchAll(/"/g)].map((m) => m.index)
    const at = quotes[(n % (quotes.length / 2)) * 2] + 1
    return {
      fault: 'raw NUL in a string',
      body: `${baseText.slice(0, at)}\u0000${baseText.slice(at)}`,
      expected: { code: 'E_SYNTAX' },
    }
  })

  const invalidUtf8 = fc
    .tuple(
      fc.integer({ min: 0, max: 1000 }),
      fc.constantFrom(
        [0xff],
        [0xc3, 0x28],
        [0xe2, 0x82],
        [0xed, 0xa0, 0x80],
        [0xf8, 0x88, 0x80, 0x80, 0x80],
        [0xc0, 0xaf]
      )
    )
    .map(([n, bad]): Case => {
      const bytes = new TextEncoder().encode(baseText)
      const quotes = [...baseText.matchAll(/"/g)].map((m) => m.index)
      const at = quotes[(n % (quotes.length / 2)) * 2] + 1
      return {
        fault: 'invalid UTF-8',
        body: new Uint8Array([...bytes.slice(0, at), ...bad, ...bytes.slice(at)]),
        expected: { code: 'E_SYNTAX' },
      }
    })

  const hugeNumber = fc
    .tuple(field, fc.constantFrom(...HUGE_NUMBERS), fc.boolean())
    .map(([f, literal, asElement]): Case => {
      const marker = '"__HUGE__"'
      const body = clone(service.base)
      const inArray = asElement && f.kind === 'string-array'
      setAt(body, f.path, inArray ? ['__HUGE__'] : '__HUGE__')
      const source = text(body).replace(marker, literal)
      const path = f.path.join('/')
      if (inArray)
        return {
          fault: `${literal} in ${path}`,
          body: source,
          expected: { code: 'E_INVALID_FIELD_VALUE', field: path, value: String(Number(literal)) },
        }
      if (f.kind !== undefined) {
        return {
          fault: `${literal} as ${path}`,
          body: source,
          expected: { code: 'E_INVALID_FIELD_TYPE', field: path },
        }
      }
      throw new Error('unreachable')
    })

  const notAnObject = json
    .filter((v) => kindOf(v) !== 'object')
    .map((v): Case => ({
      fault: 'body not an object',
      body: text(v),
      expected: { code: 'E_SYNTAX' },
    }))
  const randomBytes = fc
    .uint8Array({ maxLength: 64 })
    .map((b): Case => ({ fault: 'random bytes', body: b, expected: 'any-alto-answer' }))
  const randomObject = fc
    .dictionary(fc.string({ maxLength: 12 }), json, { maxKeys: 4 })
    .map((v): Case => ({ fault: 'random object', body: text(v), expected: 'any-alto-answer' }))

  const arbitraries: fc.Arbitrary<Case>[] = [
    wrongType,
    missing,
    truncated,
    duplicateKey,
    rawNul,
    invalidUtf8,
    hugeNumber,
    notAnObject,
    randomBytes,
    randomObject,
  ]

  if (service.addressLists.length > 0) {
    arbitraries.push(
      fc
        .tuple(fc.constantFrom(...service.addressLists), badAddress, fc.nat(3))
        .map(([path, address, position]): Case => {
          const body = clone(service.base)
          let list = body as unknown
          for (const key of path) list = (list as Record<string, unknown>)[key]
          const addresses = [...(list as string[])]
          addresses.splice(position % (addresses.length + 1), 0, address)
          setAt(body, path, addresses)
          const value = address.length > 256 ? undefined : address
          return {
            fault: `bad address in ${path.join('/')}`,
            body: text(body),
            expected: { code: 'E_INVALID_FIELD_VALUE', field: path.join('/'), value },
          }
        })
    )
  }
  if (service.fields.some((f) => f.path[0] === 'cost-type')) {
    const metric = fc.string({ maxLength: 20 }).filter((m) => !offeredMetrics.includes(m))
    const mode = fc.string({ maxLength: 20 }).filter((m) => m !== 'numerical' && m !== 'ordinal')
    arbitraries.push(
      metric.map((m): Case => {
        const body = clone(service.base)
        setAt(body, ['cost-type', 'cost-metric'], m)
        return {
          fault: 'unsupported cost metric',
          body: text(body),
          expected: { code: 'E_INVALID_FIELD_VALUE', field: 'cost-type/cost-metric', value: m },
        }
      }),
      mode.map((m): Case => {
        const body = clone(service.base)
        setAt(body, ['cost-type', 'cost-mode'], m)
        return {
          fault: 'unsupported cost mode',
          body: text(body),
          expected: { code: 'E_INVALID_FIELD_VALUE', field: 'cost-type/cost-mode', value: m },
        }
      }),
      fc.constantFrom(...BAD_CONSTRAINTS).map((c): Case => {
        const body = clone(service.base)
        setAt(body, ['constraints'], ['le 100', c])
        return {
          fault: 'invalid constraint',
          body: text(body),
          expected: { code: 'E_INVALID_FIELD_VALUE', field: 'constraints', value: c },
        }
      })
    )
  }
  if (service.name === 'endpoint-property') {
    arbitraries.push(
      fc
        .string({ maxLength: 30 })
        .filter((p) => !offeredProperties.includes(p))
        .map((p): Case => {
          const body = clone(service.base)
          setAt(body, ['properties'], [`${NM}.pid`, p])
          return {
            fault: 'unknown property',
            body: text(body),
            expected: { code: 'E_INVALID_FIELD_VALUE', field: 'properties', value: p },
          }
        }),
      fc.constantFrom('properties', 'endpoints').map((name): Case => {
        const body = clone(service.base)
        setAt(body, [name], [])
        return {
          fault: `empty ${name}`,
          body: text(body),
          expected: { code: 'E_INVALID_FIELD_VALUE', field: name, value: '[]' },
        }
      })
    )
  }
  if (service.name === 'filtered-cdni') {
    // RFC 9241 §5.6: a null capability-type or capability-value, or a value that does not fit
    // its type (or a type the server does not know), is E_INVALID_FIELD_VALUE naming the
    // capability; an element that is no object is a value error on the list (RFC 7285 §8.5.2).
    const good = (service.base['cdni-capabilities'] as unknown[])[0]
    const capability = fc.oneof(
      fc.record({ 'capability-type': fc.constant(null), 'capability-value': json }),
      fc.record({
        'capability-type': fc.constant('FCI.Metadata'),
        'capability-value': fc.constant(null),
      }),
      fc.record({
        'capability-type': fc.constant('FCI.DeliveryProtocol'),
        'capability-value': json.filter(
          (v) =>
            !(
              v !== null &&
              typeof v === 'object' &&
              !Array.isArray(v) &&
              Array.isArray((v as Record<string, unknown>)['delivery-protocols']) &&
              ((v as Record<string, unknown[]>)['delivery-protocols'] ?? []).every(
                (e) => typeof e === 'string'
              )
            )
        ),
      }),
      fc.record({
        'capability-type': fc.string({ maxLength: 20 }).filter((t) => !t.startsWith('FCI.')),
        'capability-value': json,
      })
    )
    arbitraries.push(
      fc.tuple(capability, fc.boolean()).map(([bad, first]): Case => {
        const parsed = JSON.parse(JSON.stringify(bad)) as Record<string, unknown>
        const list = first ? [parsed, good] : [good, parsed]
        const onType =
          parsed['capability-type'] === null ||
          !String(parsed['capability-type']).startsWith('FCI.')
        return {
          fault: `invalid capability ${JSON.stringify(parsed).slice(0, 60)}`,
          body: text({ 'cdni-capabilities': list }),
          expected: {
            code: 'E_INVALID_FIELD_VALUE',
            field: `cdni-capabilities/${onType ? 'capability-type' : 'capability-value'}`,
            value: JSON.stringify(parsed),
          },
        }
      }),
      json
        .filter((v) => kindOf(v) !== 'object')
        .map((element): Case => ({
          fault: 'a capability that is not an object',
          body: text({ 'cdni-capabilities': [good, element] }),
          expected: {
            code: 'E_INVALID_FIELD_VALUE',
            field: 'cdni-capabilities',
            value: expectedValue(element),
          },
        }))
    )
  }
  return fc.oneof(...arbitraries)
}

// ---------------------------------------------------------------------------------------------
// Calling and checking

async function send(
  service: Service,
  body: string | Uint8Array,
  headers: Record<string, string> = {}
): Promise<Response> {
  const request = new Request(`${ORIGIN}${service.path}`, {
    method: 'POST',
    headers: {
      'Content-Type': service.contentType,
      Accept: `${service.produces},${MEDIA_TYPES.error}`,
      ...headers,
    },
    body,
  })
  return worker.fetch(request, env, testExecutionContext())
}

/** Asserts a well-formed RFC 7285 §8.5.2 error and returns its meta. */
async function altoError(res: Response, context: string): Promise<Record<string, unknown>> {
  expect([context, res.status]).toEqual([context, 400])
  expect([context, res.headers.get('Content-Type')]).toEqual([context, MEDIA_TYPES.error])
  const body = (await res.json()) as { meta: Record<string, unknown> }
  const meta = body.meta
  expect(ALTO_ERROR_CODES, context).toContain(meta.code)
  if (meta.code !== 'E_SYNTAX') expect(typeof meta.field, context).toBe('string')
  if ('value' in meta) {
    expect(typeof meta.value, context).toBe('string') // §8.5.2: value is a JSONString
    expect(meta.field, context).toBeDefined() // "value ... MUST [come with] field"
  }
  return meta
}

async function check(service: Service, c: Case): Promise<void> {
  const res = await send(service, c.body)
  tried[service.name] = (tried[service.name] ?? 0) + 1
  const context = `${service.name}: ${c.fault}`
  if (c.expected === 'any-alto-answer') {
    if (res.status === 200) {
      expect(res.headers.get('Content-Type')).toBe(service.produces)
      await res.arrayBuffer()
    } else await altoError(res, context)
    return
  }
  const meta = await altoError(res, context)
  expect([context, meta.code]).toEqual([context, c.expected.code])
  if (c.expected.field !== undefined)
    expect([context, meta.field]).toEqual([context, c.expected.field])
  if (c.expected.value !== undefined) {
    const value =
      c.expected.value.length > 256 ? `${c.expected.value.slice(0, 256)}…` : c.expected.value
    expect([context, meta.value]).toEqual([context, value])
  }
}

describe('POST services: one fault per request, exact ALTO error', () => {
  for (const service of SERVICES) {
    it(`${service.name}: ${RUNS_PER_SERVICE} generated faulty requests`, async () => {
      const offeredMetrics = Object.values(manifest['cost-maps'])
        .filter((cm) => cm['network-map'] === NM)
        .map((cm) => cm['cost-type']['cost-metric'])
      const offeredProperties = [
        ...Object.keys(manifest['network-maps']).map((nm) => `${nm}.pid`),
        ...Object.keys(manifest.properties),
      ]
      await fc.assert(
        fc.asyncProperty(casesFor(service, offeredMetrics, offeredProperties), (c) =>
          check(service, c)
        ),
        { numRuns: RUNS_PER_SERVICE, seed: SEED, endOnFailure: true }
      )
      // A control that must succeed: the unmutated base request.
      expect((await send(service, JSON.stringify(service.base))).status).toBe(200)
      expect(logged, 'nothing logged while serving bad input').toEqual([])
    })
  }
})

// ---------------------------------------------------------------------------------------------
// Headers

const ALL_PATHS: { path: string; method: 'GET' | 'POST'; service?: Service; produces: string }[] = [
  { path: '/directory', method: 'GET', produces: MEDIA_TYPES.directory },
  { path: '/', method: 'GET', produces: MEDIA_TYPES.directory },
  { path: `/networkmap/${NM}`, method: 'GET', produces: MEDIA_TYPES.networkMap },
  { path: '/costmap/rfc-example-num-routingcost', method: 'GET', produces: MEDIA_TYPES.costMap },
  ...SERVICES.map((service) => ({
    path: service.path,
    method: 'POST' as const,
    service,
    produces: service.produces,
  })),
]

const headerValue = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.constantFrom(
    '*/*',
    'application/*',
    'application/alto-error+json',
    'text/html;q=0.9, */*;q=0',
    `${MEDIA_TYPES.costMap};q=0`,
    ';;;,,,',
    'W/"x", "y"',
    '*',
    'Thu, 01 Jan 1970 00:00:00 GMT',
    'Sat, 31 Dec 9999 23:59:59 GMT',
    'Digest username="x"',
    'Bearer ' + 'a'.repeat(300)
  ),
  fc
    .array(fc.constantFrom(...Object.values(MEDIA_TYPES), 'q=0.5', 'charset=utf-8', '*/*'), {
      maxLength: 6,
    })
    .map((parts) =>
      parts.join(
        fc.sample(fc.constantFrom(',', ';', ', ', ' ; '), { numRuns: 1, seed: parts.length })[0]
      )
    )
)
const HEADER_NAMES = [
  'Accept',
  'Content-Type',
  'If-None-Match',
  'If-Modified-Since',
  'Authorization',
  'CF-Connecting-IP',
  'Origin',
  'Accept-Encoding',
  'Content-Length',
] as const

describe('request headers', () => {
  it(`${RUNS_PER_SERVICE} requests with random header values on every path: never a 5xx, errors well-formed`, async () => {
    const validBody = (service: Service | undefined) =>
      service ? JSON.stringify(service.base) : undefined
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ALL_PATHS),
        fc.dictionary(fc.constantFrom(...HEADER_NAMES), headerValue, { maxKeys: 4 }),
        async (target, headers) => {
          const init: RequestInit = { method: target.method, headers: {} }
          const sent = new Headers()
          for (const [name, value] of Object.entries(headers)) {
            try {
              sent.set(name, value)
            } catch {
              // Not a legal header value (the runtime refuses it before the Worker sees it).
            }
          }
          if (target.method === 'POST' && !sent.has('Content-Type'))
            sent.set('Content-Type', target.service!.contentType)
          sent.delete('Content-Length') // the runtime owns framing
          init.headers = sent
          init.body = validBody(target.service)
          const res = await worker.fetch(
            new Request(`${ORIGIN}${target.path}`, init),
            env,
            testExecutionContext()
          )
          tried['headers'] = (tried['headers'] ?? 0) + 1
          const context = `${target.method} ${target.path} ${JSON.stringify(headers)}`
          expect([context, res.status < 500]).toEqual([context, true])
          expect([200, 304, 400, 404, 406, 415], context).toContain(res.status)
          if (res.status === 400) await altoError(res, context)
          else if (res.status === 200) {
            if (target.path !== '/')
              expect(res.headers.get('Content-Type'), context).toBe(target.produces)
            await res.arrayBuffer()
          } else await res.arrayBuffer()
          expect(res.headers.get('X-Content-Type-Options'), context).toBe('nosniff')
        }
      ),
      { numRuns: RUNS_PER_SERVICE, seed: SEED, endOnFailure: true }
    )
    expect(logged).toEqual([])
  })
})

// ---------------------------------------------------------------------------------------------
// Expensive shapes, as explicit examples

describe('extreme inputs', () => {
  const [fnm, fcm, eps, ecs] = SERVICES

  it('10,000 levels of nesting are E_SYNTAX, in an unknown member and in a list', async () => {
    const deep = '['.repeat(10_000) + ']'.repeat(10_000)
    for (const body of [
      `{"pids":[],"x":${deep}}`,
      `{"pids":[${deep}]}`,
      `{"pids":[],"x":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`,
    ]) {
      const meta = await altoError(await send(fnm, body), 'deep nesting')
      expect(meta.code).toBe('E_SYNTAX')
      expect(meta['syntax-error']).toMatch(/nested deeper/)
    }
    // Unclosed: invalid JSON long before any limit matters.
    expect((await altoError(await send(fnm, '['.repeat(500_000)), 'unclosed')).code).toBe(
      'E_SYNTAX'
    )
  })

  it('a megabyte string: a PID is ignored, an address is refused with a truncated value', async () => {
    const mega = 'A'.repeat(MAX_BODY_BYTES - 100)
    const ok = await send(fnm, JSON.stringify({ pids: [mega] }))
    expect(ok.status).toBe(200)
    expect(await ok.json()).toMatchObject({ 'network-map': {} })
    const meta = await altoError(
      await send(eps, JSON.stringify({ properties: [`${NM}.pid`], endpoints: [`ipv4:${mega}`] })),
      'mega address'
    )
    expect(meta).toMatchObject({ code: 'E_INVALID_FIELD_VALUE', field: 'endpoints' })
    expect(String(meta.value).length).toBeLessThanOrEqual(257)
  })

  it('bodies over the limit are 413 (declared or streamed), before parsing', async () => {
    const big = JSON.stringify({ pids: [], pad: 'x'.repeat(MAX_BODY_BYTES) })
    expect((await send(fnm, big)).status).toBe(413)
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        const chunk = new TextEncoder().encode('x'.repeat(64 * 1024))
        for (let i = 0; i < 20; i++) controller.enqueue(chunk)
        controller.close()
      },
    })
    const res = await worker.fetch(
      new Request(`${ORIGIN}${fnm.path}`, {
        method: 'POST',
        headers: { 'Content-Type': fnm.contentType },
        body: stream,
      }),
      env,
      testExecutionContext()
    )
    expect(res.status).toBe(413)
  })

  it('huge lists and n×m requests are refused naming the field', async () => {
    const pids = Array.from({ length: MAX_LIST_ENTRIES + 1 }, (_, i) => `P${i}`)
    expect(await altoError(await send(fnm, JSON.stringify({ pids })), 'list')).toMatchObject({
      code: 'E_INVALID_FIELD_VALUE',
      field: 'pids',
    })
    expect((await send(fnm, JSON.stringify({ pids: pids.slice(1) }))).status).toBe(200)
    // Endpoint cost: more pairs than MAX_ENDPOINT_COST_PAIRS.
    const side = Math.ceil(Math.sqrt(MAX_ENDPOINT_COST_PAIRS)) + 1
    const addresses = (base: number) =>
      Array.from({ length: side }, (_, i) => `ipv4:10.${base}.${i >> 8}.${i & 255}`)
    const meta = await altoError(
      await send(
        ecs,
        JSON.stringify({
          'cost-type': numericalRouting,
          endpoints: { srcs: addresses(1), dsts: addresses(2) },
        })
      ),
      'n×m'
    )
    expect(meta).toMatchObject({ code: 'E_INVALID_FIELD_VALUE', field: 'endpoints' })
    void fcm
  })

  it('__proto__ and constructor members are plain unknown members', async () => {
    const res = await send(
      fcm,
      '{"__proto__":{"cost-type":1},"constructor":5,"cost-type":{"cost-mode":"numerical","cost-metric":"routingcost"}}'
    )
    expect(res.status).toBe(200)
  })
})
