import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MAX_LIST_ENTRIES } from './limits.ts'
import { altoErrorBody, errorValueString, failureResponse } from './errors.ts'
import {
  endpointCostRequest,
  endpointPropertyRequest,
  filteredCostMapRequest,
  filteredNetworkMapRequest,
  parseRequestBody,
  validateRequest,
} from './request-schemas.ts'

const costType = { 'cost-mode': 'numerical', 'cost-metric': 'routingcost' }

describe('parseRequestBody → ALTO errors (RFC 7285 §8.5.2)', () => {
  it('malformed JSON is E_SYNTAX with a syntax-error text', () => {
    const parsed = parseRequestBody(filteredCostMapRequest, '{"cost-type":')
    expect(parsed.ok).toBe(false)
    if (parsed.ok) return
    expect(parsed.error.code).toBe('E_SYNTAX')
    expect(altoErrorBody(parsed.error).meta['syntax-error']).toMatch(/JSON/)
  })

  it.each(['[]', '5', 'null', '"pids"'])('a non-object body %s is E_SYNTAX', (text) => {
    expect(parseRequestBody(filteredNetworkMapRequest, text)).toMatchObject({
      ok: false,
      error: { code: 'E_SYNTAX' },
    })
  })

  it('a missing required field is E_MISSING_FIELD with its full path', () => {
    expect(parseRequestBody(filteredNetworkMapRequest, '{}')).toEqual({
      ok: false,
      error: { code: 'E_MISSING_FIELD', field: 'pids' },
    })
    expect(
      parseRequestBody(filteredCostMapRequest, '{"cost-type":{"cost-mode":"numerical"}}')
    ).toEqual({
      ok: false,
      error: { code: 'E_MISSING_FIELD', field: 'cost-type/cost-metric' },
    })
    expect(
      parseRequestBody(endpointCostRequest, JSON.stringify({ 'cost-type': costType }))
    ).toEqual({
      ok: false,
      error: { code: 'E_MISSING_FIELD', field: 'endpoints' },
    })
  })

  it('a wrongly typed field is E_INVALID_FIELD_TYPE', () => {
    expect(parseRequestBody(filteredNetworkMapRequest, '{"pids":"PID1"}')).toEqual({
      ok: false,
      error: { code: 'E_INVALID_FIELD_TYPE', field: 'pids' },
    })
    expect(
      parseRequestBody(
        filteredCostMapRequest,
        '{"cost-type":{"cost-mode":"numerical","cost-metric":5}}'
      )
    ).toEqual({
      ok: false,
      error: { code: 'E_INVALID_FIELD_TYPE', field: 'cost-type/cost-metric' },
    })
    expect(parseRequestBody(filteredNetworkMapRequest, '{"pids":null}')).toEqual({
      ok: false,
      error: { code: 'E_INVALID_FIELD_TYPE', field: 'pids' },
    })
  })

  it('a wrongly typed array element is E_INVALID_FIELD_VALUE on the array, value as string', () => {
    expect(parseRequestBody(filteredNetworkMapRequest, '{"pids":["PID1",7]}')).toEqual({
      ok: false,
      error: { code: 'E_INVALID_FIELD_VALUE', field: 'pids', value: '7' },
    })
    const nested = JSON.stringify({
      'cost-type': costType,
      pids: { srcs: ['a'], dsts: [{ x: 1 }] },
    })
    expect(parseRequestBody(filteredCostMapRequest, nested)).toEqual({
      ok: false,
      error: { code: 'E_INVALID_FIELD_VALUE', field: 'pids/dsts', value: '{"x":1}' },
    })
  })

  it('reports exactly one error for a body with several faults', () => {
    const parsed = parseRequestBody(endpointPropertyRequest, '{"properties":5,"endpoints":[1]}')
    expect(parsed).toEqual({
      ok: false,
      error: { code: 'E_INVALID_FIELD_TYPE', field: 'properties' },
    })
  })

  it('an empty <1..*> list is E_INVALID_FIELD_VALUE', () => {
    expect(
      parseRequestBody(endpointPropertyRequest, '{"properties":[],"endpoints":["ipv4:1.2.3.4"]}')
    ).toEqual({
      ok: false,
      error: { code: 'E_INVALID_FIELD_VALUE', field: 'properties', value: '[]' },
    })
  })

  it('a list beyond the per-request limit is E_INVALID_FIELD_VALUE naming the field', () => {
    const pids = Array.from({ length: MAX_LIST_ENTRIES + 1 }, (_, i) => `P${i}`)
    const parsed = parseRequestBody(filteredNetworkMapRequest, JSON.stringify({ pids }))
    expect(parsed).toMatchObject({
      ok: false,
      error: { code: 'E_INVALID_FIELD_VALUE', field: 'pids' },
    })
    if (!parsed.ok && parsed.error.code === 'E_INVALID_FIELD_VALUE') {
      expect(parsed.error.value).toContain(String(MAX_LIST_ENTRIES + 1))
    }
  })

  it('ignores unknown fields, also inside cost-type, and a malformed description (§8.3.7, §10.7)', () => {
    const plain = { 'cost-type': costType, pids: { srcs: ['PID1'] } }
    const extra = {
      ...plain,
      foo: 1,
      'cost-type': { ...costType, description: 42, bar: [] },
      pids: { srcs: ['PID1'], baz: true },
    }
    const a = parseRequestBody(filteredCostMapRequest, JSON.stringify(plain))
    const b = parseRequestBody(filteredCostMapRequest, JSON.stringify(extra))
    expect(a.ok).toBe(true)
    expect(b).toEqual(a)
  })
})

