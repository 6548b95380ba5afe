/**
 * @module RFC 9241 CDNI Advertisement sources (docs/cdni.md) → one CDNI Advertisement resource
 * each. Checks every BaseAdvertisementObject: its capability type (RFC 8008 §6.1) and value
 * (§5.3–§5.7), and every footprint (RFC 8006 §4.2.2.2 types and §4.3.5–§4.3.8 values, RFC 9241
 * §4.1 `altopid` against the network map the resource names). Prefixes are published in
 * canonical form; everything else as written, in source order.
 */
import {
  asnFootprintProblem,
  capabilityValueProblem,
  CAPABILITY_TYPES,
  countryCodeFootprintProblem,
  FOOTPRINT_TYPES,
  isCapabilityType,
  isFootprintType,
  type BaseAdvertisementObject,
  type Footprint,
} from '../../alto/cdni.ts'
import { pidNameProblem, resourceIdProblem } from '../../alto/identifiers.ts'
import { Diagnostics, joinPath, type Origin } from '../source-error.ts'
import type { EntrySource } from './config-entries.ts'
import { declaredResourceId } from './config-entries.ts'
import { checkSchema } from './json.ts'
import type { CdniSource, NetworkMapSource } from './model.ts'
import { readPrefix } from './prefix.ts'
import { cdniAdvertisementSchema, type MapEntry } from './schema.ts'

/** Reads one config entry's CDNI advertisement; reports every problem of the file. */
export function loadCdniAdvertisement(
  diag: Diagnostics,
  source: EntrySource<MapEntry>,
  networkMaps: ReadonlyMap<string, NetworkMapSource>,
  someNetworkMapFailed: boolean
): CdniSource | undefined {
  const { file, data } = source
  const src = checkSchema(diag, file, cdniAdvertisementSchema, data)
  if (!src) return undefined
  const errorsBefore = diag.errors.length
  const { id, at: origin } = declaredResourceId(source, src['resource-id'], 'resource-id')
  const idProblem = resourceIdProblem(id)
  if (idProblem) diag.error(origin, idProblem, id)

  const nmId = src['network-map']
  const nmAt: Origin = { file, path: 'network-map' }
  let nm: NetworkMapSource | undefined
  if (nmId !== undefined) {
    nm = networkMaps.get(nmId)
    if (!nm && !someNetworkMapFailed)
      diag.error(nmAt, 'network map is not defined in this map set', nmId)
  }

  const objects: BaseAdvertisementObject[] = []
  let usesAltopid = false
  src['capabilities-with-footprints'].forEach((o, i) => {
    const base = ['capabilities-with-footprints', i] as (string | number)[]
    const at = (...segments: (string | number)[]): Origin => ({
      file,
      path: joinPath([...base, ...segments]),
    })
    const type = o['capability-type']
    if (!isCapabilityType(type)) {
      diag.error(
        at('capability-type'),
        `unknown capability type; RFC 8008 §6.1 defines ${CAPABILITY_TYPES.join(', ')}`,
        type
      )
      return
    }
    if (!Object.hasOwn(o, 'capability-value')) {
      diag.error(at(), 'capability-value is missing (RFC 8008 §5.1: mandatory-to-specify)')
      return
    }
    const valueProblem = capabilityValueProblem(type, o['capability-value'])
    if (valueProblem) diag.error(at('capability-value'), valueProblem, o['capability-value'])
    const footprints: Footprint[] = []
    ;(o.footprints ?? []).forEach((f, j) => {
      const fpType = f['footprint-type']
      if (!isFootprintType(fpType)) {
        diag.error(
          at('footprints', j, 'footprint-type'),
          `unknown footprint type; RFC 8006 §7.2 and RFC 9241 §7.3 define ${FOOTPRINT_TYPES.join(', ')}`,
          fpType
        )
        return
      }
      if (fpType === 'altopid') usesAltopid = true
      const values: string[] = []
      f['footprint-value'].forEach((v, k) => {
        const vAt = at('footprints', j, 'footprint-value', k)
        const text = footprintValue(diag, fpType, v, vAt, nmId, nm)
        if (text !== undefined) values.push(text)
      })
      footprints.push({ 'footprint-type': fpType, 'footprint-value': values })
    })
    const object: BaseAdvertisementObject = {
      'capability-type': type,
      'capability-value': o['capability-value'],
    }
    if (footprints.length > 0) object.footprints = footprints
    objects.push(object)
  })
  // RFC 9241 §3.5: "uses" MUST NOT appear unless the resource depends on another one; §4.1: an
  // altopid footprint makes it depend on its network map.
  if (usesAltopid && nmId === undefined)
    diag.error(
      { file, path: '' },
      'altopid footprints need "network-map": the network map whose PIDs they name (RFC 9241 §4.1)'
    )
  if (!usesAltopid && nmId !== undefined)
    diag.error(
      nmAt,
      'no altopid footprint uses this network map; RFC 9241 §3.5: "uses" MUST NOT appear unless the resource depends on it',
      nmId
    )
  if (diag.errors.length > errorsBefore) return undefined
  return { id, file, origin, ...(nmId !== undefined ? { networkMap: nmId } : {}), objects }
}

/** One footprint value, checked for its type; returns its published text. */
function footprintValue(
  diag: Diagnostics,
  type: Footprint['footprint-type'],
  value: unknown,
  at: Origin,
  nmId: string | undefined,
  nm: NetworkMapSource | undefined
): string | undefined {
  if (typeof value !== 'string') {
    diag.error(at, 'footprint value must be a string', value)
    return undefined
  }
  let problem: string | null = null
  switch (type) {
    case 'ipv4cidr':
    case 'ipv6cidr':
      // RFC 8006 §4.3.5/§4.3.6: CIDR notation; a single address is a /32 or /128.
      return readPrefix(diag, value, at, type === 'ipv4cidr' ? 4 : 6)?.text
    case 'asn':
      problem = asnFootprintProblem(value)
      break
    case 'countrycode':
      problem = countryCodeFootprintProblem(value)
      break
    case 'altopid':
      problem = pidNameProblem(value)
      // RFC 9241 §4.1: "These PIDNames are references of PIDs in a network map resource".
      if (!problem && nm && !nm.pids.has(value)) problem = `no PID ${value} in network map ${nmId}`
      break
  }
  if (problem) {
    diag.error(at, problem, value)
    return undefined
  }
  return value
}
