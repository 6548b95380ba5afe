import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  asnFootprintProblem,
  capabilitiesCovering,
  capabilityMatches,
  capabilityValueProblem,
  CAPABILITY_TYPES,
  cdniAdvertisementResponseSchema,
  checkCdniFilter,
  countryCodeFootprintProblem,
  filterAdvertisement,
  filteredCdniRequest,
  renderCdniAdvertisement,
  type BaseAdvertisementObject,
} from './cdni.ts'
import { validateRequest } from './request-schemas.ts'

/** RFC 9241 §3.7.2: the three objects of the basic example, verbatim. */
const RFC_3_7_2: BaseAdvertisementObject[] = [
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
]

/** Parses a request body the way the Worker does (schema, then the §5.6 checks). */
function check(body: unknown) {
  const parsed = validateRequest(filteredCdniRequest, body)
  if (!parsed.ok) return parsed
  return checkCdniFilter(parsed.value)
}

function filter(body: unknown): BaseAdvertisementObject[] {
  const checked = check(body)
  if (!checked.ok || !('capabilities' in checked)) throw new Error(JSON.stringify(checked))
  return filterAdvertisement(RFC_3_7_2, checked.capabilities)
}

describe('RFC 9241 §5.6 filter matching', () => {
  it('§5.7.1: https/1.1 delivery selects only the [https/1.1, http/1.1] object', () => {
    // The §5.7.1 request, verbatim.
    const body = {
      'cdni-capabilities': [
        {
          'capability-type': 'FCI.DeliveryProtocol',
          'capability-value': { 'delivery-protocols': ['https/1.1'] },
        },
      ],
    }
    expect(filter(body)).toEqual([RFC_3_7_2[1]])
  })

  it('§5.6: http/1.1 delivery is covered by both delivery objects (superset), not acquisition', () => {
    const body = {
      'cdni-capabilities': [
        {
          'capability-type': 'FCI.DeliveryProtocol',
          'capability-value': { 'delivery-protocols': ['http/1.1'] },
        },
      ],
    }
    expect(filter(body)).toEqual([RFC_3_7_2[0], RFC_3_7_2[1]])
  })

  it('§5.6: a request for two protocols needs both in one object', () => {
    const both = { 'delivery-protocols': ['http/1.1', 'https/1.1'] }
    const body = {
      'cdni-capabilities': [
        { 'capability-type': 'FCI.DeliveryProtocol', 'capability-value': both },
      ],
    }
    expect(filter(body)).toEqual([RFC_3_7_2[1]])
  })

  it('§5.3: an empty list is the full resource; duplicates count once; resource order kept', () => {
    expect(filter({ 'cdni-capabilities': [] })).toEqual(RFC_3_7_2)
    const acq = {
      'capability-type': 'FCI.AcquisitionProtocol',
      'capability-value': { 'acquisition-protocols': ['https/1.1'] },
    }
    const del = {
      'capability-type': 'FCI.DeliveryProtocol',
      'capability-value': { 'delivery-protocols': ['https/1.1'] },
    }
    expect(filter({ 'cdni-capabilities': [acq, del, acq, del] })).toEqual([
      RFC_3_7_2[1],
      RFC_3_7_2[2],
    ])
  })

  it('§5.3: a capability no object offers is omitted (nothing, not an error)', () => {
    const body = {
      'cdni-capabilities': [
        {
          'capability-type': 'FCI.RedirectionMode',
          'capability-value': { 'redirection-modes': ['DNS-I'] },
        },
        {
          'capability-type': 'FCI.DeliveryProtocol',
          'capability-value': { 'delivery-protocols': ['http/2'] },
        },
      ],
    }
    expect(filter(body)).toEqual([])
  })

  it('§5.6 with RFC 8008 §5.6: Logging matches on record-type only (fields is optional)', () => {
    const offered = {
      'capability-type': 'FCI.Logging' as const,
      'capability-value': { 'record-type': 'cdni_http_request_v1', fields: ['s-ccid'] },
    }
    const sameType = { 'record-type': 'cdni_http_request_v1', fields: ['s-sid'] }
    expect(capabilityMatches(offered, { ...offered, 'capability-value': sameType })).toBe(true)
    const other = { 'record-type': 'other_v1' }
    expect(capabilityMatches(offered, { ...offered, 'capability-value': other })).toBe(false)
  })

  it('§5.6: metadata and redirection modes are set superset matches', () => {
    const meta = {
      'capability-type': 'FCI.Metadata' as const,
      'capability-value': { metadata: ['MI.SourceMetadata', 'MI.LocationACL'] },
    }
    const want = (metadata: string[]) => ({ ...meta, 'capability-value': { metadata } })
    expect(capabilityMatches(meta, want(['MI.LocationACL']))).toBe(true)
    expect(capabilityMatches(meta, want([]))).toBe(true)
    expect(capabilityMatches(meta, want(['MI.TimeWindowACL']))).toBe(false)
    const redirect = {
      'capability-type': 'FCI.RedirectionMode' as const,
      'capability-value': { 'redirection-modes': ['DNS-I', 'HTTP-I'] },
    }
    const modes = (m: string[]) => ({ ...redirect, 'capability-value': { 'redirection-modes': m } })
    expect(capabilityMatches(redirect, modes(['HTTP-I']))).toBe(true)
    expect(capabilityMatches(redirect, modes(['HTTP-R']))).toBe(false)
    // Same value, other type: never a match.
    expect(capabilityMatches(redirect, { ...meta, 'capability-value': { metadata: [] } })).toBe(
      false
    )
  })

  it('§8.3.7: unknown members of the request and of a capability-value are ignored', () => {
    const body = {
      extra: 1,
      'cdni-capabilities': [
        {
          'capability-type': 'FCI.DeliveryProtocol',
          'capability-value': { 'delivery-protocols': ['https/1.1'], 'x-note': 'ignored' },
          comment: 'ignored',
        },
      ],
    }
    expect(filter(body)).toEqual([RFC_3_7_2[1]])
  })
})

