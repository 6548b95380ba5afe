/**
 * RFC 9241 §6: CDNI footprints and capabilities as an RFC 9240 property map, answered by the
 * Worker from the real pipeline. The shipped advertisements (maps/example/cdni-*.json, the
 * §3.7.2 and §4.2.2 examples) and, added here, `s631-cdnifci`: the objects behind the §6.3.1
 * example (which are not those of §3.7.2: it adds `countrycode:us` and `asn:as64496` footprints
 * and an `http/1.1` acquisition protocol), so that the §6.3.1 answer can be checked whole.
 */
import { env } from 'cloudflare:workers'
import { beforeAll, describe, expect, it } from 'vitest'
import { MEDIA_TYPES } from '../../src/alto/media-types.ts'
import type { Manifest } from '../../src/store/manifest.ts'
import { altoErrorMeta, get, post } from './client.ts'
import { MAP_SET_FILES, compileRealMapSet, publish } from './map-set.ts'

const CDNI = 'my-default-cdnifci'
const PID_CDNI = 'my-cdnifci-with-pid-footprints'
const S631 = 's631-cdnifci'
const EU = 'my-eu-netmap'
const DP = 'FCI.DeliveryProtocol'
const AP = 'FCI.AcquisitionProtocol'
const http = { 'delivery-protocols': ['http/1.1'] }
const both = { 'delivery-protocols': ['https/1.1', 'http/1.1'] }

/** The advertisement the §6.3.1 full property map is the view of. */
const S631_SOURCE = {
  'resource-id': S631,
  'capabilities-with-footprints': [
    {
      'capability-type': DP,
      'capability-value': http,
      footprints: [
        { 'footprint-type': 'countrycode', 'footprint-value': ['us'] },
        { 'footprint-type': 'ipv4cidr', 'footprint-value': ['192.0.2.0/24'] },
        { 'footprint-type': 'ipv6cidr', 'footprint-value': ['2001:db8::/32'] },
      ],
    },
    {
      'capability-type': DP,
      'capability-value': both,
      footprints: [
        { 'footprint-type': 'ipv4cidr', 'footprint-value': ['198.51.100.0/24'] },
        { 'footprint-type': 'asn', 'footprint-value': ['as64496'] },
      ],
    },
    {
      'capability-type': AP,
      'capability-value': { 'acquisition-protocols': ['http/1.1'] },
      footprints: [{ 'footprint-type': 'ipv4cidr', 'footprint-value': ['203.0.113.0/24'] }],
    },
  ],
}

/** Nested footprints and a global capability. */
const NESTED = {
  'resource-id': 'nested-cdnifci',
  'capabilities-with-footprints': [
    {
      'capability-type': DP,
      'capability-value': http,
      footprints: [{ 'footprint-type': 'ipv4cidr', 'footprint-value': ['10.0.0.0/8'] }],
    },
    {
      'capability-type': DP,
      'capability-value': both,
      footprints: [{ 'footprint-type': 'ipv4cidr', 'footprint-value': ['10.1.0.0/16'] }],
    },
    { 'capability-type': 'FCI.Metadata', 'capability-value': { metadata: ['MI.SourceMetadata'] } },
  ],
}

let manifest: Manifest

beforeAll(async () => {
  const config = JSON.parse(MAP_SET_FILES['alto-edge.json']) as {
    'cdni-advertisements': { file: string }[]
  }
  config['cdni-advertisements'].push({ file: 'test/s631.json' }, { file: 'test/nested.json' })
  const files = {
    ...MAP_SET_FILES,
    'alto-edge.json': JSON.stringify(config),
    'test/s631.json': JSON.stringify(S631_SOURCE),
    'test/nested.json': JSON.stringify(NESTED),
  }
  manifest = await publish(env.ALTO_KV, await compileRealMapSet(files), {
    created: '2026-12-02T17:00:00.000Z',
  })
})

