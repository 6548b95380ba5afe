import { describe, expect, it } from 'vitest'
import { PathTable } from '../../tables/index.ts'
import { compileMapSet, formatSourceError, type SourceError, type SourceFiles } from '../index.ts'
import { baseFiles, editJson, json } from '../test-fixtures.ts'
import { persistentAneIdProblem } from './path-vector.ts'

/** The base map set (network map `net`: PIDs A, B, D) plus path vector sources. */
function withPaths(...sources: unknown[]): SourceFiles {
  const files = editJson(baseFiles(), 'alto-edge.json', (d) => {
    d['path-vectors'] = sources.map((_, i) => ({ file: `pv${i}.json` }))
  })
  sources.forEach((s, i) => (files[`pv${i}.json`] = json(s)))
  return files
}

/** Adds property map `dc-props` defining the persistent ANEs DC1 and DC2 (RFC 9275 §6.2.4). */
function withDcProps(files: SourceFiles): SourceFiles {
  const out = editJson(files, 'alto-edge.json', (d) => {
    d['property-maps'] = [{ file: 'dc-props.json' }]
  })
  out['dc-props.json'] = json({
    'resource-id': 'dc-props',
    anes: { DC1: { cpu: 8 }, DC2: { '.site': 'b' } },
  })
  return out
}

async function errorsOf(files: SourceFiles): Promise<SourceError[]> {
  const r = await compileMapSet(files)
  if (r.ok) throw new Error('expected errors, compile succeeded')
  return r.errors
}