describe('RFC 9241 §5.6 invalid filter requests → one RFC 7285 §8.5.2 error', () => {
  const cap = (type: unknown, value: unknown) => ({
    'capability-type': type,
    'capability-value': value,
  })
  const error = (body: unknown) => {
    const r = check(body)
    if (r.ok) throw new Error('accepted')
    return r.error
  }
  const one = (c: unknown) => error({ 'cdni-capabilities': [c] })

  it('cdni-capabilities absent → E_MISSING_FIELD; not an array → E_INVALID_FIELD_TYPE', () => {
    expect(error({})).toEqual({ code: 'E_MISSING_FIELD', field: 'cdni-capabilities' })
    expect(error({ 'cdni-capabilities': {} })).toEqual({
      code: 'E_INVALID_FIELD_TYPE',
      field: 'cdni-capabilities',
    })
    expect(error([])).toMatchObject({ code: 'E_SYNTAX' })
  })

  it('an element that is not an object → E_INVALID_FIELD_VALUE on the array (§8.5.2)', () => {
    expect(error({ 'cdni-capabilities': ['FCI.DeliveryProtocol'] })).toEqual({
      code: 'E_INVALID_FIELD_VALUE',
      field: 'cdni-capabilities',
      value: 'FCI.DeliveryProtocol',
    })
  })

  it('§5.6: capability-type null → E_INVALID_FIELD_VALUE naming the capability', () => {
    const c = cap(null, { 'delivery-protocols': ['http/1.1'] })
    expect(one(c)).toEqual({
      code: 'E_INVALID_FIELD_VALUE',
      field: 'cdni-capabilities/capability-type',
      value: JSON.stringify(c),
    })
  })

  it('§5.6: capability-value null → E_INVALID_FIELD_VALUE naming the capability', () => {
    const c = cap('FCI.DeliveryProtocol', null)
    expect(one(c)).toEqual({
      code: 'E_INVALID_FIELD_VALUE',
      field: 'cdni-capabilities/capability-value',
      value: JSON.stringify(c),
    })
  })

  it('§5.6: capability-value inconsistent with capability-type → E_INVALID_FIELD_VALUE', () => {
    const inconsistent: [string, unknown][] = [
      // The §4.2.2 example's array form: RFC 8008 §5.3 wants an object.
      ['FCI.DeliveryProtocol', ['https/1.1']],
      ['FCI.DeliveryProtocol', { 'acquisition-protocols': ['https/1.1'] }],
      ['FCI.DeliveryProtocol', { 'delivery-protocols': 'https/1.1' }],
      ['FCI.AcquisitionProtocol', { 'acquisition-protocols': [1] }],
      ['FCI.RedirectionMode', { 'redirection-modes': ['HTTP-X'] }],
      ['FCI.RedirectionMode', 'HTTP-I'],
      ['FCI.Logging', { fields: ['s-ccid'] }],
      ['FCI.Logging', { 'record-type': 7 }],
      ['FCI.Logging', { 'record-type': 'cdni_http_request_v1', fields: 's-ccid' }],
      ['FCI.Metadata', {}],
    ]
    for (const [type, value] of inconsistent) {
      const c = cap(type, value)
      expect(one(c), `${type} ${JSON.stringify(value)}`).toEqual({
        code: 'E_INVALID_FIELD_VALUE',
        field: 'cdni-capabilities/capability-value',
        value: JSON.stringify(c),
      })
    }
  })

  it('an unknown capability type → E_INVALID_FIELD_VALUE on capability-type', () => {
    for (const type of ['FCI.Unknown', 'fci.deliveryprotocol', '']) {
      const c = cap(type, { 'delivery-protocols': ['http/1.1'] })
      expect(one(c)).toEqual({
        code: 'E_INVALID_FIELD_VALUE',
        field: 'cdni-capabilities/capability-type',
        value: JSON.stringify(c),
      })
    }
  })

  it('a member absent → E_MISSING_FIELD; a non-string type → E_INVALID_FIELD_TYPE', () => {
    expect(one({ 'capability-value': {} })).toEqual({
      code: 'E_MISSING_FIELD',
      field: 'cdni-capabilities/capability-type',
    })
    expect(one({ 'capability-type': 'FCI.Metadata' })).toEqual({
      code: 'E_MISSING_FIELD',
      field: 'cdni-capabilities/capability-value',
    })
    expect(one(cap(5, { metadata: [] }))).toEqual({
      code: 'E_INVALID_FIELD_TYPE',
      field: 'cdni-capabilities/capability-type',
    })
  })

  it('the first invalid capability is the one reported', () => {
    const good = cap('FCI.Metadata', { metadata: [] })
    const bad = cap('FCI.Metadata', null)
    expect(error({ 'cdni-capabilities': [good, bad, cap(null, null)] })).toMatchObject({
      field: 'cdni-capabilities/capability-value',
    })
  })
})

