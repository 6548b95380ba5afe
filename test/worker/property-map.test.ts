/**
 * RFC 9240 entity property maps, answered by the Worker from the compiled §10 example map set
 * (property-map-fixtures.ts): the examples' answers (§10.4–§10.8), the §6.1.3 inheritance table,
 * the IRD's `mappings` / `uses`, dependent-vtags (§7.6, §8.6) and every §8.6 error.
 */
import { env } from 'cloudflare:workers'
import { beforeAll, describe, expect, it } from 'vitest'
import { MEDIA_TYPES } from '../../src/alto/media-types.ts'
import { strongEtag } from '../../src/alto/negotiation.ts'
import type { Manifest } from '../../src/store/manifest.ts'
import { altoErrorMeta, get, post } from './client.ts'
import { compileRealMapSet, publish } from './map-set.ts'
import { RFC9240_FILES } from './property-map-fixtures.ts'

let manifest: Manifest
const vtag = (id: string) => ({ 'resource-id': id, tag: manifest['network-maps'][id].vtag })

beforeAll(async () => {
  manifest = await publish(env.ALTO_KV, await compileRealMapSet(RFC9240_FILES), {
    created: '2026-12-02T15:00:00.000Z',
  })
})

const ACCEPT = { Accept: `${MEDIA_TYPES.propMap},${MEDIA_TYPES.error}` }
const lookup = (pm: string, body: unknown, headers: Record<string, string> = ACCEPT) =>
  post(`/propmap/${pm}/filtered`, MEDIA_TYPES.propMapParams, body, headers)

async function propmap(res: Response): Promise<{ meta: unknown; 'property-map': Props }> {
  if (res.status !== 200) throw new Error(`status ${res.status}: ${await res.text()}`)
  expect(res.headers.get('Content-Type')).toBe(MEDIA_TYPES.propMap)
  return (await res.json()) as { meta: unknown; 'property-map': Props }
}

type Props = Record<string, Record<string, unknown>>

/** A client applying §6.1.3 to an answer: the longest listed IPv4 entity defining `p`. */
function resolve(map: Props, address: number, p: string): unknown {
  let best: { len: number; value: unknown } | undefined
  for (const [key, props] of Object.entries(map)) {
    if (!key.startsWith('ipv4:') || !(p in props)) continue
    const [a, l] = key.slice(5).split('/')
    const len = l === undefined ? 32 : Number(l)
    const start = a.split('.').reduce((acc, o) => acc * 256 + Number(o), 0)
    const size = 2 ** (32 - len)
    if (address >= start && address < start + size && (!best || len > best.len))
      best = { len, value: props[p] }
  }
  return best?.value
}

describe('RFC 9240 IRD (§7.4 mappings, §7.5 uses, §10.3)', () => {
  it('announces the full and the filtered map of each property map with its mappings', async () => {
    const ird = (await (await get('/directory')).json()) as {
      resources: Record<string, Record<string, unknown>>
    }
    expect(ird.resources['inet-ia']).toEqual({
      uri: '/propmap/inet-ia',
      'media-type': MEDIA_TYPES.propMap,
      capabilities: { mappings: { ipv4: ['.ASN', '.ISP'], ipv6: ['.ASN', '.ISP'] } },
    })
    expect(ird.resources['inet-ia-filtered']).toEqual({
      uri: '/propmap/inet-ia/filtered',
      'media-type': MEDIA_TYPES.propMap,
      accepts: MEDIA_TYPES.propMapParams,
      capabilities: { mappings: { ipv4: ['.ASN', '.ISP'], ipv6: ['.ASN', '.ISP'] } },
    })
    // §7.5: "uses" lists the defining resources of the resource-specific domains, which are
    // network maps (§6.2.4); §10.3's region-property-map.
    expect(ird.resources['region-filtered']).toEqual({
      uri: '/propmap/region/filtered',
      'media-type': MEDIA_TYPES.propMap,
      accepts: MEDIA_TYPES.propMapParams,
      uses: ['default-network-map', 'alt-network-map'],
      capabilities: {
        mappings: { 'default-network-map.pid': ['.region'], 'alt-network-map.pid': ['.ASN'] },
      },
    })
    for (const id of ird.resources['region-filtered'].uses as string[])
      expect(ird.resources[id]['media-type']).toBe(MEDIA_TYPES.networkMap)
  })
})

