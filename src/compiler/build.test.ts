import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { decodeStringTable, Lpm4, Lpm6, CostMatrix, parseIPv4, parseIPv6 } from '../tables/index.ts'
import { compileMapSet, type Build, type SourceFiles } from './index.ts'
import { baseFiles, editJson, json } from './test-fixtures.ts'

const MAPS = join(import.meta.dirname, '..', '..', 'maps')
const read = (rel: string) => readFileSync(join(MAPS, rel), 'utf8')
const text = (build: Build, sha: string) => new TextDecoder().decode(build.blobs.get(sha))
const ab = (bytes: Uint8Array) =>
  bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer

/** The repository's example + interop map sets, without the optional generated ASN map. */
function exampleAndInterop(): SourceFiles {
  const files: SourceFiles = {
    'alto-edge.json': json({
      'default-network-map': 'my-default-network-map',
      'network-maps': [
        { file: 'interop-ietf93/default-network-map.json' },
        { file: 'interop-ietf93/alt-networkmap.json' },
        { file: 'example/network-map.json' },
      ],
      'cost-maps': [
        { file: 'interop-ietf93/routingcost-costmap.json' },
        { file: 'interop-ietf93/hopcount-costmap.json' },
        { file: 'interop-ietf93/alt-routingcost-costmap.json' },
        { file: 'interop-ietf93/alt-hopcount-costmap.json' },
        { file: 'example/cost-routingcost.json' },
        { file: 'example/cost-ordinal-routingcost.json' },
      ],
      'endpoint-properties': [{ file: 'example/properties.json' }],
    }),
  }
  for (const f of [
    'interop-ietf93/default-network-map.json',
    'interop-ietf93/alt-networkmap.json',
    'interop-ietf93/routingcost-costmap.json',
    'interop-ietf93/hopcount-costmap.json',
    'interop-ietf93/alt-routingcost-costmap.json',
    'interop-ietf93/alt-hopcount-costmap.json',
    'example/network-map.json',
    'example/cost-routingcost.json',
    'example/cost-ordinal-routingcost.json',
    'example/properties.json',
  ])
    files[f] = read(f)
  return files
}

async function build(files: SourceFiles): Promise<Build> {
  const r = await compileMapSet(files)
  if (!r.ok) throw new Error(JSON.stringify(r.errors, null, 2))
  return r.build
}