describe('RFC 8008 capability values and RFC 8006 footprint values', () => {
  it('the five RFC 8008 §6.1 FCI payload types, each with its RFC example value', () => {
    expect(CAPABILITY_TYPES).toEqual([
      'FCI.DeliveryProtocol',
      'FCI.AcquisitionProtocol',
      'FCI.RedirectionMode',
      'FCI.Logging',
      'FCI.Metadata',
    ])
    // RFC 8008 §5.3.1, §5.4.1, §5.5.1, §5.6.1 (both), §5.7.1 (both).
    expect(
      capabilityValueProblem('FCI.DeliveryProtocol', { 'delivery-protocols': ['http/1.1'] })
    ).toBeNull()
    expect(
      capabilityValueProblem('FCI.AcquisitionProtocol', {
        'acquisition-protocols': ['http/1.1', 'https/1.1'],
      })
    ).toBeNull()
    expect(
      capabilityValueProblem('FCI.RedirectionMode', { 'redirection-modes': ['DNS-I', 'HTTP-I'] })
    ).toBeNull()
    expect(
      capabilityValueProblem('FCI.Logging', {
        'record-type': 'cdni_http_request_v1',
        fields: ['s-ccid'],
      })
    ).toBeNull()
    expect(
      capabilityValueProblem('FCI.Logging', { 'record-type': 'cdni_http_request_v1' })
    ).toBeNull()
    expect(capabilityValueProblem('FCI.Metadata', { metadata: ['MI.SourceMetadata'] })).toBeNull()
    expect(capabilityValueProblem('FCI.Metadata', { metadata: [] })).toBeNull()
  })

  it('RFC 8006 §4.3.7 / RFC 9241 §6.1.1.2 asn: lowercase "as", decimal, no leading zeros', () => {
    for (const ok of ['as64496', 'as0', 'as4294967295']) expect(asnFootprintProblem(ok)).toBeNull()
    expect(asnFootprintProblem('AS64496')).toMatch(/did you mean as64496\?/)
    expect(asnFootprintProblem('as064496')).toMatch(/did you mean as64496\?/)
    expect(asnFootprintProblem('64496')).toMatch(/lowercase/)
    expect(asnFootprintProblem('as4294967296')).toMatch(/above 4294967295/)
    expect(asnFootprintProblem('as-1')).not.toBeNull()
  })

  it('RFC 8006 §4.3.8 countrycode: two lowercase letters', () => {
    expect(countryCodeFootprintProblem('us')).toBeNull()
    expect(countryCodeFootprintProblem('US')).toMatch(/did you mean us\?/)
    expect(countryCodeFootprintProblem('usa')).not.toBeNull()
    expect(countryCodeFootprintProblem('u1')).not.toBeNull()
  })
})

