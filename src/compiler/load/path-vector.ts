/**
 * @module RFC 9275 path vector sources (docs/path-vector.md) → the ANE table and the path of
 * every PID pair of one network map, ready for a PATH_TABLE (src/tables/paths.ts). Checks: the
 * network map and every PID exist; ANE names have ANEName syntax (RFC 9275 §6.1: PIDName syntax,
 * RFC 7285 §10.1); `max-reservable-bandwidth` is a number >= 0 in bps (§6.4.1);
 * `persistent-entity-id` is an entity id in some property map's `ane` domain (§6.4.2:
 * `<resource-id>.ane:<ANEName>`); every path names defined ANEs.
 */
import { pidNameProblem, resourceIdProblem } from '../../alto/identifiers.ts'
import { MAX_PATH_PAIRS } from '../../tables/index.ts'
import { Diagnostics, joinPath, type Origin } from '../source-error.ts'
import type { EntrySource } from './config-entries.ts'
import { checkSchema } from './json.ts'
import type { NetworkMapSource, PathVectorSource } from './model.ts'
import { pathVectorSchema, type PropertyEntry } from './schema.ts'

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
  const paths: (number[] | null)[] = new Array<number[] | null>(n * n).fill(null)
  let entries = 0
  for (const [srcPid, row] of Object.entries(src.paths)) {
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
      if (!Array.isArray(list)) {
        diag.error(at, 'a path is a list of ANE names, in traversal order (RFC 9275 §6.5)', list)
        continue
      }
      const path: number[] = []
      list.forEach((ane, k) => {
        const i = typeof ane === 'string' ? aneIndex.get(ane) : undefined
        if (i === undefined)
          diag.error(
            { file, path: joinPath(['paths', srcPid, dstPid, k]) },
            'not an ANE defined under "anes"',
            ane
          )
        else path.push(i)
      })
      paths[s * n + d] = path
      entries++
    }
  }
  if (diag.errors.length > errorsBefore) return undefined
  return { file, origin, networkMap: nm.id, anes, paths, n, entries }
}
