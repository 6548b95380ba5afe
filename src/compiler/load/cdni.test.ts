import { describe, expect, it } from 'vitest'
import {
  compileMapSet,
  diffBuild,
  formatDiff,
  formatSourceError,
  type SourceError,
  type SourceFiles,
} from '../index.ts'
import { baseFiles, editJson, json } from '../test-fixtures.ts'

/** The base map set plus one CDNI advertisement source `cdni.json` with these objects. */
function withCdni(objects: unknown[], extra: Record<string, unknown> = {}): SourceFiles {
  const files = editJson(baseFiles(), 'alto-edge.json', (d) => {
    d['cdni-advertisements'] = [{ file: 'cdni.json' }]
  })
  return {
    ...files,
    'cdni.json': json({ 'resource-id': 'fci', ...extra, 'capabilities-with-footprints': objects }),
  }
}

const delivery = (footprints?: unknown) => ({
  'capability-type': 'FCI.DeliveryProtocol',
  'capability-value': { 'delivery-protocols': ['http/1.1'] },
  ...(footprints === undefined ? {} : { footprints }),
})

async function errorsOf(files: SourceFiles): Promise<SourceError[]> {
  const r = await compileMapSet(files)
  if (r.ok) throw new Error('expected errors, compile succeeded')
  return r.errors
}

/** The errors as the CLI prints them (`file:line path: message (value)`). */
async function printed(files: SourceFiles): Promise<string[]> {
  return (await errorsOf(files)).map(formatSourceError)
}

