/**
 * @module RFC 9275 path vector sources (docs/path-vector.md) → the ANE table and the path of
 * every PID pair of one network map, ready for a PATH_TABLE (src/tables/paths.ts). Checks: the
 * network map and every PID exist; ANE names have ANEName syntax (RFC 9275 §6.1: PIDName syntax,
 * RFC 7285 §10.1); `max-reservable-bandwidth` is a number >= 0 in bps (§6.4.1);
 * `persistent-entity-id` is an entity id in some property map's `ane` domain (§6.4.2:
 * `<resource-id>.ane:<ANEName>`); every path names defined ANEs.
 */
import type { z } from 'zod'
import { pidNameProblem, resourceIdProblem } from '../../alto/identifiers.ts'
import { MAX_PATH_PAIRS } from '../../tables/index.ts'
import { Diagnostics, joinPath, type Origin } from '../source-error.ts'
import type { EntrySource } from './config-entries.ts'
import { checkSchema } from './json.ts'
import { checkCalendarTiming } from './calendar.ts'
import type { NetworkMapSource, PathCalendarSource, PathVectorSource } from './model.ts'
import { pathVectorSchema, type PropertyEntry } from './schema.ts'

type PathVectorSchema = z.infer<typeof pathVectorSchema>

/** Why `id` is not a persistent ANE entity id (`<property-map>.ane:<ANEName>`), or null. */
export function persistentAneIdProblem(id: string): string | null {
  const m = /^(.*)\.ane:(.*)$/.exec(id)
  if (!m)
    return 'a persistent-entity-id is <property-map-id>.ane:<ANE name> (RFC 9275 §6.4.2), e.g. dc-props.ane:DC1'
  const rid = resourceIdProblem(m[1])
  if (rid) return `its property map id: ${rid}`
  const name = pidNameProblem(m[2])
  return name ? `its ANE name: ${name}` : null
}