describe('RFC 9240 §7 full property map', () => {
  // §10.4's answer (its dependent-vtags name network maps the map does not use: a flaw of the
  // example, so meta is compared on its own below).
  const RFC_10_4 = {
    'ipv4:192.0.2.0/23': { '.ISP': 'BitsRus' },
    'ipv4:192.0.2.0/27': { '.ASN': '65543' },
    'ipv4:192.0.3.0/27': { '.ASN': '65544' },
  }

  it('§10.4: the same values as the example for every address of 192.0.0.0/22 (merging /28s into a /27 is a MAY)', async () => {
    const res = await get('/propmap/inet-ia', ACCEPT)
    const body = await propmap(res)
    expect(body.meta).toEqual({})
    const map = body['property-map']
    for (let a = 0xc0000000; a < 0xc0000400; a++) {
      for (const p of ['.ISP', '.ASN'])
        expect([a, p, resolve(map, a, p)]).toEqual([a, p, resolve(RFC_10_4, a, p)])
    }
    expect(map).toEqual({
      'ipv4:192.0.2.0/23': { '.ISP': 'BitsRus' },
      'ipv4:192.0.2.0/28': { '.ASN': '65543' },
      'ipv4:192.0.2.16/28': { '.ASN': '65543' },
      'ipv4:192.0.3.0/28': { '.ASN': '65544' },
      'ipv4:192.0.3.16/28': { '.ASN': '65544' },
    })
  })

  it('§7: GET carries the strong ETag of the map and revalidates to 304', async () => {
    const res = await get('/propmap/inet-ia', ACCEPT)
    const etag = strongEtag(manifest['property-maps']!['inet-ia'].tag)
    expect(res.headers.get('ETag')).toBe(etag)
    await res.arrayBuffer()
    const again = await get('/propmap/inet-ia', { ...ACCEPT, 'If-None-Match': etag })
    expect(again.status).toBe(304)
  })

  it('§7.6: a map with PID domains carries the dependent-vtags of its uses, in uses order', async () => {
    const body = await propmap(await get('/propmap/region', ACCEPT))
    expect(body.meta).toEqual({
      'dependent-vtags': [vtag('default-network-map'), vtag('alt-network-map')],
    })
    expect(body['property-map']).toEqual({
      'default-network-map.pid:pid1': { '.region': 'us-west' },
      'default-network-map.pid:pid2': { '.region': 'us-east' },
      'default-network-map.pid:pid3': { '.region': 'us-south' },
      'default-network-map.pid:pid4': { '.region': 'us-north' },
      'alt-network-map.pid:pid1': { '.ASN': '65543' },
      'alt-network-map.pid:pid2': { '.ASN': '65544' },
    })
  })

  it('§7.2: the full map is GET only; the filtered map is POST only; unknown maps are 404', async () => {
    expect((await post('/propmap/inet-ia', MEDIA_TYPES.propMapParams, {})).status).toBe(405)
    expect((await get('/propmap/inet-ia/filtered')).status).toBe(405)
    expect((await get('/propmap/nope')).status).toBe(404)
    expect((await lookup('nope', { entities: [] })).status).toBe(404)
  })
})