describe('path vector sources (RFC 9275, docs/path-vector.md)', () => {
  it('RFC 9275 §7.2.6: PID1 → PID2 via ANE1 of 100 Mbit/s, compiled into a PATH_TABLE', async () => {
    // The §7.2.6 example's path and property, on this map set's PIDs (A = PID1, B = PID2).
    const r = await compileMapSet(
      withPaths({
        'network-map': 'net',
        anes: { ANE1: { 'max-reservable-bandwidth': 100000000 } },
        paths: { A: { B: ['ANE1'] } },
      })
    )
    if (!r.ok) throw new Error(JSON.stringify(r.errors))
    const entry = r.build.manifest['path-vectors']!.net
    expect(entry).toMatchObject({ 'ane-count': 1, 'path-count': 1 })
    const table = PathTable.open(r.build.blobs.get(entry.table.sha256)!)
    // PIDs in index order: A, B, D.
    expect([...table.path(0, 1)!]).toEqual([0])
    expect(table.ane(0)).toEqual({ name: 'ANE1', maxReservableBandwidth: 100000000 })
    expect(table.path(1, 0)).toBeNull() // no path given: no cost defined for the pair
    // The IRD announces it (RFC 9275 §7.2.4, §8.2): the path-vector cost type and the
    // multipart services of the network map (served by src/worker/routes/path-vector.ts).
    const ird = JSON.parse(
      new TextDecoder().decode(r.build.blobs.get(r.build.manifest.ird.sha256))
    ) as { meta: { 'cost-types': Record<string, unknown> }; resources: Record<string, unknown> }
    expect(ird.meta['cost-types']['path-vector']).toEqual({
      'cost-mode': 'array',
      'cost-metric': 'ane-path',
    })
    expect(Object.keys(ird.resources)).toEqual(
      expect.arrayContaining(['net-costmap-pv', 'net-endpoint-cost-pv'])
    )
  })

  it('RFC 9275 §6.4.2 persistent ANEs, empty paths, several ANEs in traversal order', async () => {
    const r = await compileMapSet(
      withDcProps(
        withPaths({
          'network-map': 'net',
          anes: {
            NET1: { 'persistent-entity-id': 'dc-props.ane:DC1' },
            L1: { 'max-reservable-bandwidth': 50000000 },
            AGGR1: {},
          },
          paths: { A: { A: [], B: ['NET1', 'L1'], D: ['AGGR1'] }, B: { A: ['L1', 'NET1'] } },
        })
      )
    )
    if (!r.ok) throw new Error(JSON.stringify(r.errors))
    const entry = r.build.manifest['path-vectors']!.net
    // §7.2.5 / §7.3.5: the defining property map of the persistent ANEs is recorded for `uses`.
    expect(entry['persistent-maps']).toEqual(['dc-props'])
    const table = PathTable.open(r.build.blobs.get(entry.table.sha256)!)
    const names = (s: number, d: number) => [...table.path(s, d)!].map((i) => table.ane(i).name)
    expect(table.path(0, 0)!.length).toBe(0)
    expect(names(0, 1)).toEqual(['NET1', 'L1'])
    expect(names(1, 0)).toEqual(['L1', 'NET1'])
    expect(names(0, 2)).toEqual(['AGGR1'])
    expect(table.ane(0)).toEqual({ name: 'NET1', persistentEntityId: 'dc-props.ane:DC1' })
    expect(table.ane(2)).toEqual({ name: 'AGGR1' })
    // The tag follows the network map: moving a prefix changes it, the paths being equal.
    const moved = editJson(
      withPaths({ 'network-map': 'net', anes: { X: {} }, paths: { A: { B: ['X'] } } }),
      'net.json',
      (d) => d.pids.A.ipv4.push('192.0.2.0/24')
    )
    const base = withPaths({ 'network-map': 'net', anes: { X: {} }, paths: { A: { B: ['X'] } } })
    const [r1, r2] = await Promise.all([compileMapSet(base), compileMapSet(moved)])
    if (!r1.ok || !r2.ok) throw new Error('does not compile')
    expect(r1.build.manifest['path-vectors']!.net.tag).not.toBe(
      r2.build.manifest['path-vectors']!.net.tag
    )
  })

  it('RFC 9275 §6.2.4 / §6.4.2: a persistent-entity-id must name an ANE its property map defines (under "anes")', async () => {
    const errors = await errorsOf(
      withDcProps(
        withPaths({
          'network-map': 'net',
          anes: {
            N1: { 'persistent-entity-id': 'dc-props.ane:DC1' },
            N2: { 'persistent-entity-id': 'dc-props.ane:DC9' },
            N3: { 'persistent-entity-id': 'other-props.ane:DC1' },
          },
          paths: { A: { B: ['N1', 'N2', 'N3'] } },
        })
      )
    )
    expect(errors.map((e) => [e.file, e.path, e.value, e.message])).toEqual([
      [
        'pv0.json',
        'anes.N2.persistent-entity-id',
        'dc-props.ane:DC9',
        'property map dc-props defines no ANE DC9 under "anes"',
      ],
      [
        'pv0.json',
        'anes.N3.persistent-entity-id',
        'other-props.ane:DC1',
        'no property map other-props in this map set (RFC 9275 §6.2.4)',
      ],
    ])
  })

  it('without persistent ANEs no persistent-maps is recorded (persistent-entity-id is then not offered)', async () => {
    const r = await compileMapSet(
      withPaths({ 'network-map': 'net', anes: { X: {} }, paths: { A: { B: ['X'] } } })
    )
    if (!r.ok) throw new Error(JSON.stringify(r.errors))
    expect('persistent-maps' in r.build.manifest['path-vectors']!.net).toBe(false)
  })

  it('compact form: PID classes, a path per class pair, self-paths per class; explicit paths take precedence', async () => {
    // PIDs in index order: A, B, D. Class x = {A, B}, class y = {D}.
    const r = await compileMapSet(
      withPaths({
        'network-map': 'net',
        anes: { ax: {}, rx: {}, ay: {}, link: { 'max-reservable-bandwidth': 5 } },
        classes: { x: ['A', 'B'], y: ['D'] },
        'class-paths': { x: { x: ['ax', 'rx'], y: ['ax', 'link', 'ay'] }, y: { x: [] } },
        'self-paths': { x: ['ax'] },
        paths: { B: { D: ['rx'] } },
      })
    )
    if (!r.ok) throw new Error(JSON.stringify(r.errors))
    const entry = r.build.manifest['path-vectors']!.net
    const table = PathTable.open(r.build.blobs.get(entry.table.sha256)!)
    const names = (s: number, d: number) => {
      const p = table.path(s, d)
      return p === null ? null : [...p].map((i) => table.ane(i).name)
    }
    expect(names(0, 0)).toEqual(['ax']) // self-path of class x
    expect(names(0, 1)).toEqual(['ax', 'rx']) // x → x
    expect(names(0, 2)).toEqual(['ax', 'link', 'ay']) // x → y
    expect(names(1, 2)).toEqual(['rx']) // explicit pair wins
    expect(names(2, 0)).toEqual([]) // y → x: an empty path
    expect(names(2, 2)).toBeNull() // y → y: no rule, no path
    expect(entry['path-count']).toBe(5)
  })

  it('compact form errors: bad or unknown classes, a PID in two classes, unknown PIDs, bad class paths', async () => {
    const errors = await errorsOf(
      withPaths({
        'network-map': 'net',
        anes: { a: {} },
        classes: { x: ['A', 'Z'], 'bad.name': ['B'], y: ['A'] },
        'class-paths': { x: { q: ['a'], x: ['nope'] }, w: {} },
        'self-paths': { x: 'a', v: [] },
      })
    )
    expect(errors.map((e) => [e.path, e.message]).sort()).toEqual(
      [
        ['classes.x[1]', 'no PID Z in network map net'],
        ['classes["bad.name"]', expect.stringMatching(/^class name: /)],
        ['classes.y[0]', 'PID A is already in class x'],
        ['class-paths.x.q', 'not a class defined under "classes"'],
        ['class-paths.x.x[0]', 'not an ANE defined under "anes"'],
        ['class-paths.w', 'not a class defined under "classes"'],
        ['self-paths.x', expect.stringMatching(/list of ANE names/)],
        ['self-paths.v', 'not a class defined under "classes"'],
      ].sort()
    )
  })

  it('every source error, each at its path (with the JSON line)', async () => {
    const errors = await errorsOf(
      withPaths({
        'network-map': 'net',
        anes: {
          'bad.name': {},
          L1: { 'max-reservable-bandwidth': -1 },
          L2: { 'max-reservable-bandwidth': '1e9' },
          L3: { 'persistent-entity-id': 'L3' },
          L4: { 'persistent-entity-id': 7 },
        },
        paths: { A: { B: ['L9'], Z: ['L1'], D: 'L1' }, Y: { A: [] } },
      })
    )
    const at = (path: string) => errors.find((e) => e.path === path)
    expect(errors.map((e) => e.path).sort()).toEqual(
      [
        'anes["bad.name"]',
        'anes.L1.max-reservable-bandwidth',
        'anes.L2.max-reservable-bandwidth',
        'anes.L3.persistent-entity-id',
        'anes.L4.persistent-entity-id',
        'paths.A.B[0]',
        'paths.A.Z',
        'paths.A.D',
        'paths.Y',
      ].sort()
    )
    expect(at('anes["bad.name"]')?.message).toMatch(/RFC 9275 §6\.1/)
    expect(at('anes.L1.max-reservable-bandwidth')?.message).toMatch(/>= 0, in bits per second/)
    expect(at('paths.A.B[0]')).toMatchObject({
      value: 'L9',
      message: 'not an ANE defined under "anes"',
    })
    expect(at('paths.A.Z')?.message).toBe('no PID Z in network map net')
    expect(at('paths.A.D')?.message).toMatch(/list of ANE names/)
    expect(formatSourceError(at('anes.L3.persistent-entity-id')!)).toMatch(
      /^pv0\.json:12 anes\.L3\.persistent-entity-id: a persistent-entity-id is <property-map-id>\.ane:<ANE name>/
    )
  })

  it('RFC 9275 §9.4 calendar: a second PATH_TABLE of N paths per pair (pairs not listed keep their path in every interval), its timing in the manifest and in the tag', async () => {
    const source = {
      'network-map': 'net',
      anes: {
        L1: { 'max-reservable-bandwidth': 10000000000 },
        'L1-maintenance': { 'max-reservable-bandwidth': 1000000000 },
        L2: {},
      },
      paths: { A: { B: ['L1'], D: ['L2'] }, B: { A: ['L1'] } },
      calendar: {
        'time-interval-size': 3600,
        'number-of-intervals': 3,
        anchor: '2026-01-05T00:00:00+01:00',
        paths: { A: { B: [['L1-maintenance'], ['L1'], null] }, D: { D: [[], null, ['L2']] } },
      },
    }
    const r = await compileMapSet(withPaths(source))
    if (!r.ok) throw new Error(JSON.stringify(r.errors))
    const entry = r.build.manifest['path-vectors']!.net
    expect(entry.calendar).toMatchObject({
      'number-of-intervals': 3,
      'time-interval-size': 3600,
      anchor: '2026-01-04T23:00:00.000Z',
    })
    expect(entry.calendar).not.toHaveProperty('repeated')
    const table = PathTable.open(r.build.blobs.get(entry.table.sha256)!)
    const cal = PathTable.open(r.build.blobs.get(entry.calendar!.table.sha256)!)
    expect(table.intervals).toBe(1)
    expect(cal.intervals).toBe(3)
    const at = (s: number, d: number) =>
      [0, 1, 2].map((k) => {
        const p = cal.path(s, d, k)
        return p === null ? null : [...p].map((i) => cal.ane(i).name)
      })
    // PIDs in index order: A, B, D.
    expect(at(0, 1)).toEqual([['L1-maintenance'], ['L1'], null])
    expect(at(0, 2)).toEqual([['L2'], ['L2'], ['L2']]) // not listed: its path in every interval
    expect(at(1, 0)).toEqual([['L1'], ['L1'], ['L1']])
    expect(at(2, 2)).toEqual([[], null, ['L2']])
    expect(at(1, 1)).toEqual([null, null, null])
    // The single current value stays the plain path (RFC 8896 §3.3).
    expect([...table.path(0, 1)!]).toEqual([0])
    // Retiming the calendar changes the tag (clients see a new vtag), the plain table does not.
    const retimed = await compileMapSet(
      withPaths({ ...source, calendar: { ...source.calendar, 'time-interval-size': 1800 } })
    )
    if (!retimed.ok) throw new Error(JSON.stringify(retimed.errors))
    const other = retimed.build.manifest['path-vectors']!.net
    expect(other.tag).not.toBe(entry.tag)
    expect(other.table.sha256).toBe(entry.table.sha256)
  })

  it('§9.4 calendar errors: timing as for cost calendars, unknown PIDs, a wrong number of paths, unknown ANEs — each at its path', async () => {
    const errors = await errorsOf(
      withPaths({
        'network-map': 'net',
        anes: { L1: {} },
        paths: { A: { B: ['L1'] } },
        calendar: {
          'time-interval-size': 0,
          'number-of-intervals': 2.5,
          anchor: 'yesterday',
          repeated: 0,
          paths: {},
        },
      })
    )
    expect(errors.map((e) => e.path).sort()).toEqual(
      [
        'calendar.anchor',
        'calendar.number-of-intervals',
        'calendar.repeated',
        'calendar.time-interval-size',
      ].sort()
    )
    const more = await errorsOf(
      withPaths({
        'network-map': 'net',
        anes: { L1: {} },
        paths: {},
        calendar: {
          'time-interval-size': 60,
          'number-of-intervals': 2,
          anchor: '2026-01-05T00:00:00Z',
          paths: {
            Z: { A: [['L1'], ['L1']] },
            A: { Y: [['L1'], ['L1']], B: [['L1']], D: 'L1', A: [['L9'], 'L1'] },
          },
        },
      })
    )
    const at = (path: string) => more.find((e) => e.path === path)
    expect(more.map((e) => e.path).sort()).toEqual(
      [
        'calendar.paths.Z',
        'calendar.paths.A.Y',
        'calendar.paths.A.B',
        'calendar.paths.A.D',
        'calendar.paths.A.A[0][0]',
        'calendar.paths.A.A[1]',
      ].sort()
    )
    expect(at('calendar.paths.A.B')?.message).toMatch(/array of 2 paths, one per interval/)
    expect(at('calendar.paths.A.A[0][0]')?.message).toBe('not an ANE defined under "anes"')
  })

  it('an unknown network map, and two sources for one network map', async () => {
    expect(await errorsOf(withPaths({ 'network-map': 'nope', anes: {}, paths: {} }))).toEqual([
      expect.objectContaining({ file: 'pv0.json', path: 'network-map', value: 'nope' }),
    ])
    const twice = { 'network-map': 'net', anes: {}, paths: {} }
    expect(await errorsOf(withPaths(twice, twice))).toEqual([
      expect.objectContaining({
        file: 'pv1.json',
        message: 'network map net already has path vectors in pv0.json',
      }),
    ])
  })

  it('persistent ANE ids: <property-map>.ane:<ANE name> (RFC 9275 §6.4.2 example ids)', () => {
    expect(persistentAneIdProblem('dc-props.ane:DC1')).toBeNull()
    expect(persistentAneIdProblem('ane-props.ane:MEC1')).toBeNull()
    expect(persistentAneIdProblem('.ane:NET1')).toMatch(/property map id/)
    expect(persistentAneIdProblem('props.pid:X')).toMatch(/<property-map-id>\.ane:/)
    expect(persistentAneIdProblem('props.ane:a.b')).toMatch(/ANE name/)
  })

  it('a map set without path vector sources has no path-vectors member', async () => {
    const r = await compileMapSet(baseFiles())
    if (!r.ok) throw new Error('base does not compile')
    expect(r.build.manifest).not.toHaveProperty('path-vectors')
  })
})

