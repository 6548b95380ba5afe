/**
 * @module RFC 9241 filtered answers, shared by the POST routes (routes/cdni.ts) and the update
 * services that follow them with `input` (RFC 8895 §6.5 substreams, RFC 9569 TIPS views): the
 * filtered CDNI Advertisement (§5) and the filtered property map of its capabilities (§6,
 * RFC 9240 §8). `plan*` validates a request against the manifest (the POST's ALTO errors);
 * `*Text` answers it from the tables, so a stream's full replacement is the POST's answer.
 */
import {
  checkCdniFilter,
  filterAdvertisement,
  renderCdniAdvertisement,
  type CdniCapability,
  type FilteredCdniRequest,
} from '../alto/cdni.ts'
import { cdniPropertyName } from '../alto/cdni-property-names.ts'
import {
  parseCdniEntity,
  writeCdniPropertyMap,
  type CdniEntity,
} from '../alto/cdni-property-map.ts'
import { altoFail, httpFail } from '../alto/errors.ts'
import type { FilteredPropertyMapRequest } from '../alto/request-schemas.ts'
import type { CdniEntry, Manifest } from '../store/manifest.ts'
import { phaseDone } from './phases.ts'
import { cdniOr404, networkMapVtag } from './resources.ts'
import { cdniBody, pidTable } from './tables.ts'

/** A filtered CDNI Advertisement request, checked (§5.6). */
export interface FilteredCdniPlan {
  cdni: CdniEntry
  capabilities: CdniCapability[]
}

/** Throws the request's ALTO error (§5.6) when it is not valid; 404 for an unknown resource. */
export function planFilteredCdni(
  manifest: Manifest,
  id: string,
  request: FilteredCdniRequest
): FilteredCdniPlan {
  const cdni = cdniOr404(manifest, id)
  const checked = checkCdniFilter(request)
  if (!checked.ok) altoFail(checked.error)
  return { cdni, capabilities: checked.capabilities }
}

/** The §5 answer: the objects covering a requested capability, with the full resource's vtag. */
export async function filteredCdniText(
  kv: KVNamespace,
  { cdni, capabilities }: FilteredCdniPlan
): Promise<string> {
  const full = await cdniBody(kv, cdni)
  const objects = filterAdvertisement(
    full['cdni-advertisement']['capabilities-with-footprints'],
    capabilities
  )
  phaseDone('lookup')
  // §5.6: "The version tag included in the vtag field of the response MUST correspond to the
  // full CDNI Advertisement resource".
  return renderCdniAdvertisement(full.meta.vtag, full.meta['dependent-vtags'], objects)
}

/** A filtered property map request on an advertisement's capabilities, checked. */
export interface FilteredCdniPropertyMapPlan {
  id: string
  cdni: CdniEntry
  /** Requested entities without repeats; null: every footprint entity. */
  entities: CdniEntity[] | null
  /** `properties` present (the one capability property), else entity names only. */
  withProperties: boolean
}

/** Throws the request's ALTO error (RFC 9240 §8.6); 404 without the property map resource. */
export function planFilteredCdniPropertyMap(
  manifest: Manifest,
  id: string,
  request: FilteredPropertyMapRequest
): FilteredCdniPropertyMapPlan {
  const cdni = cdniOr404(manifest, id)
  if (cdni.propmap === undefined) httpFail({ kind: 'not-found' })
  // RFC 9240 §8.3: properties from the capabilities only (the one `<id>.cdni-capabilities`).
  const name = cdniPropertyName(id)
  for (const p of request.properties ?? [])
    if (p !== name) altoFail({ code: 'E_INVALID_FIELD_VALUE', field: 'properties', value: p })
  const nm = cdni['network-map']
  let entities: CdniEntity[] | null = null
  if (request.entities.length > 0) {
    const seen = new Set<string>()
    entities = []
    for (const text of request.entities) {
      // RFC 9240 §8.6: a domain not in `mappings` or an id invalid for its domain.
      const e = parseCdniEntity(text, nm)
      if (e === null) altoFail({ code: 'E_INVALID_FIELD_VALUE', field: 'entities', value: text })
      if (seen.has(e.key)) continue
      seen.add(e.key)
      entities.push(e)
    }
  }
  return { id, cdni, entities, withProperties: request.properties !== undefined }
}

/** The RFC 9240 §8.6 answer of a planned request at `manifest`'s version. */
export async function filteredCdniPropertyMapText(
  kv: KVNamespace,
  manifest: Manifest,
  { id, cdni, entities, withProperties }: FilteredCdniPropertyMapPlan
): Promise<string> {
  const nm = cdni['network-map']
  const [full, pids] = await Promise.all([
    cdniBody(kv, cdni),
    nm !== undefined && entities?.some((e) => e.kind === 'pid')
      ? pidTable(kv, manifest['network-maps'][nm])
      : null,
  ])
  phaseDone('lookup')
  // RFC 9240 §8.6: ipv4/ipv6/asn/countrycode are resource-agnostic, and a PID entity depends
  // on both `uses` resources: the vtags of every `uses` resource, in that order.
  const dependentVtags = [
    full.meta.vtag,
    ...(nm !== undefined ? [networkMapVtag(manifest, nm)] : []),
  ]
  return writeCdniPropertyMap(
    id,
    full['cdni-advertisement']['capabilities-with-footprints'],
    nm,
    entities,
    withProperties,
    dependentVtags,
    (pid) => pids?.indexOf.has(pid) ?? false
  )
}