describe('RFC 9240 §8 filtered property map: the examples', () => {
  it('§10.5 example #1: addresses inherit from their prefixes', async () => {
    const body = await propmap(
      await lookup('inet-iacs', {
        entities: ['ipv4:192.0.2.0', 'ipv4:192.0.2.1', 'ipv4:192.0.2.17'],
        properties: ['.ISP', '.ASN', '.state'],
      })
    )
    expect(body['property-map']).toEqual({
      'ipv4:192.0.2.0': { '.ISP': 'BitsRus', '.ASN': '65543', '.state': 'NJ' },
      'ipv4:192.0.2.1': { '.ISP': 'BitsRus', '.ASN': '65543', '.state': 'PA' },
      'ipv4:192.0.2.17': { '.ISP': 'BitsRus', '.ASN': '65543', '.state': 'CT' },
    })
    // inet-iacs has no uses (no PID domain): §8.6's dependent-vtags are those of `uses`.
    expect(body.meta).toEqual({})
  })

  it('§10.6 example #2: prefixes with their refinements; 192.0.4.0/26 is left out', async () => {
    const body = await propmap(
      await lookup('inet-iacs', {
        entities: ['ipv4:192.0.2.0/26', 'ipv4:192.0.3.0/26', 'ipv4:192.0.4.0/26'],
        properties: ['.ASN', '.countrycode', '.state'],
      })
    )
    expect(body['property-map']).toEqual({
      'ipv4:192.0.2.0/26': { '.countrycode': 'us' },
      'ipv4:192.0.2.0/28': { '.ASN': '65543', '.state': 'NJ' },
      'ipv4:192.0.2.16/28': { '.ASN': '65543', '.state': 'CT' },
      'ipv4:192.0.2.1': { '.state': 'PA' },
      'ipv4:192.0.3.0/26': { '.countrycode': 'us' },
      'ipv4:192.0.3.0/28': { '.ASN': '65544', '.state': 'TX' },
      'ipv4:192.0.3.16/28': { '.ASN': '65544', '.state': 'MN' },
    })
  })

  it('§10.8 example #4: PID entities of the default network map; dependent-vtags of that map only (§8.6)', async () => {
    const body = await propmap(
      await lookup('region', {
        entities: ['default-network-map.pid:pid1', 'default-network-map.pid:pid2'],
        properties: ['.region'],
      })
    )
    expect(body).toEqual({
      meta: { 'dependent-vtags': [vtag('default-network-map')] },
      'property-map': {
        'default-network-map.pid:pid1': { '.region': 'us-west' },
        'default-network-map.pid:pid2': { '.region': 'us-east' },
      },
    })
  })

  it('§10.2: pid:defaultpid has no region and nothing to inherit from (§6.2.3): omitted', async () => {
    const body = await propmap(
      await lookup('region', { entities: ['default-network-map.pid:defaultpid'], properties: [] })
    )
    expect(body['property-map']).toEqual({})
  })

  it('§6.1.3 Tables 1–2: inherited values of addresses and prefixes', async () => {
    const table2: [string, string | undefined][] = [
      ['ipv4:192.0.2.0', 'v4'],
      ['ipv4:192.0.2.1', 'v3'],
      ['ipv4:192.0.2.16', 'v1'],
      ['ipv4:192.0.2.32', 'v1'],
      ['ipv4:192.0.2.64', undefined],
      ['ipv4:192.0.2.0/32', 'v4'],
      ['ipv4:192.0.2.0/31', 'v3'],
      ['ipv4:192.0.2.0/29', 'v2'],
      ['ipv4:192.0.2.0/27', 'v1'],
      ['ipv4:192.0.2.0/25', undefined],
    ]
    for (const [entity, value] of table2) {
      const map = (
        await propmap(await lookup('table1', { entities: [entity], properties: ['P'] }))
      )['property-map']
      // §6.1.1.2: "ipv4:192.0.2.0" and "ipv4:192.0.2.0/32" are equivalent (one key).
      const key = entity.endsWith('/32') ? entity.slice(0, -3) : entity
      expect([entity, map[key]?.P]).toEqual([entity, value])
    }
  })

  it('§8.6: a requested prefix lists the covered entities with other values (the /31 and its /32)', async () => {
    const map = (
      await propmap(await lookup('table1', { entities: ['ipv4:192.0.2.0/31'], properties: ['P'] }))
    )['property-map']
    expect(map).toEqual({ 'ipv4:192.0.2.0/31': { P: 'v3' }, 'ipv4:192.0.2.0': { P: 'v4' } })
  })
})

describe('RFC 9240 §8.3 request variants', () => {
  it('properties absent: each requested entity with some property, as {}', async () => {
    const map = (
      await propmap(
        await lookup('inet-iacs', {
          entities: ['ipv4:192.0.2.5', 'ipv4:10.0.0.1', 'ipv4:192.0.2.0/24', 'ipv6:2001:db8::1'],
        })
      )
    )['property-map']
    expect(map).toEqual({ 'ipv4:192.0.2.5': {}, 'ipv4:192.0.2.0/24': {} })
  })

  it('entities [] means every entity; with properties [] it is the full map', async () => {
    const all = await propmap(await lookup('inet-iacs', { entities: [], properties: [] }))
    const full = await propmap(await get('/propmap/inet-iacs', ACCEPT))
    expect(all).toEqual(full)
    const names = await propmap(await lookup('inet-iacs', { entities: [] }))
    expect(Object.keys(names['property-map'])).toEqual(Object.keys(full['property-map']))
    for (const v of Object.values(names['property-map'])) expect(v).toEqual({})
  })

  it('one property selects a column; entities and properties given twice count once', async () => {
    const map = (
      await propmap(
        await lookup('inet-iacs', {
          entities: ['ipv4:192.0.2.1', 'ipv4:192.0.2.1/32', 'ipv4:192.0.2.1'],
          properties: ['.ISP', '.ISP'],
        })
      )
    )['property-map']
    expect(map).toEqual({ 'ipv4:192.0.2.1': { '.ISP': 'BitsRus' } })
  })

  it('IPv6 spellings are one entity (§5.1.3, RFC 5952)', async () => {
    const res = await lookup('inet-iacs', {
      entities: ['ipv6:2001:DB8:0:0:0:0:0:1', 'ipv6:2001:db8::1/128'],
      properties: [],
    })
    expect((await propmap(res))['property-map']).toEqual({})
  })

  it('a PID that the network map does not define is not an error (§8.6): omitted', async () => {
    const res = await lookup('region', { entities: ['default-network-map.pid:nope'] })
    expect((await propmap(res))['property-map']).toEqual({})
  })

  it('§8.6 dependent-vtags: an alt-network-map.pid entity gives that map only; [] gives all', async () => {
    const alt = await propmap(await lookup('region', { entities: ['alt-network-map.pid:pid1'] }))
    expect(alt.meta).toEqual({ 'dependent-vtags': [vtag('alt-network-map')] })
    expect(alt['property-map']).toEqual({ 'alt-network-map.pid:pid1': {} })
    const all = await propmap(await lookup('region', { entities: [] }))
    expect(all.meta).toEqual({
      'dependent-vtags': [vtag('default-network-map'), vtag('alt-network-map')],
    })
  })
})