describe('interop IETF-93 and RFC 7285 example map sets', () => {
  it('the fixtures in maps/interop-ietf93 are byte-identical copies', () => {
    // SHA-256 of the upstream files (lylebe/e__alto test/json/interop-ietf93, as shipped in
    // shared/fixtures/interop-ietf93): pinned so the check needs no copy of the originals.
    const upstream: [string, string][] = [
      ['NOTICE', 'abae59a5f371657905f07a3d7f2c0f6d86a59287b570e7fa573cb56c548ed90e'],
      [
        'alt-hopcount-costmap.json',
        '68ce709df357d38b85b3360870567d7c7afaaf7920d17dbf220292b912f11be7',
      ],
      ['alt-networkmap.json', '64d2a01214f5f335dc0a0800b2ccd8d32deff0a00ee80de996a7ff95a2549d02'],
      [
        'alt-routingcost-costmap.json',
        'f6deaae00bf943131d815fe19939a8faddc0bd2fcffa0f8004d6106859277d6a',
      ],
      [
        'default-network-map.json',
        '084725ccb87899816b4c82bd09fa58e1561c39c7a9688deacf3add13aed9914b',
      ],
      ['epcs_req1.json', 'b9e42a54757f47f1b97971e754a0c55a3f843d39ae829fa460e42f1c9e585ac6'],
      ['epcs_req2.json', '5d253a5497f11ebca01ce7b0d337d3f305430fcf789155528a8571addfef2d19'],
      ['hopcount-costmap.json', '3fee7356bcf0b1059a23dce2bc3f887eb40d2f3e851c1768c6ead873fe99e6a5'],
      [
        'routingcost-costmap.json',
        'b55df36a71c7c0ae051cfab32e515d654df8b51f59a4a7797319be39243e06c6',
      ],
    ]
    for (const [f, sha256] of upstream) {
      expect(
        createHash('sha256')
          .update(readFileSync(join(MAPS, 'interop-ietf93', f)))
          .digest('hex'),
        f
      ).toBe(sha256)
    }
  })

  it('compiles unchanged; prefixes rendered canonically (lowercase RFC 5952, sorted)', async () => {
    const b = await build(exampleAndInterop())
    const m = b.manifest
    expect(Object.keys(m['network-maps']).sort()).toEqual([
      'alt-network-map',
      'my-default-network-map',
      'rfc-example-network-map',
    ])
    const nm = m['network-maps']['my-default-network-map']
    expect(nm['pid-count']).toBe(13)
    expect(nm['prefix-counts']).toEqual({ ipv4: 19, ipv6: 6 })
    const body = JSON.parse(text(b, nm.json.sha256))
    expect(body.meta.vtag).toEqual({ 'resource-id': 'my-default-network-map', tag: nm.vtag })
    expect(nm.vtag).toMatch(/^[0-9a-f]{40}$/)
    expect(body['network-map'].default).toEqual({ ipv4: ['0.0.0.0/0'], ipv6: ['::/0'] })
    expect(body['network-map'].peer1).toEqual({
      ipv4: ['128.0.0.0/16', '130.0.0.0/16'],
      ipv6: ['2001:db8::/33'],
    })
    expect(body['network-map'].linklocal.ipv6).toEqual(['ff80::/10'])
    expect(Object.keys(body['network-map'])).toEqual([...Object.keys(body['network-map'])].sort())

    // The PID table and LPM tables agree with the JSON: longest-prefix match.
    const pids = decodeStringTable(ab(b.blobs.get(nm.pids.sha256)!))
    expect(pids).toEqual(Object.keys(body['network-map']))
    const v4 = Lpm4.open(ab(b.blobs.get(nm['lpm-v4']!.sha256)!))
    const v6 = Lpm6.open(ab(b.blobs.get(nm['lpm-v6']!.sha256)!))
    expect(pids[v4.lookup(parseIPv4('100.0.1.7')!)]).toBe('mine1a')
    expect(pids[v4.lookup(parseIPv4('100.0.2.7')!)]).toBe('mine1')
    expect(pids[v4.lookup(parseIPv4('100.200.0.1')!)]).toBe('mine')
    expect(pids[v4.lookup(parseIPv4('8.8.8.8')!)]).toBe('default')
    expect(pids[v6.lookupWords(parseIPv6('2001:db8:8000::1')!)]).toBe('peer2')
    expect(pids[v6.lookupWords(parseIPv6('::1')!)]).toBe('loopback')

    const cm = m['cost-maps']['my-default-network-map-num-routingcost']
    expect(cm['cost-type']).toEqual({ 'cost-mode': 'numerical', 'cost-metric': 'routingcost' })
    const costBody = JSON.parse(text(b, cm.json.sha256))
    expect(costBody.meta['dependent-vtags']).toEqual([
      { 'resource-id': 'my-default-network-map', tag: nm.vtag },
    ])
    expect(costBody['cost-map'].mine1.mine2).toBe(6.5)
    const matrix = CostMatrix.open(ab(b.blobs.get(cm.matrix.sha256)!))
    expect(matrix.get(pids.indexOf('mine1'), pids.indexOf('mine2'))).toBe(6.5)
    expect(Number.isNaN(matrix.get(pids.indexOf('peer1'), pids.indexOf('peer2')))).toBe(true)
  })

  it('renders the RFC 7285 §11.2.1.7 / §11.2.3.7 examples', async () => {
    const b = await build(exampleAndInterop())
    const m = b.manifest
    const nm = m['network-maps']['rfc-example-network-map']
    expect(text(b, nm.json.sha256)).toBe(
      `{"meta":{"vtag":{"resource-id":"rfc-example-network-map","tag":"${nm.vtag}"}},"network-map":{"PID1":{"ipv4":["192.0.2.0/24","198.51.100.0/25"]},"PID2":{"ipv4":["198.51.100.128/25"]},"PID3":{"ipv4":["0.0.0.0/0"],"ipv6":["::/0"]}}}`
    )
    const cm = m['cost-maps']['rfc-example-num-routingcost']
    expect(text(b, cm.json.sha256)).toBe(
      `{"meta":{"dependent-vtags":[{"resource-id":"rfc-example-network-map","tag":"${nm.vtag}"}],"cost-type":{"cost-mode":"numerical","cost-metric":"routingcost"}},"cost-map":{"PID1":{"PID1":1,"PID2":5,"PID3":10},"PID2":{"PID1":5,"PID2":1,"PID3":15},"PID3":{"PID1":20,"PID2":15}}}`
    )
    const ord = JSON.parse(text(b, m['cost-maps']['rfc-example-ord-routingcost'].json.sha256))
    expect(ord['cost-map'].PID1).toEqual({ PID1: 1, PID2: 2, PID3: 3 })
    expect(ord.meta['cost-type']).toEqual({ 'cost-mode': 'ordinal', 'cost-metric': 'routingcost' })
    const prop = m.properties['priv:ietf-example-prop']
    expect(decodeStringTable(ab(b.blobs.get(prop.values.sha256)!))).toEqual(['1'])
    const propV4 = Lpm4.open(ab(b.blobs.get(prop['lpm-v4']!.sha256)!))
    expect(propV4.lookup(parseIPv4('192.0.2.34')!)).toBe(0)
    expect(propV4.lookup(parseIPv4('203.0.113.129')!)).toBe(0x7fff)
    expect(prop['lpm-v6']).toBeNull()
  })

  it('builds the IRD with relative URIs, uses and capabilities', async () => {
    const b = await build(exampleAndInterop())
    const ird = JSON.parse(text(b, b.manifest.ird.sha256))
    expect(ird.meta['default-alto-network-map']).toBe('my-default-network-map')
    expect(ird.meta['cost-types']).toEqual({
      'num-hopcount': { 'cost-mode': 'numerical', 'cost-metric': 'hopcount' },
      'num-routingcost': { 'cost-mode': 'numerical', 'cost-metric': 'routingcost' },
      'ord-routingcost': { 'cost-mode': 'ordinal', 'cost-metric': 'routingcost' },
    })
    const r = ird.resources
    expect(Object.keys(r)[0]).toBe('my-default-network-map')
    expect(r['my-default-network-map']).toEqual({
      uri: '/networkmap/my-default-network-map',
      'media-type': 'application/alto-networkmap+json',
    })
    expect(r['rfc-example-network-map-filtered']).toEqual({
      uri: '/networkmap/rfc-example-network-map/filtered',
      'media-type': 'application/alto-networkmap+json',
      accepts: 'application/alto-networkmapfilter+json',
      uses: ['rfc-example-network-map'],
    })
    expect(r['rfc-example-num-routingcost']).toEqual({
      uri: '/costmap/rfc-example-num-routingcost',
      'media-type': 'application/alto-costmap+json',
      capabilities: { 'cost-type-names': ['num-routingcost'] },
      uses: ['rfc-example-network-map'],
    })
    // RFC 8189 §4.1.1: two cost types over one network map make the service multi-cost aware;
    // every type is testable, so cost-constraints and no testable-cost-type-names (§3.6.5).
    expect(r['rfc-example-network-map-costmap-filtered'].capabilities).toEqual({
      'cost-type-names': ['num-routingcost', 'ord-routingcost'],
      'cost-constraints': true,
      'max-cost-types': 2,
    })
    expect(r['rfc-example-network-map-endpoint-cost']).toEqual({
      uri: '/endpointcost/rfc-example-network-map/lookup',
      'media-type': 'application/alto-endpointcost+json',
      accepts: 'application/alto-endpointcostparams+json',
      capabilities: {
        'cost-type-names': ['num-routingcost', 'ord-routingcost'],
        'cost-constraints': true,
        'max-cost-types': 2,
      },
    })
    expect(r['endpoint-property'].capabilities['prop-types']).toEqual([
      'my-default-network-map.pid',
      'alt-network-map.pid',
      'rfc-example-network-map.pid',
      'priv:ietf-example-prop',
    ])
    for (const id of Object.keys(r)) expect(id).toMatch(/^[0-9A-Za-z\-:@_]{1,64}$/)
  })
})

