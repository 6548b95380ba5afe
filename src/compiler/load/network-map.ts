/**
 * @module Network map sources → PIDs and their prefixes, in either format: native JSON (with
 * `prefix-csv` side files) or an imported RFC 7285 §11.2.1.6 network map response. The map's
 * own rules (overlap, completeness) are network-map-check.ts; cross-references are map-set.ts.
 * A new source format is one more `read…` function chosen in `loadNetworkMap`.
 */
import { byCodeUnits, pidNameProblem, resourceIdProblem } from '../../alto/identifiers.ts'
import { Diagnostics, joinPath, subPath, type Origin } from '../source-error.ts'
import { declaredResourceId, type EntrySource } from './config-entries.ts'
import { readCsvFiles } from './files.ts'
import { checkSchema, hasKey } from './json.ts'
import type {
  NetworkMapRead,
  NetworkMapSource,
  PidSource,
  PrefixItem,
  SourceFiles,
} from './model.ts'
import { readPrefix } from './prefix.ts'
import { nativeNetworkMapSchema, rfcNetworkMapSchema, type MapEntry } from './schema.ts'

/** Reads a network map in one source format; reports every problem of the file. */
type NetworkMapReader = (
  diag: Diagnostics,
  files: SourceFiles,
  source: EntrySource<MapEntry>
) => NetworkMapRead | undefined

/** Reads one config entry's network map, in the format its JSON has. */
export const loadNetworkMap: NetworkMapReader = (diag, files, source) => {
  const nm = (hasKey(source.data, 'network-map') ? readRfcNetworkMap : readNativeNetworkMap)(
    diag,
    files,
    source
  )
  if (!nm) return undefined
  const idProblem = resourceIdProblem(nm.id)
  if (idProblem) diag.error(nm.origin, idProblem, nm.id)
  return nm
}

/** The map with its PIDs in table order (sorted by UTF-16 code units). */
export function withPidOrder(nm: NetworkMapRead): NetworkMapSource {
  const pidNames = [...nm.pids.keys()].sort(byCodeUnits)
  const pidIndex = new Map(pidNames.map((p, k) => [p, k]))
  return { ...nm, pidNames, pidIndex }
}

/** An RFC 7285 §11.2.1.6 network map response. */
const readRfcNetworkMap: NetworkMapReader = (diag, _files, source) => {
  const { file } = source
  const rfc = checkSchema(diag, file, rfcNetworkMapSchema, source.data)
  if (!rfc) return undefined
  const fileId = rfc.meta?.vtag?.['resource-id']
  const { id, at: origin } = declaredResourceId(source, fileId, 'meta.vtag.resource-id')
  if (id === undefined) {
    diag.error(
      { file, path: 'meta.vtag' },
      'no resource id: set meta.vtag.resource-id or "resource-id" in the config entry'
    )
    return undefined
  }
  const pids = new Map<string, PidSource>()
  for (const [pidName, group] of Object.entries(rfc['network-map'])) {
    const pidAt: Origin = { file, path: joinPath(['network-map', pidName]) }
    const pid = pidEntry(diag, pids, pidName, pidAt)
    for (const [addressType, list] of Object.entries(group)) {
      const listPath = subPath(pidAt.path, addressType)
      if (addressType !== 'ipv4' && addressType !== 'ipv6') {
        // RFC 7285 §11.2.1.6: clients "MUST ignore" address types they do not know.
        diag.notice(`${file} ${listPath}: unknown address type ignored`)
        continue
      }
      if (!Array.isArray(list)) {
        diag.error({ file, path: listPath }, 'expected an array of prefixes', list)
        continue
      }
      list.forEach((text, i) => {
        const family = addressType === 'ipv4' ? 4 : 6
        const prefix = readPrefix(diag, text, { file, path: subPath(listPath, i) }, family)
        if (pid) addPrefixTo(pid, prefix)
      })
    }
  }
  return { id, file, origin, pids }
}

/** A native network map (docs/source-format.md), with its `prefix-csv` files. */
const readNativeNetworkMap: NetworkMapReader = (diag, files, source) => {
  const { file } = source
  const native = checkSchema(diag, file, nativeNetworkMapSchema, source.data)
  if (!native) return undefined
  const { id, at: origin } = declaredResourceId(source, native['resource-id'], 'resource-id')
  const pids = new Map<string, PidSource>()
  for (const [pidName, group] of Object.entries(native.pids ?? {})) {
    const pidAt: Origin = { file, path: joinPath(['pids', pidName]) }
    const pid = pidEntry(diag, pids, pidName, pidAt)
    for (const family of [4, 6] as const) {
      const key = family === 4 ? 'ipv4' : 'ipv6'
      group[key]?.forEach((text, i) => {
        const prefix = readPrefix(diag, text, { file, path: subPath(pidAt.path, key, i) }, family)
        if (pid) addPrefixTo(pid, prefix)
      })
    }
  }
  readCsvFiles(
    diag,
    files,
    file,
    'prefix-csv',
    native['prefix-csv'],
    ['pid', 'prefix'],
    (r, csvFile) => {
      const [pidName, prefixText] = r.fields
      const pid = pidEntry(diag, pids, pidName, { file: csvFile, path: 'pid', line: r.line })
      const prefix = readPrefix(diag, prefixText, { file: csvFile, path: 'prefix', line: r.line })
      if (pid) addPrefixTo(pid, prefix)
    }
  )
  return { id, file, origin, pids }
}

/** The PID named `name`, created at its first mention; undefined (reported) for a bad name. */
function pidEntry(
  diag: Diagnostics,
  map: Map<string, PidSource>,
  name: string,
  at: Origin
): PidSource | undefined {
  let pid = map.get(name)
  if (pid) return pid
  const problem = pidNameProblem(name)
  if (problem) {
    diag.error(at, problem, name)
    return undefined
  }
  pid = { name, origin: at, v4: [], v6: [] }
  map.set(name, pid)
  return pid
}

function addPrefixTo(pid: PidSource, prefix: PrefixItem | undefined): void {
  if (!prefix) return
  if (prefix.family === 4) pid.v4.push(prefix)
  else pid.v6.push(prefix)
}