describe('RFC 9240 §8.6 errors', () => {
  it('entities absent → E_MISSING_FIELD', async () => {
    expect(await altoErrorMeta(await lookup('inet-iacs', { properties: ['.ISP'] }))).toEqual({
      code: 'E_MISSING_FIELD',
      field: 'entities',
    })
  })

  it.each([
    ['domain not in mappings', 'region', 'ipv4:192.0.2.1'],
    ['domain not in mappings', 'inet-iacs', 'default-network-map.pid:pid1'],
    ['unknown domain type', 'inet-iacs', 'ipv5:192.0.2.1'],
    ['bare pid (no network map)', 'region', 'pid:pid1'],
    ['unknown network map', 'region', 'nope.pid:pid1'],
    ['no domain', 'inet-iacs', '192.0.2.1'],
    ['bad IPv4 address', 'inet-iacs', 'ipv4:192.0.2.256'],
    ['host bits set', 'inet-iacs', 'ipv4:192.0.2.1/24'],
    ['prefix length out of range', 'inet-iacs', 'ipv4:192.0.2.0/33'],
    ['IPv6 address in ipv4', 'inet-iacs', 'ipv4:2001:db8::1'],
    ['IPv4 address in ipv6', 'inet-iacs', 'ipv6:192.0.2.1'],
    ['bad PID name', 'region', 'default-network-map.pid:no.dots'],
  ])(
    '%s → E_INVALID_FIELD_VALUE on entities with the entity as value (%s, %s)',
    async (_, pm, entity) => {
      // A valid entity first (when the map has one): the invalid one is still reported.
      const valid = pm === 'region' ? 'default-network-map.pid:pid1' : 'ipv4:192.0.2.1'
      expect(await altoErrorMeta(await lookup(pm, { entities: [valid, entity] }))).toEqual({
        code: 'E_INVALID_FIELD_VALUE',
        field: 'entities',
        value: entity,
      })
    }
  )

  it.each(['.region', 'ISP', 'default-network-map.pid', 'pid'])(
    'property %s not in the capabilities → E_INVALID_FIELD_VALUE on properties (field set, §8.6)',
    async (name) => {
      expect(
        await altoErrorMeta(
          await lookup('inet-iacs', { entities: ['ipv4:192.0.2.1'], properties: ['.ISP', name] })
        )
      ).toEqual({ code: 'E_INVALID_FIELD_VALUE', field: 'properties', value: name })
    }
  )

  it('wrong JSON types → E_INVALID_FIELD_TYPE / E_INVALID_FIELD_VALUE; not JSON → E_SYNTAX', async () => {
    expect(await altoErrorMeta(await lookup('inet-iacs', { entities: 'ipv4:192.0.2.1' }))).toEqual({
      code: 'E_INVALID_FIELD_TYPE',
      field: 'entities',
    })
    expect(await altoErrorMeta(await lookup('inet-iacs', { entities: [7] }))).toEqual({
      code: 'E_INVALID_FIELD_VALUE',
      field: 'entities',
      value: '7',
    })
    expect((await altoErrorMeta(await lookup('inet-iacs', '{'))).code).toBe('E_SYNTAX')
  })

  it('HTTP-level refusals: 415 for another Content-Type, 406 for an Accept without propmap', async () => {
    const wrongType = await post('/propmap/inet-iacs/filtered', MEDIA_TYPES.endpointPropParams, {
      entities: [],
    })
    expect(wrongType.status).toBe(415)
    const res = await lookup('inet-iacs', { entities: [] }, { Accept: MEDIA_TYPES.networkMap })
    expect(res.status).toBe(406)
  })
})