describe('determinism and content tags', () => {
  it('the same sources built twice give byte-identical blobs, vtags and version', async () => {
    const a = await build(exampleAndInterop())
    // Same content, different source order and text form.
    const reordered = exampleAndInterop()
    reordered['example/network-map.json'] = json({
      'resource-id': 'rfc-example-network-map',
      pids: {
        PID3: { ipv6: ['::0/0'], ipv4: ['0.0.0.0/0'] },
        PID2: { ipv4: ['198.51.100.128/25'] },
        PID1: { ipv4: ['198.51.100.0/25', '192.0.2.0/24'] },
      },
    })
    const b = await build(reordered)
    expect(b.manifest).toEqual(a.manifest)
    expect([...b.blobs.keys()].sort()).toEqual([...a.blobs.keys()].sort())
    for (const [sha, bytes] of a.blobs) expect(b.blobs.get(sha)).toEqual(bytes)
  })

  it('a changed cost changes the cost map tag and version, not the network map vtag', async () => {
    const a = await build(baseFiles())
    const b = await build(editJson(baseFiles(), 'cost.json', (d) => (d.costs.A.B = 7)))
    expect(b.manifest['network-maps'].net.vtag).toBe(a.manifest['network-maps'].net.vtag)
    expect(b.manifest['cost-maps']['net-num-routingcost'].tag).not.toBe(
      a.manifest['cost-maps']['net-num-routingcost'].tag
    )
    expect(b.manifest.properties['priv:region'].tag).toBe(a.manifest.properties['priv:region'].tag)
    expect(b.manifest.version).not.toBe(a.manifest.version)
  })

  it('a changed prefix changes the network map vtag and the dependent cost map tag', async () => {
    const a = await build(baseFiles())
    const b = await build(
      editJson(baseFiles(), 'net.json', (d) => (d.pids.A.ipv4 = ['10.0.0.0/9']))
    )
    expect(b.manifest['network-maps'].net.vtag).not.toBe(a.manifest['network-maps'].net.vtag)
    expect(b.manifest['cost-maps']['net-num-routingcost'].tag).not.toBe(
      a.manifest['cost-maps']['net-num-routingcost'].tag
    )
  })

  it('summarizes the build', async () => {
    const b = await build(baseFiles())
    expect(b.summary.networkMaps).toEqual([
      expect.objectContaining({
        id: 'net',
        pids: 3,
        prefixes: { ipv4: 3, ipv6: 2 },
        vtag: b.manifest['network-maps'].net.vtag,
      }),
    ])
    expect(b.summary.costMaps).toEqual([
      expect.objectContaining({
        id: 'net-num-routingcost',
        pids: 3,
        entries: 5,
        encoding: 'U8',
        matrixBytes: 16 + 8 + 9,
      }),
    ])
    expect(b.summary.blobCount).toBe(b.blobs.size)
    expect(b.summary.totalBlobBytes).toBe([...b.blobs.values()].reduce((n, x) => n + x.length, 0))
  })
})