describe('error bodies and statuses', () => {
  it('serializes each ALTO code with its members only', () => {
    expect(altoErrorBody({ code: 'E_MISSING_FIELD', field: 'pids' })).toEqual({
      meta: { code: 'E_MISSING_FIELD', field: 'pids' },
    })
    expect(
      altoErrorBody({ code: 'E_INVALID_FIELD_VALUE', field: 'cost-type/cost-mode', value: 'foo' })
    ).toEqual({
      meta: { code: 'E_INVALID_FIELD_VALUE', field: 'cost-type/cost-mode', value: 'foo' },
    })
  })

  it('answers ALTO errors with 400 application/alto-error+json, not cacheable', async () => {
    const res = failureResponse({ kind: 'alto', error: { code: 'E_SYNTAX', syntaxError: 'x' } })
    expect(res.status).toBe(400)
    expect(res.headers.get('Content-Type')).toBe('application/alto-error+json')
    expect(res.headers.get('Cache-Control')).toBe('no-store')
    expect(await res.json()).toEqual({ meta: { code: 'E_SYNTAX', 'syntax-error': 'x' } })
  })

  it('maps HTTP failures to their statuses', () => {
    expect(failureResponse({ kind: 'not-found' }).status).toBe(404)
    const r405 = failureResponse({ kind: 'method-not-allowed', allow: ['GET', 'HEAD'] })
    expect([r405.status, r405.headers.get('Allow')]).toEqual([405, 'GET, HEAD'])
    expect(failureResponse({ kind: 'not-acceptable', produces: 'x' }).status).toBe(406)
    expect(failureResponse({ kind: 'unsupported-media-type', accepts: 'x' }).status).toBe(415)
    expect(failureResponse({ kind: 'payload-too-large', limitBytes: 1 }).status).toBe(413)
    const r503 = failureResponse({ kind: 'unavailable', reason: 'x', retryAfterSeconds: 60 })
    expect([r503.status, r503.headers.get('Retry-After')]).toEqual([503, '60'])
  })

  it('converts non-string values to strings and bounds their length', () => {
    expect(errorValueString(7)).toBe('7')
    expect(errorValueString(null)).toBe('null')
    expect(errorValueString({ a: [1] })).toBe('{"a":[1]}')
    expect(errorValueString('x'.repeat(1000)).length).toBeLessThanOrEqual(257)
  })
})

describe('validateRequest: the one-pass check of long lists = zod alone (§8.5.2 errors)', () => {
  const strings = fc.array(fc.string({ maxLength: 6 }), { maxLength: 5 })
  const listish = fc.oneof(
    strings,
    fc.constant([]),
    fc.array(fc.oneof(fc.string(), fc.integer(), fc.constant(null)), { maxLength: 4 }),
    fc.constant(Array.from({ length: MAX_LIST_ENTRIES + 1 }, () => 'x')),
    fc.jsonValue({ maxDepth: 1 })
  )
  const member = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined })
  const costTypeValue = fc.oneof(
    fc.constant({ 'cost-mode': 'numerical', 'cost-metric': 'routingcost' }),
    fc.jsonValue({ maxDepth: 1 })
  )
  const doc = fc
    .record(
      {
        'cost-type': member(costTypeValue),
        constraints: member(listish),
        pids: member(
          fc.oneof(listish, fc.record({ srcs: member(listish), dsts: member(listish) }))
        ),
        endpoints: member(
          fc.oneof(listish, fc.record({ srcs: member(listish), dsts: member(listish) }))
        ),
        properties: member(listish),
        'address-types': member(listish),
        extra: member(fc.jsonValue({ maxDepth: 1 })),
      },
      { requiredKeys: [] }
    )
    .map((d) => JSON.parse(JSON.stringify(d)) as unknown)
  const schemas = [
    filteredNetworkMapRequest,
    filteredCostMapRequest,
    endpointPropertyRequest,
    endpointCostRequest,
  ]
  it('same value or the same first error on random documents, every schema', () => {
    fc.assert(
      fc.property(doc, fc.constantFrom(...schemas), (value, schema) => {
        expect(validateRequest(schema as never, value)).toEqual(
          validateRequest(schema as never, value, { onePass: false })
        )
      }),
      { seed: 0x7285, numRuns: 2000 }
    )
  })
})