/** Reads one config entry's path vectors; reports every problem of the file. */
export function loadPathVector(
  diag: Diagnostics,
  { file, data }: EntrySource<PropertyEntry>,
  networkMaps: ReadonlyMap<string, NetworkMapSource>,
  someNetworkMapFailed: boolean
): PathVectorSource | undefined {
  const src = checkSchema(diag, file, pathVectorSchema, data)
  if (!src) return undefined
  const errorsBefore = diag.errors.length
  const origin: Origin = { file, path: 'network-map' }
  const nm = networkMaps.get(src['network-map'])
  if (!nm) {
    if (!someNetworkMapFailed)
      diag.error(origin, 'network map is not defined in this map set', src['network-map'])
    return undefined
  }
  const n = nm.pidNames.length
  if (n * n > MAX_PATH_PAIRS) {
    diag.error(origin, `path vectors over ${n} PIDs need ${n * n} pairs; at most ${MAX_PATH_PAIRS}`)
    return undefined
  }
  const anes: PathVectorSource['anes'] = []
  const aneIndex = new Map<string, number>()
  for (const [name, props] of Object.entries(src.anes)) {
    const at = (...segments: string[]): Origin => ({
      file,
      path: joinPath(['anes', name, ...segments]),
    })
    const problem = pidNameProblem(name)
    if (problem) diag.error(at(), `ANE name: ${problem} (RFC 9275 §6.1)`, name)
    const ane: PathVectorSource['anes'][number] = { name }
    const bw = props['max-reservable-bandwidth']
    if (bw !== undefined) {
      if (typeof bw !== 'number' || !Number.isFinite(bw) || bw < 0)
        diag.error(
          at('max-reservable-bandwidth'),
          'max-reservable-bandwidth is a number >= 0, in bits per second (RFC 9275 §6.4.1)',
          bw
        )
      else ane.maxReservableBandwidth = bw
    }
    const pid = props['persistent-entity-id']
    if (pid !== undefined) {
      const p = typeof pid === 'string' ? persistentAneIdProblem(pid) : 'must be a string'
      if (p) diag.error(at('persistent-entity-id'), p, pid)
      else ane.persistentEntityId = pid as string
    }
    aneIndex.set(name, anes.length)
    anes.push(ane)
  }
  /** A path (a list of defined ANE names) as ANE indices; undefined after reporting. */
  const readPath = (list: unknown, at: (string | number)[]): number[] | undefined => {
    if (!Array.isArray(list)) {
      diag.error(
        { file, path: joinPath(at) },
        'a path is a list of ANE names, in traversal order (RFC 9275 §6.5)',
        list
      )
      return undefined
    }
    const path: number[] = []
    let ok = true
    list.forEach((ane, k) => {
      const i = typeof ane === 'string' ? aneIndex.get(ane) : undefined
      if (i === undefined) {
        diag.error({ file, path: joinPath([...at, k]) }, 'not an ANE defined under "anes"', ane)
        ok = false
      } else path.push(i)
    })
    return ok ? path : undefined
  }

  // The compact form: PID classes, the path of each (source class, destination class) pair and,
  // per class, the path of a PID to itself. One path object per class pair, shared by its pairs.
  const classOf = new Int32Array(n).fill(-1)
  const classIndex = new Map<string, number>()
  for (const [cls, members] of Object.entries(src.classes ?? {})) {
    const at = ['classes', cls]
    const problem = pidNameProblem(cls)
    if (problem) diag.error({ file, path: joinPath(at) }, `class name: ${problem}`, cls)
    const c = classIndex.size
    classIndex.set(cls, c)
    members.forEach((pid, k) => {
      const where: Origin = { file, path: joinPath([...at, k]) }
      const p = nm.pidIndex.get(pid)
      if (p === undefined) diag.error(where, `no PID ${pid} in network map ${nm.id}`, pid)
      else if (classOf[p] >= 0)
        diag.error(
          where,
          `PID ${pid} is already in class ${[...classIndex.keys()][classOf[p]]}`,
          pid
        )
      else classOf[p] = c
    })
  }
  const classCount = classIndex.size
  const classPath: (number[] | undefined)[] = new Array(classCount * classCount)
  const selfPath: (number[] | undefined)[] = new Array(classCount)
  const classAt = (cls: string, at: (string | number)[]): number | undefined => {
    const c = classIndex.get(cls)
    if (c === undefined)
      diag.error({ file, path: joinPath(at) }, 'not a class defined under "classes"', cls)
    return c
  }
  for (const [a, row] of Object.entries(src['class-paths'] ?? {})) {
    const ca = classAt(a, ['class-paths', a])
    for (const [b, list] of Object.entries(row)) {
      const cb = classAt(b, ['class-paths', a, b])
      const path = readPath(list, ['class-paths', a, b])
      if (ca !== undefined && cb !== undefined) classPath[ca * classCount + cb] = path
    }
  }
  for (const [a, list] of Object.entries(src['self-paths'] ?? {})) {
    const ca = classAt(a, ['self-paths', a])
    const path = readPath(list, ['self-paths', a])
    if (ca !== undefined) selfPath[ca] = path
  }

  const paths: (number[] | null)[] = new Array<number[] | null>(n * n).fill(null)
  if (classCount > 0) {
    for (let s = 0; s < n; s++) {
      const cs = classOf[s]
      if (cs < 0) continue
      for (let d = 0; d < n; d++) {
        const cd = classOf[d]
        if (cd < 0) continue
        const path = (s === d ? selfPath[cs] : undefined) ?? classPath[cs * classCount + cd]
        if (path !== undefined) paths[s * n + d] = path
      }
    }
  }
  // Explicit pairs, which take precedence over the class rules.
  for (const [srcPid, row] of Object.entries(src.paths ?? {})) {
    const s = nm.pidIndex.get(srcPid)
    if (s === undefined) {
      diag.error(
        { file, path: joinPath(['paths', srcPid]) },
        `no PID ${srcPid} in network map ${nm.id}`,
        srcPid
      )
      continue
    }
    for (const [dstPid, list] of Object.entries(row)) {
      const at: Origin = { file, path: joinPath(['paths', srcPid, dstPid]) }
      const d = nm.pidIndex.get(dstPid)
      if (d === undefined) {
        diag.error(at, `no PID ${dstPid} in network map ${nm.id}`, dstPid)
        continue
      }
      const path = readPath(list, ['paths', srcPid, dstPid])
      if (path !== undefined) paths[s * n + d] = path
    }
  }
  let entries = 0
  for (const p of paths) if (p !== null) entries++
  const calendar = src.calendar && readCalendar(src.calendar)
  if (diag.errors.length > errorsBefore) return undefined
  return {
    file,
    origin,
    networkMap: nm.id,
    anes,
    paths,
    n,
    entries,
    ...(calendar ? { calendar } : {}),
  }

  /**
   * RFC 9275 §9.4: "the k-th Path Vector refers to the abstract network paths traversed in the
   * k-th time interval". Every pair keeps its path (above) in every interval unless
   * `calendar.paths` gives its N paths (null: none in that interval). An ANE whose properties
   * change over time is written as one ANE per set of values (§9.4: "it MUST be treated as two
   * different ANEs"), so each interval's path names the ANE with that interval's properties.
   */
  function readCalendar(
    cal: NonNullable<PathVectorSchema['calendar']>
  ): PathCalendarSource | undefined {
    const timing = checkCalendarTiming(diag, file, cal, ['calendar'])
    if (!timing) return undefined
    const N = timing.intervals
    if (n * n * N > MAX_PATH_PAIRS) {
      diag.error(
        { file, path: 'calendar.number-of-intervals' },
        `a path calendar of ${N} intervals over ${n} PIDs needs ${n * n * N} pair intervals; at most ${MAX_PATH_PAIRS}`,
        N
      )
      return undefined
    }
    const out = new Array<number[] | null>(n * n * N)
    for (let pair = 0; pair < n * n; pair++) out.fill(paths[pair], pair * N, (pair + 1) * N)
    for (const [srcPid, row] of Object.entries(cal.paths)) {
      const s = nm!.pidIndex.get(srcPid)
      if (s === undefined) {
        diag.error(
          { file, path: joinPath(['calendar', 'paths', srcPid]) },
          `no PID ${srcPid} in network map ${nm!.id}`,
          srcPid
        )
        continue
      }
      for (const [dstPid, list] of Object.entries(row)) {
        const at = ['calendar', 'paths', srcPid, dstPid]
        const d = nm!.pidIndex.get(dstPid)
        if (d === undefined) {
          diag.error(
            { file, path: joinPath(at) },
            `no PID ${dstPid} in network map ${nm!.id}`,
            dstPid
          )
          continue
        }
        if (!Array.isArray(list) || list.length !== N) {
          diag.error(
            { file, path: joinPath(at) },
            `must be an array of ${N} paths, one per interval (null: no path in that interval)`,
            Array.isArray(list) ? `${list.length} entries` : list
          )
          continue
        }
        const base = (s * n + d) * N
        list.forEach((entry, k) => {
          if (entry === null) out[base + k] = null
          else {
            const path = readPath(entry, [...at, k])
            if (path !== undefined) out[base + k] = path
          }
        })
      }
    }
    return { ...timing, paths: out }
  }
}