describe('RFC 9241 §3.6 rendering', () => {
  it('the response schema accepts the §3.7.2 body and refuses one without meta.vtag (§3.6 MUST)', () => {
    const vtag = {
      'resource-id': 'my-default-cdnifci',
      tag: 'da65eca2eb7a10ce8b059740b0b2e3f8eb1d4785',
    }
    const body = JSON.parse(renderCdniAdvertisement(vtag, undefined, RFC_3_7_2))
    expect(cdniAdvertisementResponseSchema.safeParse(body).success).toBe(true)
    // §4.2.2's body as printed: dependent-vtags only.
    const noVtag = { ...body, meta: { 'dependent-vtags': [vtag] } }
    expect(cdniAdvertisementResponseSchema.safeParse(noVtag).success).toBe(false)
  })

  it('§3.7.2: meta.vtag, then the objects in order; dependent-vtags only when given', () => {
    const vtag = {
      'resource-id': 'my-default-cdnifci',
      tag: 'da65eca2eb7a10ce8b059740b0b2e3f8eb1d4785',
    }
    expect(JSON.parse(renderCdniAdvertisement(vtag, undefined, RFC_3_7_2))).toEqual({
      meta: { vtag },
      'cdni-advertisement': { 'capabilities-with-footprints': RFC_3_7_2 },
    })
    const nm = { 'resource-id': 'my-eu-netmap', tag: '3ee2cb7e8d63d9fab71b9b34cbf764436315542e' }
    expect(JSON.parse(renderCdniAdvertisement(vtag, [nm], [])).meta).toEqual({
      vtag,
      'dependent-vtags': [nm],
    })
  })

  it('§3.6: an object without footprints (global coverage) is written without the member', () => {
    const global = [
      {
        'capability-type': 'FCI.Metadata' as const,
        'capability-value': { metadata: [] },
        footprints: [],
      },
    ]
    const vtag = { 'resource-id': 'x', tag: 't' }
    expect(renderCdniAdvertisement(vtag, [], global)).toBe(
      '{"meta":{"vtag":{"resource-id":"x","tag":"t"}},"cdni-advertisement":{"capabilities-with-footprints":[{"capability-type":"FCI.Metadata","capability-value":{"metadata":[]}}]}}'
    )
  })
})

describe('RFC 9241 §6.2.2 cdni-capabilities of a footprint entity', () => {
  const cap = (o: BaseAdvertisementObject) => ({
    'capability-type': o['capability-type'],
    'capability-value': o['capability-value'],
  })
  const [http, both, acquisition] = RFC_3_7_2

  it('§6.3.2 entities over the §3.7.2 advertisement: ipv4:192.0.2.0/24 and ipv6:2001:db8::/32 get http/1.1', () => {
    expect(capabilitiesCovering(RFC_3_7_2, 'ipv4:192.0.2.0/24')).toEqual([cap(http)])
    expect(capabilitiesCovering(RFC_3_7_2, 'ipv6:2001:db8::/32')).toEqual([cap(http)])
    expect(capabilitiesCovering(RFC_3_7_2, 'ipv4:198.51.100.0/24')).toEqual([cap(both)])
    expect(capabilitiesCovering(RFC_3_7_2, 'ipv4:203.0.113.0/24')).toEqual([cap(acquisition)])
  })

  it('§6.1: an address or a longer prefix inside a footprint prefix is covered; a shorter one is not', () => {
    expect(capabilitiesCovering(RFC_3_7_2, 'ipv4:203.0.113.100')).toEqual([cap(acquisition)])
    expect(capabilitiesCovering(RFC_3_7_2, 'ipv4:192.0.2.128/25')).toEqual([cap(http)])
    expect(capabilitiesCovering(RFC_3_7_2, 'ipv6:2001:db8:1::1')).toEqual([cap(http)])
    expect(capabilitiesCovering(RFC_3_7_2, 'ipv4:192.0.0.0/16')).toEqual([])
    expect(capabilitiesCovering(RFC_3_7_2, 'ipv4:10.0.0.1')).toEqual([])
  })

  it('§6.1.1/§6.1.2 asn and countrycode entities; altopid through <netmap>.pid; global objects everywhere', () => {
    const objects: BaseAdvertisementObject[] = [
      {
        'capability-type': 'FCI.DeliveryProtocol',
        'capability-value': { 'delivery-protocols': ['https/1.1', 'http/1.1'] },
        footprints: [
          { 'footprint-type': 'asn', 'footprint-value': ['as64496'] },
          { 'footprint-type': 'countrycode', 'footprint-value': ['us'] },
        ],
      },
      {
        'capability-type': 'FCI.AcquisitionProtocol',
        'capability-value': { 'acquisition-protocols': ['https/1.1'] },
        footprints: [{ 'footprint-type': 'altopid', 'footprint-value': ['germany'] }],
      },
      { 'capability-type': 'FCI.Metadata', 'capability-value': { metadata: [] } },
    ]
    const [asnUs, pid, global] = objects.map(cap)
    expect(capabilitiesCovering(objects, 'asn:as64496')).toEqual([asnUs, global])
    expect(capabilitiesCovering(objects, 'countrycode:us')).toEqual([asnUs, global])
    expect(capabilitiesCovering(objects, 'countrycode:fr')).toEqual([global])
    expect(capabilitiesCovering(objects, 'my-eu-netmap.pid:germany', 'my-eu-netmap')).toEqual([
      pid,
      global,
    ])
    expect(capabilitiesCovering(objects, 'ipv4:192.0.2.1')).toEqual([global])
  })

  it('entities outside the §6.1 domains, or malformed, are null', () => {
    for (const e of [
      'ipv4:300.0.0.1',
      'ipv4:2001:db8::1',
      'ipv6:192.0.2.1',
      'asn:AS64496',
      'countrycode:US',
      'pid:x',
      'other-netmap.pid:germany',
      'nocolon',
    ])
      expect(capabilitiesCovering(RFC_3_7_2, e, 'my-eu-netmap'), e).toBeNull()
  })
})