describe('CDNI advertisement sources (RFC 9241, docs/cdni.md)', () => {
  it('compiles: manifest entry, IRD entries, prefixes canonical, other values as written', async () => {
    const files = withCdni([
      delivery([
        { 'footprint-type': 'ipv6cidr', 'footprint-value': ['2001:DB8::/32'] },
        { 'footprint-type': 'asn', 'footprint-value': ['as64496'] },
        { 'footprint-type': 'countrycode', 'footprint-value': ['us'] },
      ]),
      { 'capability-type': 'FCI.Metadata', 'capability-value': { metadata: [] }, footprints: null },
    ])
    const r = await compileMapSet(files)
    if (!r.ok) throw new Error(JSON.stringify(r.errors))
    const entry = r.build.manifest['cdni-advertisements']!.fci
    expect(entry['network-map']).toBeUndefined()
    const body = JSON.parse(new TextDecoder().decode(r.build.blobs.get(entry.json.sha256)))
    expect(body).toEqual({
      meta: { vtag: { 'resource-id': 'fci', tag: entry.tag } },
      'cdni-advertisement': {
        'capabilities-with-footprints': [
          delivery([
            { 'footprint-type': 'ipv6cidr', 'footprint-value': ['2001:db8::/32'] },
            { 'footprint-type': 'asn', 'footprint-value': ['as64496'] },
            { 'footprint-type': 'countrycode', 'footprint-value': ['us'] },
          ]),
          // RFC 9241 §3.6: null footprints = global coverage, written without the member.
          { 'capability-type': 'FCI.Metadata', 'capability-value': { metadata: [] } },
        ],
      },
    })
    const ird = JSON.parse(new TextDecoder().decode(r.build.blobs.get(r.build.manifest.ird.sha256)))
    expect(ird.resources.fci).toEqual({
      uri: '/cdni/fci',
      'media-type': 'application/alto-cdni+json',
    })
    expect(ird.resources['fci-filtered']).toEqual({
      uri: '/cdni/fci/filtered',
      'media-type': 'application/alto-cdni+json',
      accepts: 'application/alto-cdnifilter+json',
    })
    expect(r.build.summary.cdniAdvertisements).toEqual([
      { id: 'fci', objects: 2, jsonBytes: expect.any(Number), tag: entry.tag },
    ])
    // alto-edge build prints them.
    const { formatSummary } = await import('../../cli/format.ts')
    expect(formatSummary(r.build.summary)).toContainEqual(
      expect.stringMatching(new RegExp(`^fci\\s+2\\s+\\d+ B\\s+${entry.tag}$`))
    )
  })

  it('RFC 9241 §4.1 altopid: the network map goes into the tag, uses and dependent-vtags', async () => {
    const altopid = [delivery([{ 'footprint-type': 'altopid', 'footprint-value': ['A', 'B'] }])]
    const r = await compileMapSet(withCdni(altopid, { 'network-map': 'net' }))
    if (!r.ok) throw new Error(JSON.stringify(r.errors))
    const { manifest, blobs } = r.build
    const entry = manifest['cdni-advertisements']!.fci
    expect(entry['network-map']).toBe('net')
    const body = JSON.parse(new TextDecoder().decode(blobs.get(entry.json.sha256)))
    expect(body.meta['dependent-vtags']).toEqual([
      { 'resource-id': 'net', tag: manifest['network-maps'].net.vtag },
    ])
    const ird = JSON.parse(new TextDecoder().decode(blobs.get(manifest.ird.sha256)))
    expect(ird.resources.fci.uses).toEqual(['net'])
    expect(ird.resources['fci-filtered'].uses).toEqual(['net'])
    // A change in the network map alone gives the advertisement a new tag.
    const moved = editJson(withCdni(altopid, { 'network-map': 'net' }), 'net.json', (d) => {
      d.pids.A.ipv4.push('192.0.2.0/24')
    })
    const r2 = await compileMapSet(moved)
    if (!r2.ok) throw new Error(JSON.stringify(r2.errors))
    expect(r2.build.manifest['cdni-advertisements']!.fci.tag).not.toBe(entry.tag)
  })

  it('a map set without CDNI sources has no cdni-advertisements member (versions unchanged)', async () => {
    const r = await compileMapSet(baseFiles())
    if (!r.ok) throw new Error('base does not compile')
    expect(r.build.manifest).not.toHaveProperty('cdni-advertisements')
  })

  it('bad footprint types and malformed footprint values: one error each, with file:line path', async () => {
    const files = withCdni([
      delivery([
        { 'footprint-type': 'ipv4', 'footprint-value': ['192.0.2.0/24'] },
        { 'footprint-type': 'ipv4cidr', 'footprint-value': ['192.0.2.1/24', '2001:db8::/32', 7] },
        { 'footprint-type': 'ipv6cidr', 'footprint-value': ['2001:db8::1'] },
        { 'footprint-type': 'asn', 'footprint-value': ['AS64496', 'as4294967296'] },
        { 'footprint-type': 'countrycode', 'footprint-value': ['US', 'usa'] },
      ]),
    ])
    expect(await printed(files)).toEqual([
      'cdni.json:13 capabilities-with-footprints[0].footprints[0].footprint-type: unknown footprint type; RFC 8006 §7.2 and RFC 9241 §7.3 define ipv4cidr, ipv6cidr, asn, countrycode, altopid (ipv4)',
      'cdni.json:21 capabilities-with-footprints[0].footprints[1].footprint-value[0]: host bits not zero: bit 32 of 192.0.2.1/24 is set (address bits after the first 24 must be 0); did you mean 192.0.2.0/24? (192.0.2.1/24)',
      'cdni.json:22 capabilities-with-footprints[0].footprints[1].footprint-value[1]: IPv6 prefix listed under ipv4 (2001:db8::/32)',
      'cdni.json:23 capabilities-with-footprints[0].footprints[1].footprint-value[2]: footprint value must be a string (7)',
      'cdni.json:29 capabilities-with-footprints[0].footprints[2].footprint-value[0]: missing prefix length: "2001:db8::1" is an IPv6 address, expected address/length (2001:db8::1)',
      'cdni.json:35 capabilities-with-footprints[0].footprints[3].footprint-value[0]: an asn footprint is "as" (lowercase) followed by the AS number in decimal without leading zeros (RFC 8006 §4.3.7, RFC 9241 §6.1.1.2), e.g. as64496; did you mean as64496? (AS64496)',
      'cdni.json:36 capabilities-with-footprints[0].footprints[3].footprint-value[1]: AS number above 4294967295 (RFC 6793 4-octet ASNs) (as4294967296)',
      'cdni.json:42 capabilities-with-footprints[0].footprints[4].footprint-value[0]: a countrycode footprint is an ISO 3166-1 alpha-2 code in lowercase (RFC 8006 §4.3.8), e.g. us; did you mean us? (US)',
      'cdni.json:43 capabilities-with-footprints[0].footprints[4].footprint-value[1]: a countrycode footprint is an ISO 3166-1 alpha-2 code in lowercase (RFC 8006 §4.3.8), e.g. us (usa)',
    ])
  })

  it('an empty footprint-value list is an error (RFC 9241 §3.6 footprint-value<1..*>)', async () => {
    const errors = await errorsOf(
      withCdni([delivery([{ 'footprint-type': 'asn', 'footprint-value': [] }])])
    )
    expect(errors).toEqual([
      expect.objectContaining({
        path: 'capabilities-with-footprints[0].footprints[0].footprint-value',
        message: expect.stringContaining('at least one value'),
      }),
    ])
  })

  it('unknown capability types and capability values that do not fit their type (RFC 8008 §5)', async () => {
    const files = withCdni([
      { 'capability-type': 'FCI.Unknown', 'capability-value': {} },
      { 'capability-type': 'FCI.DeliveryProtocol', 'capability-value': ['https/1.1'] },
      {
        'capability-type': 'FCI.RedirectionMode',
        'capability-value': { 'redirection-modes': ['DNS-X'] },
      },
      { 'capability-type': 'FCI.Logging', 'capability-value': { fields: [] } },
      { 'capability-type': 'FCI.Metadata' },
    ])
    expect(await printed(files)).toEqual([
      'cdni.json:5 capabilities-with-footprints[0].capability-type: unknown capability type; RFC 8008 §6.1 defines FCI.DeliveryProtocol, FCI.AcquisitionProtocol, FCI.RedirectionMode, FCI.Logging, FCI.Metadata (FCI.Unknown)',
      'cdni.json:10 capabilities-with-footprints[1].capability-value: capability-value must be an object with "delivery-protocols" (RFC 8008 §5.3) (["https/1.1"])',
      'cdni.json:16 capabilities-with-footprints[2].capability-value: "redirection-modes" has "DNS-X", not one of DNS-I, DNS-R, HTTP-I, HTTP-R (RFC 8008 §5.5) ({"redirection-modes":["DNS-X"]})',
      'cdni.json:24 capabilities-with-footprints[3].capability-value: capability-value lacks mandatory "record-type" (RFC 8008 §5.6) ({"fields":[]})',
      'cdni.json:28 capabilities-with-footprints[4]: capability-value is missing (RFC 8008 §5.1: mandatory-to-specify)',
    ])
  })

  it('RFC 9241 §4.1/§3.5: altopid needs its network map, PIDs must exist, no network map without altopid', async () => {
    const pid = (values: string[]) =>
      delivery([{ 'footprint-type': 'altopid', 'footprint-value': values }])
    expect(await printed(withCdni([pid(['A'])]))).toEqual([
      'cdni.json: altopid footprints need "network-map": the network map whose PIDs they name (RFC 9241 §4.1)',
    ])
    expect(await printed(withCdni([pid(['A', 'Z', 'no.dots'])], { 'network-map': 'net' }))).toEqual(
      [
        'cdni.json:17 capabilities-with-footprints[0].footprints[0].footprint-value[1]: no PID Z in network map net (Z)',
        expect.stringMatching(/^cdni\.json:18 .*footprint-value\[2\]: PID name .*\(no\.dots\)$/),
      ]
    )
    expect(await printed(withCdni([pid(['A'])], { 'network-map': 'nope' }))).toEqual([
      'cdni.json:3 network-map: network map is not defined in this map set (nope)',
    ])
    expect(await printed(withCdni([delivery()], { 'network-map': 'net' }))).toEqual([
      'cdni.json:3 network-map: no altopid footprint uses this network map; RFC 9241 §3.5: "uses" MUST NOT appear unless the resource depends on it (net)',
    ])
  })

  it('resource ids: syntax, unique across the map set, the generated -filtered id too', async () => {
    const taken = editJson(withCdni([delivery()]), 'cdni.json', (d) => (d['resource-id'] = 'net'))
    expect(await printed(taken)).toEqual([
      expect.stringMatching(
        /^cdni\.json:2 resource-id: resource id net \(CDNI advertisement\) is already used at net\.json/
      ),
      // net-filtered is the network map's generated filtered id as well.
      expect.stringMatching(/resource id net-filtered \(generated for CDNI advertisement net\)/),
    ])
    const long = editJson(
      withCdni([delivery()]),
      'cdni.json',
      (d) => (d['resource-id'] = 'x'.repeat(60))
    )
    // RFC 9241 §5 and §6: the filtered advertisement and the two property map resources.
    expect(await printed(long)).toEqual(
      ['filtered', 'propmap', 'propmap-filtered'].map((suffix) =>
        expect.stringContaining(
          `generated resource id ${'x'.repeat(60)}-${suffix} of CDNI advertisement`
        )
      )
    )
    const dotted = editJson(withCdni([delivery()]), 'cdni.json', (d) => (d['resource-id'] = 'a.b'))
    expect(await errorsOf(dotted)).toEqual([
      expect.objectContaining({ file: 'cdni.json', path: 'resource-id', value: 'a.b' }),
    ])
  })

  it('unknown keys are errors (strict native source)', async () => {
    const files = withCdni([{ ...delivery(), footprint: [] }], { 'netwrok-map': 'net' })
    expect((await printed(files)).sort()).toEqual([
      'cdni.json:12 capabilities-with-footprints[0].footprint: unknown key (footprint)',
      'cdni.json:3 netwrok-map: unknown key (netwrok-map)',
    ])
  })
})

describe('alto-edge diff with CDNI advertisements', () => {
  it('reports an added, a changed and an unchanged advertisement by its tag', async () => {
    const first = await compileMapSet(withCdni([delivery()]))
    if (!first.ok) throw new Error('does not compile')
    const added = diffBuild(first.build, null).resources.find((r) => r.kind === 'cdni')
    expect(added).toMatchObject({ id: 'fci', change: 'added' })
    const edited = editJson(withCdni([delivery()]), 'cdni.json', (d) => {
      d['capabilities-with-footprints'][0]['capability-value']['delivery-protocols'] = ['https/1.1']
    })
    const second = await compileMapSet(edited)
    if (!second.ok) throw new Error('does not compile')
    const changed = diffBuild(second.build, first.build.manifest)
    expect(changed.resources.find((r) => r.kind === 'cdni')).toMatchObject({
      id: 'fci',
      change: 'changed',
      oldTag: first.build.manifest['cdni-advertisements']!.fci.tag,
    })
    expect(formatDiff(changed).some((l) => /changed\s+cdni\s+fci\s+tag /.test(l))).toBe(true)
    expect(
      diffBuild(first.build, first.build.manifest).resources.find((r) => r.kind === 'cdni')?.change
    ).toBe('unchanged')
  })
})
