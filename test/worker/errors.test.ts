/**
 * Protocol errors (RFC 7285 §8.5) and HTTP-level refusals, end to end through the Worker.
 */
import { env } from 'cloudflare:workers'
import { beforeAll, describe, expect, it } from 'vitest'
import { MAX_BODY_BYTES, MAX_LIST_ENTRIES } from '../../src/alto/limits.ts'
import { MEDIA_TYPES } from '../../src/alto/media-types.ts'
import {
  altoErrorMeta,
  get,
  post,
  postEndpointCost,
  postEndpointProperties,
  postFilteredCostMap,
  postFilteredNetworkMap,
} from './client.ts'
import { compileRealMapSet, publish } from './map-set.ts'
import { exports } from 'cloudflare:workers'

const NM = 'rfc-example-network-map'
const numericalRouting = { 'cost-mode': 'numerical', 'cost-metric': 'routingcost' }

beforeAll(async () => {
  await publish(env.ALTO_KV, await compileRealMapSet(), { created: '2026-11-26T18:00:00.000Z' })
})

describe('ALTO error codes (§8.5.2), HTTP 400, application/alto-error+json', () => {
  it('E_SYNTAX for malformed JSON, with a syntax-error text', async () => {
    const res = await postFilteredCostMap(NM, '{"cost-type":')
    expect(res.headers.get('Cache-Control')).toBe('no-store')
    const meta = await altoErrorMeta(res)
    expect(meta.code).toBe('E_SYNTAX')
    expect(typeof meta['syntax-error']).toBe('string')
  })

  it('E_SYNTAX for a body that is JSON but not an object', async () => {
    expect((await altoErrorMeta(await postFilteredNetworkMap(NM, '["PID1"]'))).code).toBe(
      'E_SYNTAX'
    )
  })

  it('E_MISSING_FIELD with the full path', async () => {
    expect(await altoErrorMeta(await postFilteredNetworkMap(NM, {}))).toEqual({
      code: 'E_MISSING_FIELD',
      field: 'pids',
    })
    expect(
      await altoErrorMeta(
        await postFilteredCostMap(NM, { 'cost-type': { 'cost-mode': 'numerical' } })
      )
    ).toEqual({
      code: 'E_MISSING_FIELD',
      field: 'cost-type/cost-metric',
    })
    expect(
      await altoErrorMeta(await postEndpointProperties({ endpoints: ['ipv4:192.0.2.1'] }))
    ).toEqual({
      code: 'E_MISSING_FIELD',
      field: 'properties',
    })
    expect(
      await altoErrorMeta(await postEndpointCost(NM, { 'cost-type': numericalRouting }))
    ).toEqual({
      code: 'E_MISSING_FIELD',
      field: 'endpoints',
    })
  })

  it('E_INVALID_FIELD_TYPE', async () => {
    expect(await altoErrorMeta(await postFilteredNetworkMap(NM, { pids: 'PID1' }))).toEqual({
      code: 'E_INVALID_FIELD_TYPE',
      field: 'pids',
    })
    expect(
      await altoErrorMeta(await postFilteredCostMap(NM, { 'cost-type': 'num-routingcost' }))
    ).toEqual({
      code: 'E_INVALID_FIELD_TYPE',
      field: 'cost-type',
    })
  })

  it('E_INVALID_FIELD_VALUE for a wrongly typed array element, value as a string', async () => {
    expect(await altoErrorMeta(await postFilteredNetworkMap(NM, { pids: ['PID1', 7] }))).toEqual({
      code: 'E_INVALID_FIELD_VALUE',
      field: 'pids',
      value: '7',
    })
  })

  it('E_INVALID_FIELD_VALUE for an unsupported cost type (mode or metric)', async () => {
    expect(
      await altoErrorMeta(
        await postFilteredCostMap(NM, {
          'cost-type': { 'cost-mode': 'foo', 'cost-metric': 'routingcost' },
        })
      )
    ).toEqual({ code: 'E_INVALID_FIELD_VALUE', field: 'cost-type/cost-mode', value: 'foo' })
    expect(
      await altoErrorMeta(
        await postEndpointCost(NM, {
          'cost-type': { 'cost-mode': 'numerical', 'cost-metric': 'hopcount' },
          endpoints: { srcs: ['ipv4:192.0.2.1'], dsts: ['ipv4:192.0.2.2'] },
        })
      )
    ).toEqual({ code: 'E_INVALID_FIELD_VALUE', field: 'cost-type/cost-metric', value: 'hopcount' })
  })

  it('E_INVALID_FIELD_VALUE for an invalid constraint', async () => {
    expect(
      await altoErrorMeta(
        await postFilteredCostMap(NM, {
          'cost-type': numericalRouting,
          constraints: ['ge 1', 'about 5'],
        })
      )
    ).toEqual({ code: 'E_INVALID_FIELD_VALUE', field: 'constraints', value: 'about 5' })
  })

  it('E_INVALID_FIELD_VALUE for an unknown property and an invalid typed address', async () => {
    expect(
      await altoErrorMeta(
        await postEndpointProperties({
          properties: ['my-default-networkmap.pid'],
          endpoints: ['ipv4:192.0.2.1'],
        })
      )
    ).toEqual({
      code: 'E_INVALID_FIELD_VALUE',
      field: 'properties',
      value: 'my-default-networkmap.pid',
    })
    expect(
      await altoErrorMeta(
        await postEndpointProperties({
          properties: [`${NM}.pid`],
          endpoints: ['ipv4:192.0.2.1', 'ipv4:300.1.1.1'],
        })
      )
    ).toEqual({ code: 'E_INVALID_FIELD_VALUE', field: 'endpoints', value: 'ipv4:300.1.1.1' })
    expect(
      await altoErrorMeta(
        await postEndpointCost(NM, {
          'cost-type': numericalRouting,
          endpoints: { srcs: ['ipv4:192.0.2.1'], dsts: ['mac:00:11:22:33:44:55'] },
        })
      )
    ).toEqual({
      code: 'E_INVALID_FIELD_VALUE',
      field: 'endpoints/dsts',
      value: 'mac:00:11:22:33:44:55',
    })
  })

  it('endpoint cost with both lists empty is an error on endpoints (§11.5.1.3)', async () => {
    const meta = await altoErrorMeta(
      await postEndpointCost(
        NM,
        { 'cost-type': numericalRouting, endpoints: { srcs: [], dsts: [] } },
        { 'CF-Connecting-IP': '192.0.2.1' }
      )
    )
    expect([meta.code, meta.field]).toEqual(['E_INVALID_FIELD_VALUE', 'endpoints'])
  })

  it('an empty list without a platform client address is a missing field', async () => {
    expect(
      await altoErrorMeta(
        await postEndpointCost(NM, {
          'cost-type': numericalRouting,
          endpoints: { dsts: ['ipv4:192.0.2.1'] },
        })
      )
    ).toEqual({ code: 'E_MISSING_FIELD', field: 'endpoints/srcs' })
  })

  it('exactly one error for a request with several faults', async () => {
    const meta = await altoErrorMeta(await postEndpointProperties({ properties: 5, endpoints: 7 }))
    expect(Object.keys(meta).sort()).toEqual(['code', 'field'])
  })

  it('lists beyond the per-request limit are refused naming the field', async () => {
    const endpoints = Array.from(
      { length: MAX_LIST_ENTRIES + 1 },
      (_, i) => `ipv4:10.0.${i >> 8}.${i & 255}`
    )
    const meta = await altoErrorMeta(
      await postEndpointProperties({ properties: [`${NM}.pid`], endpoints })
    )
    expect([meta.code, meta.field]).toEqual(['E_INVALID_FIELD_VALUE', 'endpoints'])
  })
})

