/**
 * RFC 9241 CDNI Footprint & Capabilities Advertisement, answered by the Worker from the real
 * pipeline (maps/example/cdni-*.json compiled and published into KV). The RFC's examples are
 * the sources; their answers are the RFC's, with this server's resource ids and tags (docs/cdni.md
 * lists every deviation of the RFC text and why).
 */
import { env, exports } from 'cloudflare:workers'
import { beforeAll, describe, expect, it } from 'vitest'
import { MEDIA_TYPES } from '../../src/alto/media-types.ts'
import type { Manifest } from '../../src/store/manifest.ts'
import { AltoClient, AltoClientError, type FetchLike } from '../../src/client/index.ts'
import { altoErrorMeta, get, ORIGIN, post } from './client.ts'
import { compileRealMapSet, publish } from './map-set.ts'

const CDNI = 'my-default-cdnifci'
const PID_CDNI = 'my-cdnifci-with-pid-footprints'
const EU = 'my-eu-netmap'
let manifest: Manifest

beforeAll(async () => {
  manifest = await publish(env.ALTO_KV, await compileRealMapSet(), {
    created: '2026-12-02T15:00:00.000Z',
  })
})

const tagOf = (id: string) => manifest['cdni-advertisements']![id].tag
const postFilter = (id: string, body: unknown, headers?: Record<string, string>) =>
  post(`/cdni/${id}/filtered`, MEDIA_TYPES.cdniFilter, body, headers)

/** RFC 9241 §3.7.2 response body, with this server's tag. */
function rfc372Body(tag: string) {
  return {
    meta: { vtag: { 'resource-id': CDNI, tag } },
    'cdni-advertisement': {
      'capabilities-with-footprints': [
        {
          'capability-type': 'FCI.DeliveryProtocol',
          'capability-value': { 'delivery-protocols': ['http/1.1'] },
          footprints: [
            { 'footprint-type': 'ipv4cidr', 'footprint-value': ['192.0.2.0/24'] },
            { 'footprint-type': 'ipv6cidr', 'footprint-value': ['2001:db8::/32'] },
          ],
        },
        {
          'capability-type': 'FCI.DeliveryProtocol',
          'capability-value': { 'delivery-protocols': ['https/1.1', 'http/1.1'] },
          footprints: [{ 'footprint-type': 'ipv4cidr', 'footprint-value': ['198.51.100.0/24'] }],
        },
        {
          'capability-type': 'FCI.AcquisitionProtocol',
          'capability-value': { 'acquisition-protocols': ['https/1.1'] },
          footprints: [{ 'footprint-type': 'ipv4cidr', 'footprint-value': ['203.0.113.0/24'] }],
        },
      ],
    },
  }
}

