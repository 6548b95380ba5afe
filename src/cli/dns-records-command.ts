/**
 * @module `alto-edge dns-records [dir] --ird URI [--domain D] [--map ID] [--out FILE]`: the
 * discovery zone file (dns-records.ts) for the network-map prefixes of a map set.
 */
import { writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { formatSourceError, validateMapSet, type SourceFiles } from '../compiler/index.ts'
import type { Io } from './commands.ts'
import { dnsRecords } from './dns-records.ts'
import { EXIT_OK, EXIT_USAGE, EXIT_VALIDATION } from './exit-codes.ts'
import { MapSetReadError, readMapSet } from './read-map-set.ts'

export interface DnsRecordsOptions {
  ird: string
  domain?: string
  map?: string
  out?: string
  ttl?: number
  skipOptional?: boolean
  json?: boolean
}

interface NetworkMapSource {
  'resource-id'?: string
  pids?: Record<string, { ipv4?: string[]; ipv6?: string[] }>
}

/** Every network-map prefix of a (validated) map set, in file order, per resource id. */
export function networkMapPrefixes(files: SourceFiles): Map<string, string[]> {
  const config = JSON.parse(files['alto-edge.json']) as { 'network-maps'?: { file: string }[] }
  const out = new Map<string, string[]>()
  for (const { file } of config['network-maps'] ?? []) {
    if (files[file] === undefined) continue // optional map left out
    const nm = JSON.parse(files[file]) as NetworkMapSource
    const prefixes: string[] = []
    for (const pid of Object.values(nm.pids ?? {}))
      prefixes.push(...(pid.ipv4 ?? []), ...(pid.ipv6 ?? []))
    out.set(nm['resource-id'] ?? file, prefixes)
  }
  return out
}

export async function cmdDnsRecords(
  dirArg: string,
  opts: DnsRecordsOptions,
  io: Io
): Promise<number> {
  const dir = resolve(dirArg)
  let files: SourceFiles
  try {
    files = await readMapSet(dir, { skipOptional: opts.skipOptional === true })
  } catch (error) {
    if (!(error instanceof MapSetReadError)) throw error
    for (const e of error.errors) io.out(formatSourceError(e))
    return EXIT_VALIDATION
  }
  const { errors } = validateMapSet(files)
  if (errors.length > 0) {
    for (const e of errors) io.out(formatSourceError(e))
    io.err(`${errors.length} errors in ${dir}`)
    return EXIT_VALIDATION
  }
  const maps = networkMapPrefixes(files)
  if (opts.map !== undefined && !maps.has(opts.map)) {
    io.err(`no network map ${opts.map} (have: ${[...maps.keys()].join(', ')})`)
    return EXIT_USAGE
  }
  const prefixes = opts.map !== undefined ? maps.get(opts.map)! : [...maps.values()].flat()
  const r = dnsRecords({ domain: opts.domain, irdUri: opts.ird, prefixes, ttl: opts.ttl })
  if (opts.out !== undefined) await writeFile(resolve(opts.out), r.zone)
  if (opts.json) {
    io.out(
      JSON.stringify({
        ok: true,
        records: r.recordCount,
        unexpressible: r.unexpressible,
        ...(opts.out === undefined ? { zone: r.zone } : { out: resolve(opts.out) }),
      })
    )
  } else {
    if (opts.out === undefined) io.out(r.zone.trimEnd())
    io.err(`${r.recordCount} NAPTR records${opts.out ? ` written to ${resolve(opts.out)}` : ''}`)
    for (const u of r.unexpressible) io.err(`not expressible: ${u.prefix}: ${u.reason}`)
  }
  return EXIT_OK
}
