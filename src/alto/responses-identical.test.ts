/**
 * The JSON text writers of responses.ts against the object builders they replaced
 * (test-helpers.ts): byte-identical to `JSON.stringify` of the objects on random requests
 * (fast-check, fixed seed), including PID names that are array indexes (a JS object lists those
 * first), strings that need escapes, undefined costs, constraints, duplicates and unmapped
 * addresses; and the one-pass address parser against the object parser: the same addresses, or
 * the same first error (code, field, value).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseAddressBatch, type AddressBatch } from './address-batch.ts'
import { scanAddressLists } from './address-scan.ts'
import { RequestFailureError, altoFail } from './errors.ts'
import {
  distinct,
  endpointCostMapBytes,
  filteredCostMapBytes,
  writeEndpointCostMap,
  writeEndpointProperties,
  endpointPropertiesBytes,
  writeFilteredCostMap,
  type PidTable,
} from './responses.ts'
import {
  buildEndpointCostMap,
  buildEndpointProperties,
  buildFilteredCostMap,
  type Endpoint,
} from './test-helpers.ts'
import { parseTypedAddress, type TypedAddress } from './typed-address.ts'

const SEED = 0x10ca1
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false })
const RUNS = 300

// PID names (RFC 7285 §10.1 characters), some of them array indexes such as "7" and "10".
const pidName = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9:@_.-]{1,8}$/),
  fc.nat(40).map(String),
  fc.constantFrom('0', '01', '4294967294', '4294967295', 'PID1', 'a.b')
)
const costValue = fc.oneof(
  fc.constant(NaN),
  fc.integer({ min: -5, max: 1000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
  fc.constantFrom(0.1, 1e21, 5e-7, -0)
)

const costType = { 'cost-mode': 'numerical', 'cost-metric': 'routingcost', description: 'x' }
const vtag = { 'resource-id': 'nm', tag: 'v1' }

interface Table {
  pids: PidTable
  matrix: number[][]
}
const table = fc.uniqueArray(pidName, { minLength: 1, maxLength: 12 }).chain((names) =>
  fc
    .array(fc.array(costValue, { minLength: names.length, maxLength: names.length }), {
      minLength: names.length,
      maxLength: names.length,
    })
    .map((matrix): Table => ({
      pids: { names, indexOf: new Map(names.map((n, i) => [n, i])) },
      matrix,
    }))
)
const lookupOf = (t: Table) => ({
  get: (s: number, d: number) => t.matrix[s][d],
  row: (s: number) => ({ get: (d: number) => t.matrix[s][d] }),
})
const threshold = fc.option(fc.integer({ min: -5, max: 1000 }), { nil: undefined })
const acceptOf = (limit: number | undefined) =>
  limit === undefined ? () => true : (c: number) => c <= limit

describe('writeFilteredCostMap = JSON.stringify(buildFilteredCostMap) (RFC 7285 §11.3.2.6)', () => {
  it('on random maps, selections and constraints', () => {
    fc.assert(
      fc.property(
        table.chain((t) =>
          fc.tuple(
            fc.constant(t),
            fc.uniqueArray(fc.nat(t.pids.names.length - 1), { minLength: 1 }),
            fc.uniqueArray(fc.nat(t.pids.names.length - 1), { minLength: 1 }),
            threshold
          )
        ),
        ([t, srcs, dsts, limit]) => {
          const input = {
            pids: t.pids,
            costs: lookupOf(t),
            srcs,
            dsts,
            accept: acceptOf(limit),
            dependentVtag: vtag,
            costType,
          }
          const text = writeFilteredCostMap(input)
          expect(text).toBe(JSON.stringify(buildFilteredCostMap(input)))
          // The byte writer the POST route sends: the UTF-8 encoding of the same text.
          expect(utf8.decode(filteredCostMapBytes(input))).toBe(text)
        }
      ),
      { seed: SEED, numRuns: RUNS }
    )
  })
})

// Typed addresses in every accepted text form, and strings that are not (some of them close).
const v4 = fc
  .tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255))
  .map((o) => `ipv4:${o.join('.')}`)
const hexGroup = fc.nat(0xffff).map((g) => g.toString(16))
const v6 = fc.oneof(
  fc.array(hexGroup, { minLength: 8, maxLength: 8 }).map((g) => `ipv6:${g.join(':')}`),
  fc
    .tuple(fc.array(hexGroup, { maxLength: 3 }), fc.array(hexGroup, { maxLength: 3 }))
    .map(([a, b]) => `ipv6:${a.join(':')}::${b.join(':')}`),
  fc.constantFrom('ipv6:::1', 'ipv6:::', 'ipv6:::ffff:192.0.2.1', 'ipv6:2001:DB8::A')
)
const bad = fc.oneof(
  fc.constantFrom(
    'ipv4:999.1.1.1',
    'ipv4:01.2.3.4',
    'ipv4:1.2.3',
    'ipv4: 1.2.3.4',
    'ipv6:1::2::3',
    'ipv6:fe80::1%eth0',
    'ipv6:',
    'ipv4:',
    'IPV4:1.2.3.4',
    'ipv5:1.2.3.4',
    'mac:00:11:22:33:44:55',
    '192.0.2.1',
    ':',
    ''
  ),
  fc.string({ unit: 'binary', maxLength: 20 })
)
const address = fc.oneof({ weight: 4, arbitrary: v4 }, { weight: 4, arbitrary: v6 }, bad)
const goodAddress = fc.oneof(v4, v6)

/** The object parser the routes used (distinct, then parseTypedAddress; first bad one fails). */
function parseEndpointsOld(texts: readonly string[], field: string): Endpoint[] {
  return distinct(texts).map((text) => {
    const parsed = parseTypedAddress(text)
    if (!parsed) altoFail({ code: 'E_INVALID_FIELD_VALUE', field, value: text })
    return { text, address: parsed }
  })
}
const outcome = (run: () => unknown) => {
  try {
    return { ok: run() }
  } catch (error) {
    if (error instanceof RequestFailureError) return { failure: error.failure }
    throw error
  }
}
const addressOf = (b: AddressBatch, i: number): TypedAddress =>
  b.family[i] === 4
    ? { type: 'ipv4', address: b.words[4 * i] }
    : {
        type: 'ipv6',
        words: [b.words[4 * i], b.words[4 * i + 1], b.words[4 * i + 2], b.words[4 * i + 3]],
      }