describe('unknown fields are ignored (§8.3.7)', () => {
  it('same answer with and without extra fields, also nested ones', async () => {
    const plain = {
      'cost-type': numericalRouting,
      pids: { srcs: ['PID1'], dsts: ['PID2', 'PID3'] },
    }
    const extra = {
      ...plain,
      foo: 1,
      'cost-type': { ...numericalRouting, description: 'x', bar: { baz: [] } },
      pids: { ...plain.pids, qux: null },
    }
    const a = await postFilteredCostMap(NM, plain)
    const b = await postFilteredCostMap(NM, extra)
    expect([a.status, b.status]).toEqual([200, 200])
    expect(await b.text()).toBe(await a.text())
  })
})

describe('HTTP-level refusals', () => {
  it('406 when Accept excludes the response type; */*, application/* and no Accept are fine', async () => {
    const path = `/networkmap/${NM}`
    expect((await get(path, { Accept: 'application/json' })).status).toBe(406)
    expect((await get(path, { Accept: `${MEDIA_TYPES.networkMap};q=0, */*` })).status).toBe(406)
    expect((await get(path, { Accept: MEDIA_TYPES.error })).status).toBe(406)
    for (const accept of ['*/*', 'application/*', MEDIA_TYPES.networkMap]) {
      expect((await get(path, { Accept: accept })).status).toBe(200)
    }
    expect((await get(path)).status).toBe(200)
    const res = await postFilteredNetworkMap(NM, { pids: [] }, { Accept: MEDIA_TYPES.costMap })
    expect(res.status).toBe(406)
  })

  it('415 unless Content-Type is the resource accepts type (parameters tolerated)', async () => {
    const path = `/networkmap/${NM}/filtered`
    expect((await post(path, 'application/json', { pids: [] })).status).toBe(415)
    expect((await post(path, MEDIA_TYPES.costMapFilter, { pids: [] })).status).toBe(415)
    expect(
      (await post(path, `${MEDIA_TYPES.networkMapFilter}; charset=utf-8`, { pids: [] })).status
    ).toBe(200)
    const noType = await exports.default.fetch(`http://alto.test${path}`, {
      method: 'POST',
      body: '{"pids":[]}',
    })
    // A string body gets text/plain from fetch(); still not the ALTO type.
    expect(noType.status).toBe(415)
  })

  it('405 with Allow for wrong methods', async () => {
    const cases: [string, string, string][] = [
      ['POST', `/networkmap/${NM}`, 'GET, HEAD'],
      ['DELETE', '/directory', 'GET, HEAD'],
      ['GET', `/networkmap/${NM}/filtered`, 'POST'],
      ['PUT', '/endpointprop/lookup', 'POST'],
      ['GET', `/endpointcost/${NM}/lookup`, 'POST'],
      ['GET', `/costmap/${NM}/filtered`, 'POST'],
    ]
    for (const [method, path, allow] of cases) {
      const res = await exports.default.fetch(`http://alto.test${path}`, { method })
      expect([method, path, res.status, res.headers.get('Allow')]).toEqual([
        method,
        path,
        405,
        allow,
      ])
    }
  })

  it('404 (no ALTO error code exists for it) for unknown resources and paths', async () => {
    for (const path of [
      '/networkmap/nope',
      '/costmap/nope',
      '/networkmap/__proto__',
      '/nothing/here',
    ]) {
      const res = await get(path)
      expect([path, res.status]).toEqual([path, 404])
      expect(res.headers.get('Content-Type')).not.toBe(MEDIA_TYPES.error)
    }
    expect((await postFilteredCostMap('nope', { 'cost-type': numericalRouting })).status).toBe(404)
  })

  it('413 for a body over the limit', async () => {
    const big = JSON.stringify({ pids: [], pad: 'x'.repeat(MAX_BODY_BYTES) })
    expect((await postFilteredNetworkMap(NM, big)).status).toBe(413)
  })

  it('every response carries nosniff', async () => {
    expect((await get('/directory')).headers.get('X-Content-Type-Options')).toBe('nosniff')
    expect((await get('/nothing')).headers.get('X-Content-Type-Options')).toBe('nosniff')
    expect((await postFilteredNetworkMap(NM, '{')).headers.get('X-Content-Type-Options')).toBe(
      'nosniff'
    )
  })
})
