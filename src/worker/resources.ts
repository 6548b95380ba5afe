/**
 * @module Resolving path parameters to manifest entries (404 when absent) and cost types to the
 * cost map a network map offers for them.
 */
import { altoFail, httpFail } from '../alto/errors.ts'
import type { VersionTag } from '../alto/responses.ts'
import type { CdniEntry, CostMapEntry, Manifest, NetworkMapEntry } from '../store/manifest.ts'

/** Own-property lookup (a path segment like `__proto__` must not reach Object.prototype). */
function own<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined
}

export function networkMapOr404(manifest: Manifest, id: string): NetworkMapEntry {
  return own(manifest['network-maps'], id) ?? httpFail({ kind: 'not-found' })
}

export function costMapOr404(manifest: Manifest, id: string): CostMapEntry {
  return own(manifest['cost-maps'], id) ?? httpFail({ kind: 'not-found' })
}

export function cdniOr404(manifest: Manifest, id: string): CdniEntry {
  return own(manifest['cdni-advertisements'] ?? {}, id) ?? httpFail({ kind: 'not-found' })
}

export function networkMapVtag(manifest: Manifest, id: string): VersionTag {
  return { 'resource-id': id, tag: manifest['network-maps'][id].vtag }
}

/**
 * The cost map of network map `nm` with the requested cost type (§11.3.2.3: "The ALTO server
 * MUST return an error if the cost type is not supported"). An unknown metric is reported on
 * `cost-type/cost-metric`; a known metric in another mode on `cost-type/cost-mode` (§8.5.2's own
 * example). The `description` member is ignored (§10.7).
 */
export function costMapForType(
  manifest: Manifest,
  nm: string,
  requested: { 'cost-mode': string; 'cost-metric': string }
): CostMapEntry {
  const offered = Object.values(manifest['cost-maps']).filter((cm) => cm['network-map'] === nm)
  const sameMetric = offered.filter(
    (cm) => cm['cost-type']['cost-metric'] === requested['cost-metric']
  )
  if (sameMetric.length === 0) {
    altoFail({
      code: 'E_INVALID_FIELD_VALUE',
      field: 'cost-type/cost-metric',
      value: requested['cost-metric'],
    })
  }
  const match = sameMetric.find((cm) => cm['cost-type']['cost-mode'] === requested['cost-mode'])
  if (!match) {
    altoFail({
      code: 'E_INVALID_FIELD_VALUE',
      field: 'cost-type/cost-mode',
      value: requested['cost-mode'],
    })
  }
  return match
}