describe('RFC 9241 §5 filter on random requests (RFC 7285 §8.5.2: one ALTO error, never a crash)', () => {
  const protocols = fc.array(fc.constantFrom('http/1.1', 'https/1.1', 'http/2', 7 as never), {
    maxLength: 3,
  })
  const value = fc.oneof(
    fc.record({ 'delivery-protocols': protocols }),
    fc.record({ 'acquisition-protocols': protocols }),
    fc.record({
      'redirection-modes': fc.array(fc.constantFrom('DNS-I', 'HTTP-R', 'X'), { maxLength: 2 }),
    }),
    fc.record({ 'record-type': fc.constantFrom('cdni_http_request_v1', 5 as never) }),
    fc.record({ metadata: fc.array(fc.string({ maxLength: 4 }), { maxLength: 2 }) }),
    fc.jsonValue({ maxDepth: 2 })
  )
  const capability = fc.oneof(
    fc.record(
      {
        'capability-type': fc.oneof(
          fc.constantFrom(...CAPABILITY_TYPES),
          fc.jsonValue({ maxDepth: 1 })
        ),
        'capability-value': value,
      },
      { requiredKeys: [] }
    ),
    fc.jsonValue({ maxDepth: 1 })
  )
  const body = fc.oneof(
    fc.record({ 'cdni-capabilities': fc.array(capability, { maxLength: 4 }) }),
    fc.jsonValue({ maxDepth: 2 })
  )
  const CODES = ['E_SYNTAX', 'E_MISSING_FIELD', 'E_INVALID_FIELD_TYPE', 'E_INVALID_FIELD_VALUE']

  it('every request is either checked capabilities or one ALTO error on a cdni-capabilities field', () => {
    fc.assert(
      fc.property(body, (raw) => {
        const request = JSON.parse(JSON.stringify(raw)) as unknown
        const r = check(request)
        if (!r.ok) {
          expect(CODES).toContain(r.error.code)
          if (r.error.code !== 'E_SYNTAX') expect(r.error.field).toMatch(/^cdni-capabilities/)
          return
        }
        const caps = 'capabilities' in r ? r.capabilities : []
        for (const c of caps)
          expect(capabilityValueProblem(c['capability-type'], c['capability-value'])).toBeNull()
        // §5.6: exactly the objects some requested capability matches, in resource order.
        const out = filterAdvertisement(RFC_3_7_2, caps)
        const expected =
          caps.length === 0
            ? RFC_3_7_2
            : RFC_3_7_2.filter((o) => caps.some((c) => capabilityMatches(o, c)))
        expect(out).toEqual(expected)
      }),
      { seed: 0x9241, numRuns: 3000 }
    )
  })
})