describe('parseAddressBatch = the object parser (RFC 7285 §10.4.1, §8.5.2 errors)', () => {
  it('same addresses in the same order, or the same first error', () => {
    fc.assert(
      fc.property(fc.array(address, { maxLength: 12 }), (texts) => {
        const old = outcome(() => parseEndpointsOld(texts, 'endpoints/dsts'))
        const now = outcome(() => {
          const b = parseAddressBatch(texts, 'endpoints/dsts')
          return b.texts.map((text, i) => ({ text, address: addressOf(b, i) }))
        })
        expect(now).toEqual(old)
      }),
      { seed: SEED, numRuns: RUNS * 3 }
    )
  })
})

/** A toy LPM: a stable PID (or none) per address. */
const toyPid = (n: number) => (a: TypedAddress) => {
  const w = a.type === 'ipv4' ? a.address : a.words[0] ^ a.words[3]
  const v = (w >>> 0) % (n + 1)
  return v === n ? null : v
}

describe('writeEndpointCostMap = JSON.stringify(buildEndpointCostMap) (RFC 7285 §11.5.1.6)', () => {
  it('on random address lists (duplicates, unmapped addresses) and constraints', () => {
    fc.assert(
      fc.property(
        table,
        fc.array(goodAddress, { minLength: 1, maxLength: 6 }),
        fc.array(goodAddress, { minLength: 1, maxLength: 20 }),
        threshold,
        (t, srcTexts, dstTexts, limit) => {
          const pidOf = toyPid(t.pids.names.length)
          const srcs = parseAddressBatch(srcTexts, 's')
          const dsts = parseAddressBatch(dstTexts, 'd')
          const indexes = (b: AddressBatch) =>
            Int32Array.from(b.texts, (_, i) => pidOf(addressOf(b, i)) ?? -1)
          const common = {
            costs: lookupOf(t),
            accept: acceptOf(limit),
            vtag: { 'resource-id': 'nm-endpoint-cost', tag: 'abc' },
            dependentVtag: vtag,
            costType,
          }
          const text = writeEndpointCostMap({
            ...common,
            srcs: { batch: srcs, indexes: indexes(srcs) },
            dsts: { batch: dsts, indexes: indexes(dsts) },
          })
          const old = buildEndpointCostMap({
            ...common,
            srcs: parseEndpointsOld(srcTexts, 's'),
            dsts: parseEndpointsOld(dstTexts, 'd'),
            pidOf,
          })
          expect(text).toBe(JSON.stringify(old))
          const bytes = endpointCostMapBytes({
            ...common,
            srcs: { batch: srcs, indexes: indexes(srcs) },
            dsts: { batch: dsts, indexes: indexes(dsts) },
          })
          expect(utf8.decode(bytes)).toBe(text)
          // The same lists read from a request body's bytes (address-scan.ts): keys copied from it.
          const body = new TextEncoder().encode(
            JSON.stringify({ endpoints: { srcs: srcTexts, dsts: dstTexts } })
          )
          const scanned = scanAddressLists(body, [
            ['endpoints', 'srcs'],
            ['endpoints', 'dsts'],
          ])!
          const [srcBytes, dstBytes] = scanned.batches as AddressBatch[]
          expect(srcBytes.bytes && dstBytes.bytes).toBeTruthy()
          const fromBody = endpointCostMapBytes({
            ...common,
            srcs: { batch: srcBytes, indexes: indexes(srcBytes) },
            dsts: { batch: dstBytes, indexes: indexes(dstBytes) },
          })
          expect(utf8.decode(fromBody)).toBe(text)
        }
      ),
      { seed: SEED, numRuns: RUNS }
    )
  })
})