const cdniVtag = (id: string) => ({
  'resource-id': id,
  tag: manifest['cdni-advertisements']![id].tag,
})
const nmVtag = (nm: string) => ({ 'resource-id': nm, tag: manifest['network-maps'][nm].vtag })
const prop = (id: string) => `${id}.cdni-capabilities`
const postLookup = (id: string, body: unknown) =>
  post(`/cdni/${id}/propmap/filtered`, MEDIA_TYPES.propMapParams, body)
const cap = (type: string, value: unknown) => ({
  'capability-type': type,
  'capability-value': value,
})

describe('RFC 9241 §6 CDNI capabilities as a property map (RFC 9240)', () => {
  it('§3.7.1 IRD: a property map and a filtered property map per advertisement, mappings on ipv4/ipv6/asn/countrycode (+ the altopid network map .pid), uses the advertisement (§6.2.1) and its network map', async () => {
    const ird = (await (await get('/directory')).json()) as {
      resources: Record<string, Record<string, unknown>>
    }
    const p = [prop(CDNI)]
    const mappings = { ipv4: p, ipv6: p, asn: p, countrycode: p }
    expect(ird.resources[`${CDNI}-propmap`]).toEqual({
      uri: `/cdni/${CDNI}/propmap`,
      'media-type': MEDIA_TYPES.propMap,
      capabilities: { mappings },
      uses: [CDNI],
    })
    expect(ird.resources[`${CDNI}-propmap-filtered`]).toEqual({
      uri: `/cdni/${CDNI}/propmap/filtered`,
      'media-type': MEDIA_TYPES.propMap,
      accepts: MEDIA_TYPES.propMapParams,
      capabilities: { mappings },
      uses: [CDNI],
    })
    const q = [prop(PID_CDNI)]
    expect(ird.resources[`${PID_CDNI}-propmap-filtered`]).toMatchObject({
      capabilities: {
        mappings: { ipv4: q, ipv6: q, asn: q, countrycode: q, [`${EU}.pid`]: q },
      },
      uses: [PID_CDNI, EU],
    })
  })

  it('§6.3.1 example: the full property map (meta at the top level, RFC 9240 §7.6, not inside property-map as printed)', async () => {
    const res = await get(`/cdni/${S631}/propmap`)
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toBe(MEDIA_TYPES.propMap)
    expect(res.headers.get('ETag')).toMatch(/^"[^"]+"$/)
    const p = prop(S631)
    expect(await res.json()).toEqual({
      meta: { 'dependent-vtags': [cdniVtag(S631)] },
      'property-map': {
        'countrycode:us': { [p]: [cap(DP, http)] },
        'ipv4:192.0.2.0/24': { [p]: [cap(DP, http)] },
        'ipv4:198.51.100.0/24': { [p]: [cap(DP, both)] },
        'ipv4:203.0.113.0/24': { [p]: [cap(AP, { 'acquisition-protocols': ['http/1.1'] })] },
        'ipv6:2001:db8::/32': { [p]: [cap(DP, http)] },
        'asn:as64496': { [p]: [cap(DP, both)] },
      },
    })
    // RFC 7232: the strong ETag answers 304.
    const again = await get(`/cdni/${S631}/propmap`, { 'If-None-Match': res.headers.get('ETag')! })
    expect(again.status).toBe(304)
  })

  it('§6.3.1 on the shipped §3.7.2 advertisement: one entity per footprint, its capabilities', async () => {
    const p = prop(CDNI)
    expect(await (await get(`/cdni/${CDNI}/propmap`)).json()).toEqual({
      meta: { 'dependent-vtags': [cdniVtag(CDNI)] },
      'property-map': {
        'ipv4:192.0.2.0/24': { [p]: [cap(DP, http)] },
        'ipv6:2001:db8::/32': { [p]: [cap(DP, http)] },
        'ipv4:198.51.100.0/24': { [p]: [cap(DP, both)] },
        'ipv4:203.0.113.0/24': { [p]: [cap(AP, { 'acquisition-protocols': ['https/1.1'] })] },
      },
    })
  })

  it('§6.3.2 example: filtered map for ipv4:192.0.2.0/24 and ipv6:2001:db8::/32 (the cdni-capabilities half; pid is served by the endpoint property service and property maps with pid-property)', async () => {
    const res = await postLookup(CDNI, {
      entities: ['ipv4:192.0.2.0/24', 'ipv6:2001:db8::/32'],
      properties: [prop(CDNI)],
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({
      meta: { 'dependent-vtags': [cdniVtag(CDNI)] },
      'property-map': {
        'ipv4:192.0.2.0/24': { [prop(CDNI)]: [cap(DP, http)] },
        'ipv6:2001:db8::/32': { [prop(CDNI)]: [cap(DP, http)] },
      },
    })
  })

  it('§6.2.2 / RFC 9240 §6.1.3: an address or a longer prefix inside a footprint gets its capabilities; asn, countrycode and PID entities theirs; uncovered entities are omitted', async () => {
    const p = prop(S631)
    const res = await postLookup(S631, {
      entities: [
        'ipv4:192.0.2.77',
        'ipv4:198.51.100.128/25',
        'ipv6:2001:DB8:0:0::1',
        'asn:as64496',
        'asn:as1',
        'countrycode:us',
        'countrycode:fr',
        'ipv4:192.0.3.1',
      ],
      properties: [],
    })
    expect(await res.json()).toEqual({
      meta: { 'dependent-vtags': [cdniVtag(S631)] },
      'property-map': {
        'ipv4:192.0.2.77': { [p]: [cap(DP, http)] },
        'ipv4:198.51.100.128/25': { [p]: [cap(DP, both)] },
        'ipv6:2001:db8::1': { [p]: [cap(DP, http)] }, // RFC 5952 form
        'asn:as64496': { [p]: [cap(DP, both)] },
        'countrycode:us': { [p]: [cap(DP, http)] },
      },
    })
  })

  it('§6.1 altopid: <netmap>.pid entities; dependent-vtags are the advertisement and its network map, in uses order; an unknown PID is omitted', async () => {
    const p = prop(PID_CDNI)
    const res = await postLookup(PID_CDNI, {
      entities: [`${EU}.pid:south-france`, `${EU}.pid:germany`, `${EU}.pid:nowhere`],
      properties: [p],
    })
    expect(await res.json()).toEqual({
      meta: { 'dependent-vtags': [cdniVtag(PID_CDNI), nmVtag(EU)] },
      'property-map': {
        [`${EU}.pid:south-france`]: {
          [p]: [
            cap(DP, { 'delivery-protocols': ['https/1.1'] }),
            cap(AP, { 'acquisition-protocols': ['https/1.1'] }),
          ],
        },
        [`${EU}.pid:germany`]: { [p]: [cap(AP, { 'acquisition-protocols': ['https/1.1'] })] },
      },
    })
  })

  it('RFC 9240 §8.6: a requested prefix lists the footprint prefixes inside it with their own values; a global capability (§3.6) covers everything, through 0.0.0.0/0 in the full map', async () => {
    const id = 'nested-cdnifci'
    const p = prop(id)
    const meta = cap('FCI.Metadata', { metadata: ['MI.SourceMetadata'] })
    const res = await postLookup(id, {
      entities: ['ipv4:0.0.0.0/0', 'ipv4:10.1.2.3', 'asn:as7'],
      properties: [p],
    })
    expect(await res.json()).toEqual({
      meta: { 'dependent-vtags': [cdniVtag(id)] },
      'property-map': {
        'ipv4:0.0.0.0/0': { [p]: [meta] },
        'ipv4:10.1.2.3': { [p]: [cap(DP, http), cap(DP, both), meta] },
        'asn:as7': { [p]: [meta] },
        'ipv4:10.0.0.0/8': { [p]: [cap(DP, http), meta] },
        'ipv4:10.1.0.0/16': { [p]: [cap(DP, http), cap(DP, both), meta] },
      },
    })
    const full = (await (await get(`/cdni/${id}/propmap`)).json()) as {
      'property-map': Record<string, unknown>
    }
    expect(full['property-map']).toEqual({
      'ipv4:10.0.0.0/8': { [p]: [cap(DP, http), meta] },
      'ipv4:10.1.0.0/16': { [p]: [cap(DP, http), cap(DP, both), meta] },
      'ipv4:0.0.0.0/0': { [p]: [meta] },
      'ipv6:::/0': { [p]: [meta] },
    })
  })

  it('RFC 9240 §8.3: entities [] is the full map; without properties each entity with a value is {}; duplicates count once', async () => {
    const all = await postLookup(CDNI, { entities: [], properties: [] })
    expect(await all.json()).toEqual(await (await get(`/cdni/${CDNI}/propmap`)).json())
    const names = await postLookup(CDNI, {
      entities: ['ipv4:192.0.2.0/24', 'ipv4:192.0.2.0/24', 'ipv4:10.0.0.1', 'ipv4:0.0.0.0/0'],
    })
    expect(((await names.json()) as { 'property-map': unknown })['property-map']).toEqual({
      'ipv4:192.0.2.0/24': {},
      'ipv4:0.0.0.0/0': {}, // footprints lie inside it
    })
  })

  it('RFC 9240 §8.6 errors: unknown entity domain, bad asn / countrycode / address syntax → E_INVALID_FIELD_VALUE on entities with the entity as value', async () => {
    for (const entity of [
      'ipv5:1.2.3.4',
      'pid:south-france',
      'nope.pid:x',
      `${EU}.pid:x`, // my-default-cdnifci has no altopid footprints: no PID domain
      '.ane:MEC1',
      'asn:AS64496',
      'asn:as064496',
      'asn:64496',
      'asn:as4294967296',
      'countrycode:US',
      'countrycode:usa',
      'countrycode:u1',
      'ipv4:192.0.2.1/24',
      'ipv4:2001:db8::1',
      'ipv6:192.0.2.1',
      'noColon',
    ]) {
      const meta = await altoErrorMeta(await postLookup(CDNI, { entities: [entity] }))
      expect(meta, entity).toMatchObject({
        code: 'E_INVALID_FIELD_VALUE',
        field: 'entities',
        value: entity,
      })
    }
  })

  it('RFC 9240 §8.6 errors: a property not in the capabilities → E_INVALID_FIELD_VALUE on properties; entities absent → E_MISSING_FIELD; bad JSON → E_SYNTAX', async () => {
    for (const property of ['cdni-capabilities', prop(PID_CDNI), `${EU}.pid`]) {
      const meta = await altoErrorMeta(
        await postLookup(CDNI, { entities: ['ipv4:192.0.2.1'], properties: [property] })
      )
      expect(meta, property).toMatchObject({
        code: 'E_INVALID_FIELD_VALUE',
        field: 'properties',
        value: property,
      })
    }
    expect(await altoErrorMeta(await postLookup(CDNI, { properties: [] }))).toMatchObject({
      code: 'E_MISSING_FIELD',
      field: 'entities',
    })
    expect((await altoErrorMeta(await postLookup(CDNI, '{"entities": '))).code).toBe('E_SYNTAX')
    const type = await altoErrorMeta(await postLookup(CDNI, { entities: 'ipv4:192.0.2.1' }))
    expect(type.code).toBe('E_INVALID_FIELD_TYPE')
  })

  it('RFC 7285 §8.3 / §9.2: unknown advertisement → 404, wrong method → 405, wrong Content-Type → 415', async () => {
    const missing = await get('/cdni/nope/propmap')
    expect(missing.status).toBe(404)
    await missing.body?.cancel()
    const wrongMethod = await post(`/cdni/${CDNI}/propmap`, MEDIA_TYPES.propMapParams, {})
    expect(wrongMethod.status).toBe(405)
    await wrongMethod.body?.cancel()
    const wrongType = await post(`/cdni/${CDNI}/propmap/filtered`, MEDIA_TYPES.cdniFilter, {
      entities: [],
    })
    expect(wrongType.status).toBe(415)
    await wrongType.body?.cancel()
  })
})
