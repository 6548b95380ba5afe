import { describe, expect, it } from 'vitest'
import { compileMapSet, validateMapSet, type SourceError, type SourceFiles } from '../index.ts'
import { baseFiles, json } from '../test-fixtures.ts'

/** The base map set plus property map `pm` (pm.json and, when given, pm.csv / pids.csv). */
function withPropertyMap(pm: unknown, csv: Record<string, string> = {}): SourceFiles {
  const files = baseFiles()
  const config = JSON.parse(files['alto-edge.json'])
  config['property-maps'] = [{ file: 'pm.json' }]
  return { ...files, 'alto-edge.json': json(config), 'pm.json': json(pm), ...csv }
}

async function errorsOf(files: SourceFiles): Promise<SourceError[]> {
  const r = await compileMapSet(files)
  if (r.ok) throw new Error('expected errors, compile succeeded')
  expect(validateMapSet(files).errors).toEqual(r.errors)
  return r.errors
}

describe('RFC 9240 property map sources', () => {
  it('compiles prefixes (JSON and CSV, addresses as full-length prefixes) and PIDs', async () => {
    const r = await compileMapSet(
      withPropertyMap(
        {
          'resource-id': 'pm',
          prefixes: {
            '10.0.0.0/8': { '.asn': '64500', '.country': null },
            '10.1.2.3': { '.asn': '1' },
          },
          'prefix-csv': ['pm.csv'],
          pids: { net: { A: { '.region': 'eu' } } },
          'pid-csv': ['pids.csv'],
        },
        {
          'pm.csv': 'prefix,property,value\n2001:db8::/32,.asn,64501\n',
          'pids.csv': 'network-map,pid,property,value\nnet,B,.region,us, west\n',
        }
      )
    )
    if (!r.ok) throw new Error(JSON.stringify(r.errors))
    const pm = r.build.manifest['property-maps']!.pm
    expect(pm.properties).toEqual(['.asn', '.country', '.region'])
    expect(pm.mappings).toEqual({
      ipv4: ['.asn', '.country'],
      ipv6: ['.asn', '.country'],
      'net.pid': ['.region'],
    })
    expect(pm.uses).toEqual(['net'])
    const body = JSON.parse(new TextDecoder().decode(r.build.blobs.get(pm.json.sha256)))
    expect(body['property-map']).toEqual({
      'ipv4:10.0.0.0/8': { '.asn': '64500', '.country': null },
      'ipv4:10.1.2.3': { '.asn': '1' },
      'ipv6:2001:db8::/32': { '.asn': '64501' },
      'net.pid:A': { '.region': 'eu' },
      'net.pid:B': { '.region': 'us, west' },
    })
    expect(r.build.summary.propertyMaps[0]).toMatchObject({ id: 'pm', values: 6, pids: 2 })
  })

  it('a map set without property maps has no property-maps key (its version is unchanged)', async () => {
    const r = await compileMapSet(baseFiles())
    if (!r.ok) throw new Error('compile failed')
    expect('property-maps' in r.build.manifest).toBe(false)
  })

  it('reports every problem as file, line, path and value', async () => {
    const errors = await errorsOf(
      withPropertyMap(
        {
          'resource-id': 'pm',
          prefixes: {
            '10.0.0.1/8': { '.asn': '1' },
            '10.0.0.0/8': { 'x.asn': '1', '.n': 7, 'priv:': 'a' },
          },
          'prefix-csv': ['pm.csv'],
          pids: { nope: { A: { '.r': 'x' } }, net: { Z: { '.r': 'x' } } },
        },
        {
          'pm.csv':
            'prefix,property,value\n10.0.0.0/33,.asn,1\n10.2.0.0/16,.asn,1\n10.2.0.0/16,.asn,2\n',
        }
      )
    )
    const brief = errors.map((e) => [e.file, e.line, e.path, e.value, e.message])
    const at = (file: string, path: string) =>
      brief.filter((e) => e[0] === file && e[2] === path).map((e) => [e[3], e[4]])
    expect(at('pm.json', 'prefixes["10.0.0.1/8"]')[0][1]).toMatch(/host bits not zero/)
    expect(at('pm.json', 'prefixes["10.0.0.0/8"]["x.asn"]')[0][1]).toMatch(/resource-specific/)
    expect(at('pm.json', 'prefixes["10.0.0.0/8"][".n"]')[0][1]).toMatch(/strings or null/)
    expect(at('pm.json', 'prefixes["10.0.0.0/8"]["priv:"]')[0][1]).toMatch(/needs a suffix/)
    expect(at('pm.json', 'pids.nope')[0]).toEqual([
      'nope',
      'network map is not defined in this map set',
    ])
    expect(at('pm.json', 'pids.net.Z')[0]).toEqual(['Z', 'PID is not defined in network map net'])
    const csv = errors.filter((e) => e.file === 'pm.csv')
    expect(csv.map((e) => [e.line, e.path])).toEqual([
      [2, 'prefix'],
      [4, 'property'],
    ])
    expect(csv[1].message).toMatch(/\.asn of 10\.2\.0\.0\/16 is defined twice \(first at pm\.csv:3/)
    for (const e of errors.filter((x) => x.file === 'pm.json'))
      expect(e.line, e.path).toBeTypeOf('number')
  })

  it('a prefix CSV read in place (plain lines) and the generic way (spaces) gives the same map and errors', async () => {
    const rows = [
      ['10.0.0.0/8', '.asn', '64500'],
      ['10.0.0.0/8', '.country', 'NL'],
      ['10.1.0.0/16', '.asn', '64501, 64502'], // the last field takes the rest of the line
      ['2001:db8::/32', '.asn', '64503'],
      ['10.1.0.0/16', '.country', '"quoted"'],
    ]
    const plainCsv = ['prefix,property,value', ...rows.map((r) => r.join(','))].join('\n')
    const spaced = ['prefix,property,value', ...rows.map((r) => ` ${r[0]} , ${r[1]} ,${r[2]} `)]
    const pm = { 'resource-id': 'pm', 'prefix-csv': ['pm.csv'] }
    const compiled = async (csv: string) => {
      const r = await compileMapSet(withPropertyMap(pm, { 'pm.csv': csv }))
      if (!r.ok) throw new Error(JSON.stringify(r.errors))
      const entry = r.build.manifest['property-maps']!.pm
      return new TextDecoder().decode(r.build.blobs.get(entry.json.sha256))
    }
    const fast = await compiled(plainCsv)
    expect(JSON.parse(fast)['property-map']['ipv4:10.1.0.0/16']).toEqual({
      '.asn': '64501, 64502',
      '.country': '"quoted"',
    })
    expect(await compiled(spaced.join('\n'))).toBe(fast)
    // A value defined twice: the second definition is reported at its line, whichever reader
    // read either line, and the first one is named.
    for (const second of ['10.0.0.0/8,.asn,1', ' 10.0.0.0/8,.asn,1']) {
      const errors = await errorsOf(
        withPropertyMap(pm, { 'pm.csv': `${plainCsv}\n#c\n\n${second}\n10.0.0.0/99,.asn,1\n` })
      )
      expect(errors.map((e) => [e.file, e.line, e.path])).toEqual([
        ['pm.csv', 9, 'property'],
        ['pm.csv', 10, 'prefix'],
      ])
      expect(errors[0].message).toMatch(
        /\.asn of 10\.0\.0\.0\/8 is defined twice \(first at pm\.csv:2/
      )
    }
  })

  it('RFC 9275 §6.2.4: the .ane domain of persistent ANEs — mappings, full map, and its source errors', async () => {
    const r = await compileMapSet(
      withPropertyMap({
        'resource-id': 'pm',
        anes: { MEC2: { cpu: 32, '.site': 'b' }, MEC1: { cpu: 16, '.site': null } },
      })
    )
    if (!r.ok) throw new Error(JSON.stringify(r.errors))
    const entry = r.build.manifest['property-maps']!.pm
    // RFC 9240 §7.4 / RFC 9275 §8.2: the self-defined domain `.ane` and its properties.
    expect(entry.mappings).toEqual({ '.ane': ['.site', 'cpu'] })
    expect(entry.uses).toEqual([])
    const full = JSON.parse(new TextDecoder().decode(r.build.blobs.get(entry.json.sha256)))
    expect(full).toEqual({
      meta: {},
      'property-map': {
        '.ane:MEC1': { '.site': null, cpu: 16 },
        '.ane:MEC2': { '.site': 'b', cpu: 32 },
      },
    })
    const errors = await errorsOf(
      withPropertyMap({
        'resource-id': 'pm',
        anes: { 'bad.name': { cpu: 1 }, E1: {}, E2: { cpu: [1] }, E3: { 'x.cpu': 1 } },
      })
    )
    expect(errors.map((e) => [e.path, e.message])).toEqual([
      ['anes["bad.name"]', expect.stringMatching(/ANE name: .*RFC 9275 §6\.1/)],
      ['anes.E1', 'an ANE entity needs at least one property'],
      ['anes.E2.cpu', expect.stringMatching(/strings, finite numbers or null/)],
      ['anes.E2', 'an ANE entity needs at least one property'],
      ['anes.E3["x.cpu"]', expect.stringMatching(/resource-specific/)],
      ['anes.E3', 'an ANE entity needs at least one property'],
    ])
  })

  it('refuses a property map without any property (RFC 9240 §7.4: EntityPropertyName<1..*>)', async () => {
    const errors = await errorsOf(withPropertyMap({ 'resource-id': 'pm', prefixes: {} }))
    expect(errors.map((e) => [e.file, e.path, e.message])).toEqual([
      ['pm.json', 'resource-id', 'property map defines no property on any entity'],
    ])
  })

  it('claims the resource id and its filtered form', async () => {
    const one = { prefixes: { '10.0.0.0/8': { '.a': 'x' } } }
    const errors = await errorsOf(withPropertyMap({ 'resource-id': 'net', ...one }))
    expect(errors.map((e) => e.value)).toContain('net')
    const filtered = await errorsOf(withPropertyMap({ 'resource-id': 'net-costmap', ...one }))
    expect(filtered.map((e) => e.value)).toContain('net-costmap-filtered')
  })
})
