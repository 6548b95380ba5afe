/**
 * @module Resolving path parameters to manifest entries (404 when absent). Cost types resolve to
 * cost maps in cost-plan.ts.
 */
import { httpFail } from '../alto/errors.ts'
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