describe('RFC 9241 CDNI Advertisement', () => {
  it('§3.7.1 IRD: GET resources without capabilities, filtered ones accept cdnifilter, uses only for altopid', async () => {
    const res = await get('/directory')
    const ird = (await res.json()) as { resources: Record<string, Record<string, unknown>> }
    expect(ird.resources[CDNI]).toEqual({ uri: `/cdni/${CDNI}`, 'media-type': MEDIA_TYPES.cdni })
    expect(ird.resources[`${CDNI}-filtered`]).toEqual({
      uri: `/cdni/${CDNI}/filtered`,
      'media-type': 'application/alto-cdni+json',
      accepts: 'application/alto-cdnifilter+json',
    })
    // §3.5 / §4.1: the altopid resource names its network map in "uses".
    expect(ird.resources[PID_CDNI]).toEqual({
      uri: `/cdni/${PID_CDNI}`,
      'media-type': MEDIA_TYPES.cdni,
      uses: [EU],
    })
    expect(ird.resources[`${PID_CDNI}-filtered`]).toMatchObject({ uses: [EU] })
    expect(ird.resources[EU]).toMatchObject({ 'media-type': MEDIA_TYPES.networkMap })
  })

  it('§3.7.2 basic example: the full advertisement, meta.vtag (§3.6 MUST), strong ETag', async () => {
    const res = await get(`/cdni/${CDNI}`, {
      Accept: `${MEDIA_TYPES.cdni},${MEDIA_TYPES.error}`,
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toBe('application/alto-cdni+json')
    const tag = tagOf(CDNI)
    expect(res.headers.get('ETag')).toBe(`"${tag}"`)
    expect(res.headers.get('Last-Modified')).toBe('Wed, 02 Dec 2026 15:00:00 GMT')
    expect(await res.json()).toEqual(rfc372Body(tag))
  })

  it('§3.6 GET revalidation: If-None-Match with the ETag → 304; HEAD has no body', async () => {
    const etag = `"${tagOf(CDNI)}"`
    const res = await get(`/cdni/${CDNI}`, { 'If-None-Match': etag })
    expect(res.status).toBe(304)
    expect(res.headers.get('ETag')).toBe(etag)
    const head = await exportsFetch(`/cdni/${CDNI}`, { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
  })

  it('§4.2.2 altopid footprints: dependent-vtags names the network map (§4.1 MUST), meta.vtag too', async () => {
    // The RFC's §4.2.2 body lacks the vtag §3.6 requires and writes capability-value as an array,
    // which RFC 8008 §5.3/§5.4 define as objects; the source holds the RFC 8008 form.
    const res = await get(`/cdni/${PID_CDNI}`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({
      meta: {
        vtag: { 'resource-id': PID_CDNI, tag: tagOf(PID_CDNI) },
        'dependent-vtags': [{ 'resource-id': EU, tag: manifest['network-maps'][EU].vtag }],
      },
      'cdni-advertisement': {
        'capabilities-with-footprints': [
          {
            'capability-type': 'FCI.DeliveryProtocol',
            'capability-value': { 'delivery-protocols': ['https/1.1'] },
            footprints: [{ 'footprint-type': 'altopid', 'footprint-value': ['south-france'] }],
          },
          {
            'capability-type': 'FCI.AcquisitionProtocol',
            'capability-value': { 'acquisition-protocols': ['https/1.1'] },
            footprints: [
              { 'footprint-type': 'altopid', 'footprint-value': ['germany', 'south-france'] },
            ],
          },
        ],
      },
    })
    // §4.2.1: the PIDs it names are the network map's.
    const nm = (await (await get(`/networkmap/${EU}`)).json()) as {
      'network-map': Record<string, unknown>
    }
    expect(nm['network-map']['south-france']).toEqual({
      ipv4: ['192.0.2.0/24', '198.51.100.0/25'],
      ipv6: ['2001:db8::/32'],
    })
    expect(nm['network-map'].germany).toEqual({ ipv4: ['203.0.113.0/24'] })
  })

  it('§5.7.1 filtered example: only the [https/1.1, http/1.1] object; vtag of the full resource (§5.6)', async () => {
    // The §5.7.1 request body, verbatim (its Content-Type application/cdnifilter+json is the
    // RFC's typo for the §7.2 registration, see the 415 test below).
    const body = `{
        "cdni-capabilities": [
          {
            "capability-type": "FCI.DeliveryProtocol",
            "capability-value": {
              "delivery-protocols": [ "https/1.1" ]
            }
          }
        ]
      }`
    const res = await postFilter(CDNI, body, { Accept: MEDIA_TYPES.cdni })
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toBe('application/alto-cdni+json')
    // The RFC shows resource-id "my-filtered-cdnifci" with the full resource's tag; §5.6 says the
    // vtag "MUST correspond to the full CDNI Advertisement resource" (as RFC 7285 §11.3.1.6 for
    // filtered network maps): the full resource's id and tag.
    expect(await res.json()).toEqual({
      meta: { vtag: { 'resource-id': CDNI, tag: tagOf(CDNI) } },
      'cdni-advertisement': {
        'capabilities-with-footprints': [
          {
            'capability-type': 'FCI.DeliveryProtocol',
            'capability-value': { 'delivery-protocols': ['https/1.1', 'http/1.1'] },
            footprints: [{ 'footprint-type': 'ipv4cidr', 'footprint-value': ['198.51.100.0/24'] }],
          },
        ],
      },
    })
  })

  it('§5.3: an empty cdni-capabilities list answers the full resource, byte for byte', async () => {
    const full = await (await get(`/cdni/${CDNI}`)).text()
    const res = await postFilter(CDNI, { 'cdni-capabilities': [] })
    expect(res.status).toBe(200)
    expect(await res.text()).toBe(full)
    const pidFull = await (await get(`/cdni/${PID_CDNI}`)).text()
    expect(await (await postFilter(PID_CDNI, { 'cdni-capabilities': [] })).text()).toBe(pidFull)
  })

  it('§5.5/§4.1: a filtered altopid resource keeps dependent-vtags', async () => {
    const res = await postFilter(PID_CDNI, {
      'cdni-capabilities': [
        {
          'capability-type': 'FCI.AcquisitionProtocol',
          'capability-value': { 'acquisition-protocols': ['https/1.1'] },
        },
      ],
    })
    const body = (await res.json()) as {
      meta: Record<string, unknown>
      'cdni-advertisement': { 'capabilities-with-footprints': unknown[] }
    }
    expect(body.meta['dependent-vtags']).toEqual([
      { 'resource-id': EU, tag: manifest['network-maps'][EU].vtag },
    ])
    expect(body['cdni-advertisement']['capabilities-with-footprints']).toHaveLength(1)
  })

  it('§5.6 errors end to end: null capability-value → 400 E_INVALID_FIELD_VALUE naming it', async () => {
    const capability = { 'capability-type': 'FCI.DeliveryProtocol', 'capability-value': null }
    const meta = await altoErrorMeta(await postFilter(CDNI, { 'cdni-capabilities': [capability] }))
    expect(meta).toEqual({
      code: 'E_INVALID_FIELD_VALUE',
      field: 'cdni-capabilities/capability-value',
      value: JSON.stringify(capability),
    })
    const unknownType = { 'capability-type': 'FCI.Nope', 'capability-value': {} }
    expect(
      await altoErrorMeta(await postFilter(CDNI, { 'cdni-capabilities': [unknownType] }))
    ).toMatchObject({ code: 'E_INVALID_FIELD_VALUE', field: 'cdni-capabilities/capability-type' })
    expect(await altoErrorMeta(await postFilter(CDNI, {}))).toEqual({
      code: 'E_MISSING_FIELD',
      field: 'cdni-capabilities',
    })
    expect(await altoErrorMeta(await postFilter(CDNI, '{"cdni-capabilities": ['))).toMatchObject({
      code: 'E_SYNTAX',
    })
  })

  it('HTTP refusals: RFC typo media type → 415, unknown resource → 404, wrong method → 405, Accept → 406', async () => {
    const filter = { 'cdni-capabilities': [] }
    const typo = await post(`/cdni/${CDNI}/filtered`, 'application/cdnifilter+json', filter)
    expect(typo.status).toBe(415)
    expect((await postFilter('no-such-cdni', filter)).status).toBe(404)
    expect((await get('/cdni/no-such-cdni')).status).toBe(404)
    const wrong = await post(`/cdni/${CDNI}`, MEDIA_TYPES.cdniFilter, filter)
    expect(wrong.status).toBe(405)
    expect(wrong.headers.get('Allow')).toBe('GET, HEAD')
    expect((await get(`/cdni/${CDNI}/filtered`)).status).toBe(405)
    expect((await get(`/cdni/${CDNI}`, { Accept: MEDIA_TYPES.networkMap })).status).toBe(406)
    expect((await postFilter(CDNI, filter, { Accept: MEDIA_TYPES.networkMap })).status).toBe(406)
  })
})

describe('RFC 9241 through alto-edge/client', () => {
  const viaWorker: FetchLike = (input, init) => exports.default.fetch(input, init)

  it('cdniAdvertisement (GET) and filteredCdniAdvertisement (§5.7.1) with typed failures', async () => {
    const alto = await AltoClient.discover(ORIGIN, { fetch: viaWorker })
    expect(await alto.cdniAdvertisement(CDNI)).toEqual(rfc372Body(tagOf(CDNI)))
    // Without an id: the directory's first CDNI advertisement.
    expect((await alto.cdniAdvertisement()).meta.vtag['resource-id']).toBe('example-dcdn-fci')
    const filtered = await alto.filteredCdniAdvertisement(
      {
        'cdni-capabilities': [
          {
            'capability-type': 'FCI.DeliveryProtocol',
            'capability-value': { 'delivery-protocols': ['https/1.1'] },
          },
        ],
      },
      { resourceId: `${CDNI}-filtered` }
    )
    expect(filtered['cdni-advertisement']['capabilities-with-footprints']).toEqual([
      rfc372Body('')['cdni-advertisement']['capabilities-with-footprints'][1],
    ])
    const failure = await alto
      .filteredCdniAdvertisement(
        { 'cdni-capabilities': [{ 'capability-type': 'FCI.Logging', 'capability-value': null }] },
        { resourceId: `${CDNI}-filtered` }
      )
      .then(
        () => null,
        (e: unknown) => (e instanceof AltoClientError ? e.failure : e)
      )
    expect(failure).toMatchObject({
      kind: 'alto',
      status: 400,
      error: { code: 'E_INVALID_FIELD_VALUE', field: 'cdni-capabilities/capability-value' },
    })
    // A GET resource is not a filtered one.
    await expect(
      alto.filteredCdniAdvertisement({ 'cdni-capabilities': [] }, { resourceId: CDNI })
    ).rejects.toThrow(/is not a filtered CDNI advertisement/)
  })
})

async function exportsFetch(path: string, init: RequestInit): Promise<Response> {
  const { exports } = await import('cloudflare:workers')
  return exports.default.fetch(`http://alto.test${path}`, init)
}

describe('RFC 9241 §8: advertisement resources isolated per uCDN (per-client IRD views)', () => {
  const TOKEN = 'tok_ucdn_1_5f4dcc3b5aa765d61d8327deb882cf99'

  it('a uCDN granted one advertisement sees it and its filter, nothing else of CDNI (404)', async () => {
    const { digestHex } = await import('../../src/worker/auth/digest.ts')
    const worker = (await import('../../src/worker/index.ts')).default
    const { testExecutionContext } = await import('./map-set.ts')
    const clients = [
      {
        name: 'ucdn-1',
        'token-sha256': await digestHex('SHA-256', TOKEN),
        resources: [PID_CDNI, `${PID_CDNI}-filtered`],
      },
    ]
    const authEnv = {
      ...env,
      ALTO_AUTH: 'bearer',
      ALTO_REALM: 'alto-test',
      ALTO_CLIENTS: JSON.stringify(clients),
    }
    const call = (path: string, init: RequestInit = {}) =>
      worker.fetch(
        new Request(`http://alto.test${path}`, {
          ...init,
          headers: { Authorization: `Bearer ${TOKEN}`, ...(init.headers ?? {}) },
        }),
        authEnv as typeof env,
        testExecutionContext()
      )
    const ird = (await (await call('/directory')).json()) as { resources: Record<string, unknown> }
    // The granted advertisement, its filter, and the network map its altopid footprints need.
    expect(Object.keys(ird.resources).sort()).toEqual([PID_CDNI, `${PID_CDNI}-filtered`, EU])
    expect((await call(`/cdni/${PID_CDNI}`)).status).toBe(200)
    expect((await call(`/cdni/${CDNI}`)).status).toBe(404)
    const filter = {
      method: 'POST',
      headers: { 'Content-Type': MEDIA_TYPES.cdniFilter },
      body: '{"cdni-capabilities":[]}',
    }
    expect((await call(`/cdni/${PID_CDNI}/filtered`, filter)).status).toBe(200)
    expect((await call(`/cdni/${CDNI}/filtered`, filter)).status).toBe(404)
    // Without credentials: 401, nothing about the advertisements.
    const anonymous = await worker.fetch(
      new Request(`http://alto.test/cdni/${PID_CDNI}`),
      authEnv as typeof env,
      testExecutionContext()
    )
    expect(anonymous.status).toBe(401)
  })
})