describe('writeEndpointProperties = JSON.stringify(buildEndpointProperties) (RFC 7285 §11.4.1.6)', () => {
  it('on random endpoints and properties (names that are array indexes, escapes)', () => {
    fc.assert(
      fc.property(
        fc.array(goodAddress, { minLength: 1, maxLength: 20 }),
        fc.uniqueArray(
          fc.tuple(
            fc.oneof(pidName, fc.string({ maxLength: 6 })),
            fc.uniqueArray(fc.string({ maxLength: 5 }), { minLength: 1, maxLength: 5 })
          ),
          { minLength: 1, maxLength: 4, selector: ([name]) => name }
        ),
        (texts, props) => {
          const batch = parseAddressBatch(texts, 'endpoints')
          const columns = props.map(([name, values]) => {
            const pidOf = toyPid(values.length)
            return {
              name,
              values,
              pidOf,
              indexes: Int32Array.from(batch.texts, (_, i) => pidOf(addressOf(batch, i)) ?? -1),
            }
          })
          const text = writeEndpointProperties(batch, columns, [vtag])
          const old = buildEndpointProperties(
            parseEndpointsOld(texts, 'endpoints'),
            columns.map((c) => ({
              name: c.name,
              valueOf: (a: TypedAddress) => {
                const v = c.pidOf(a)
                return v === null ? undefined : c.values[v]
              },
            })),
            [vtag]
          )
          expect(text).toBe(JSON.stringify(old))
          expect(utf8.decode(endpointPropertiesBytes(batch, columns, [vtag]))).toBe(text)
          // The same list read from a request body's bytes (address-scan.ts): keys copied from it.
          const body = new TextEncoder().encode(JSON.stringify({ endpoints: texts }))
          const fromBody = scanAddressLists(body, [['endpoints']])!.batches[0]!
          expect(fromBody.bytes).toBeDefined()
          expect(utf8.decode(endpointPropertiesBytes(fromBody, columns, [vtag]))).toBe(text)
        }
      ),
      { seed: SEED, numRuns: RUNS }
    )
  })
})