describe('alto-edge diff with path vectors', () => {
  it('lists a network map whose path vectors changed, by tag', async () => {
    const { diffBuild } = await import('../index.ts')
    const pv = (ane: string) => ({
      'network-map': 'net',
      anes: { [ane]: {} },
      paths: { A: { B: [ane] } },
    })
    const [a, b] = await Promise.all([
      compileMapSet(withPaths(pv('X'))),
      compileMapSet(withPaths(pv('Y'))),
    ])
    if (!a.ok || !b.ok) throw new Error('does not compile')
    expect(
      diffBuild(b.build, a.build.manifest).resources.find((r) => r.kind === 'path-vector')
    ).toMatchObject({
      id: 'net',
      change: 'changed',
    })
  })
})

describe('the shipped map set', () => {
  it('maps/example/path-vectors.json: RFC 9275 §7.2.6, PID1 → PID2 through ANE1 of 100 Mbit/s', async () => {
    const { join } = await import('node:path')
    const { readMapSet } = await import('../../cli/read-map-set.ts')
    const maps = join(import.meta.dirname, '..', '..', '..', 'maps')
    const r = await compileMapSet(await readMapSet(maps, { skipOptional: true }))
    if (!r.ok) throw new Error(JSON.stringify(r.errors))
    const entry = r.build.manifest['path-vectors']!['rfc-example-network-map']
    const table = PathTable.open(r.build.blobs.get(entry.table.sha256)!)
    // PID index order: PID1, PID2, PID3.
    expect([...table.path(0, 1)!].map((i) => table.ane(i))).toEqual([
      { name: 'ANE1', maxReservableBandwidth: 100000000 },
    ])
    expect(table.path(1, 0)).toBeNull()
  })
})
