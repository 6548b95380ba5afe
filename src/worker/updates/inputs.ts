/**
 * @module RFC 8895 §6.5 `input`: substreams of an update stream that follow a POST-mode resource
 * — the filtered cost map and the endpoint cost service of a network map, with single-cost,
 * multi-cost (RFC 8189) and calendared (RFC 8896) requests, the RFC 9240 §8 filtered property
 * maps, the RFC 9241 filtered CDNI Advertisements and their filtered property maps, and the
 * RFC 9275 multipart path vector resources (§9.3: their answers have two parts, each followed
 * by its own patches).
 *
 * The input is validated exactly as the POST service validates its body (the same schema, the
 * same ALTO errors, §6.6: "the same error response that that resource would return"), and the
 * answer is computed by the same functions as the POST (cost-answers.ts,
 * property-map-answers.ts, cdni-answers.ts), so each full replacement is the POST's answer for
 * that input at that version.
 */
import {
  endpointCostRequest,
  filteredCostMapRequest,
  filteredPropertyMapRequest,
  pathVectorCostMapRequest,
  pathVectorEndpointCostRequest,
  validateRequest,
  type EndpointCostRequest,
  type FilteredCostMapRequest,
  type FilteredPropertyMapRequest,
  type PathVectorCostMapRequest,
  type PathVectorEndpointCostRequest,
} from '../../alto/request-schemas.ts'
import { MEDIA_TYPES } from '../../alto/media-types.ts'
import { PART_IDS } from '../../alto/path-vector.ts'
import { altoFail } from '../../alto/errors.ts'
import { resourceIds } from '../../alto/resources.ts'
import type { Manifest } from '../../store/manifest.ts'
import { canonicalJson } from '../../updates/json.ts'
import type { AddUpdateReq } from '../../updates/sse.ts'
import {
  endpointCostText,
  filteredCostMapText,
  planEndpointCost,
  planFilteredCostMap,
  type EndpointCostPlan,
  type FilteredCostMapPlan,
} from '../cost-answers.ts'
import {
  pathVectorAnswer,
  planPathVectorCostMap,
  planPathVectorEndpointCost,
  type PathVectorPlan,
} from '../path-vector-answers.ts'
import { filteredCdniRequest, type FilteredCdniRequest } from '../../alto/cdni.ts'
import {
  filteredCdniPropertyMapText,
  filteredCdniText,
  planFilteredCdni,
  planFilteredCdniPropertyMap,
  type FilteredCdniPlan,
  type FilteredCdniPropertyMapPlan,
} from '../cdni-answers.ts'
import {
  filteredPropertyMapText,
  planFilteredPropertyMap,
  type FilteredPropertyMapPlan,
} from '../property-map-answers.ts'

export type InputKind =
  | 'filtered-cost-map'
  | 'endpoint-cost'
  | 'pv-cost-map'
  | 'pv-endpoint-cost'
  | 'filtered-property-map'
  | 'filtered-cdni'
  | 'filtered-cdni-property-map'

/** One part of a multipart answer (RFC 2387; RFC 9275 §6.6). */
export interface AnswerPart {
  /** PART-RESOURCE-ID: the Content-ID is `<id@domain>` (RFC 9275 §6.6). */
  id: string
  mediaType: string
  json: string
}

/**
 * An answer as the stream holds it: one JSON text, or (RFC 9275) the parts of a
 * `multipart/related` answer, root first, with `text` their JSON texts joined by a line break
 * (for comparison only).
 */
export interface InputAnswer {
  text: string
  parts?: AnswerPart[]
}

/** A validated POST-mode substream: what to compute at each version. */
export interface StreamInput {
  kind: InputKind
  /**
   * The network map of the service; for a filtered property map or CDNI resource, the map
   * family's hub shard (its network map, else the full resource itself: common.ts hubShardOf).
   */
  nm: string
  /**
   * The full resource a filtered one filters: the property map of a `filtered-property-map`
   * input, the CDNI Advertisement of a `filtered-cdni` or `filtered-cdni-property-map` one.
   */
  of?: string
  /** The validated request body (schema output: unknown members dropped, RFC 7285 §8.3.7). */
  request: unknown
  /** The client's typed address (CF-Connecting-IP) for an empty `srcs`/`dsts` (endpoint cost). */
  client: string | null
  /** Update logs whose advance may change the answer: the network map and its cost maps. */
  follows: string[]
  /** Same key, same answer: computed once per distinct key per stream. */
  key: string
  /** RFC 9275 §6.6 DOMAIN-NAME of the Content-IDs of a multipart answer (the add request's host). */
  domain: string
}

/** The POST-mode resource `resourceId` names in `manifest`, or null (a GET-mode map). */
export function postModeResource(
  manifest: Manifest,
  resourceId: string
): { kind: InputKind; nm: string; of?: string } | null {
  const pms = manifest['property-maps'] ?? {}
  for (const pm of Object.keys(pms)) {
    if (resourceId === resourceIds.filteredPropertyMap(pm))
      return { kind: 'filtered-property-map', nm: pms[pm].uses[0] ?? pm, of: pm }
  }
  const cdnis = manifest['cdni-advertisements'] ?? {}
  for (const id of Object.keys(cdnis)) {
    const nm = cdnis[id]['network-map'] ?? id
    if (resourceId === resourceIds.filteredCdni(id)) return { kind: 'filtered-cdni', nm, of: id }
    if (cdnis[id].propmap !== undefined && resourceId === resourceIds.filteredCdniPropertyMap(id))
      return { kind: 'filtered-cdni-property-map', nm, of: id }
  }
  const pv = manifest['path-vectors'] ?? {}
  for (const nm of Object.keys(manifest['network-maps'])) {
    if (resourceId === resourceIds.filteredCostMap(nm)) return { kind: 'filtered-cost-map', nm }
    if (resourceId === resourceIds.endpointCost(nm)) return { kind: 'endpoint-cost', nm }
    if (!Object.hasOwn(pv, nm)) continue
    if (resourceId === resourceIds.pathVectorCostMap(nm)) return { kind: 'pv-cost-map', nm }
    if (resourceId === resourceIds.pathVectorEndpointCost(nm))
      return { kind: 'pv-endpoint-cost', nm }
  }
  return null
}

/**
 * Validates the `input` of each add entry that names a POST-mode resource, as that resource's
 * POST would (throws its ALTO error: the caller answers 400 and creates or changes nothing). A
 * missing input is validated as `{}`, the request without members, whose error the resource
 * reports first (`cost-type` missing). A GET-mode entry with an `input` is refused on `input`.
 */
export function validateAddInputs(
  manifest: Manifest,
  add: Record<string, AddUpdateReq>,
  client: string | null,
  domain = 'localhost'
): Record<string, StreamInput> {
  const out: Record<string, StreamInput> = {}
  for (const [sid, req] of Object.entries(add)) {
    const input = validateInput(manifest, req['resource-id'], req.input, client, {
      domain,
      field: `add/${sid}/input`,
    })
    if (input) out[sid] = input
  }
  return out
}

/**
 * Validates `input` for `resourceId` as that resource's POST would (throws its ALTO error); null
 * for a GET-mode resource without input. A GET-mode resource with an `input` is refused on
 * `opts.field`. Shared by ALTO/SSE (RFC 8895 §6.5) and TIPS (RFC 9569 TIPSReq `input`).
 */
export function validateInput(
  manifest: Manifest,
  resourceId: string,
  body: unknown,
  client: string | null,
  opts: { domain: string; field: string }
): StreamInput | null {
  const target = postModeResource(manifest, resourceId)
  if (!target) {
    if (body !== undefined)
      altoFail({ code: 'E_INVALID_FIELD_VALUE', field: opts.field, value: JSON.stringify(body) })
    return null
  }
  const parsed = validateRequest<unknown>(SCHEMAS[target.kind], body ?? {})
  if (!parsed.ok) altoFail(parsed.error)
  const pv = target.kind === 'pv-cost-map' || target.kind === 'pv-endpoint-cost'
  const input: StreamInput = {
    kind: target.kind,
    nm: target.nm,
    request: parsed.value,
    client: target.kind === 'endpoint-cost' || target.kind === 'pv-endpoint-cost' ? client : null,
    // A path table has no update log: the stream recomputes at every version anyway.
    follows: target.of
      ? [...new Set([target.nm, target.of])]
      : pv
        ? [target.nm]
        : [
            target.nm,
            ...Object.keys(manifest['cost-maps'])
              .filter((id) => manifest['cost-maps'][id]['network-map'] === target.nm)
              .sort(),
          ],
    key: '',
    domain: opts.domain,
    ...(target.of ? { of: target.of } : {}),
  }
  input.key = canonicalJson([resourceId, input.request, input.client])
  // The checks that need the manifest (cost types, constraints, calendars, addresses).
  planInput(manifest, input)
  return input
}

/** The POST service's own request schema, per kind. */
const SCHEMAS = {
  'filtered-cost-map': filteredCostMapRequest,
  'endpoint-cost': endpointCostRequest,
  'pv-cost-map': pathVectorCostMapRequest,
  'pv-endpoint-cost': pathVectorEndpointCostRequest,
  'filtered-property-map': filteredPropertyMapRequest,
  'filtered-cdni': filteredCdniRequest,
  'filtered-cdni-property-map': filteredPropertyMapRequest,
} as const

type PlannedInput =
  | { kind: 'filtered-cost-map'; planned: FilteredCostMapPlan }
  | { kind: 'endpoint-cost'; planned: EndpointCostPlan }
  | { kind: 'pv'; planned: PathVectorPlan }
  | { kind: 'filtered-property-map'; planned: FilteredPropertyMapPlan }
  | { kind: 'filtered-cdni'; planned: FilteredCdniPlan }
  | { kind: 'filtered-cdni-property-map'; planned: FilteredCdniPropertyMapPlan }

function planInput(manifest: Manifest, input: StreamInput): PlannedInput {
  switch (input.kind) {
    case 'filtered-property-map':
      if (!Object.hasOwn(manifest['property-maps'] ?? {}, input.of!))
        throw new Error(`property map ${input.of} is no longer published`)
      return {
        kind: input.kind,
        planned: planFilteredPropertyMap(
          manifest,
          input.of!,
          input.request as FilteredPropertyMapRequest
        ),
      }
    case 'filtered-cdni':
    case 'filtered-cdni-property-map':
      if (!Object.hasOwn(manifest['cdni-advertisements'] ?? {}, input.of!))
        throw new Error(`CDNI Advertisement ${input.of} is no longer published`)
      return input.kind === 'filtered-cdni'
        ? {
            kind: input.kind,
            planned: planFilteredCdni(manifest, input.of!, input.request as FilteredCdniRequest),
          }
        : {
            kind: input.kind,
            planned: planFilteredCdniPropertyMap(
              manifest,
              input.of!,
              input.request as FilteredPropertyMapRequest
            ),
          }
  }
  if (manifest['network-maps'][input.nm] === undefined)
    throw new Error(`network map ${input.nm} is no longer published`)
  switch (input.kind) {
    case 'filtered-cost-map':
      return {
        kind: input.kind,
        planned: planFilteredCostMap(manifest, input.nm, input.request as FilteredCostMapRequest),
      }
    case 'endpoint-cost':
      return {
        kind: input.kind,
        planned: planEndpointCost(
          manifest,
          input.nm,
          input.request as EndpointCostRequest,
          input.client
        ),
      }
    case 'pv-cost-map':
      return {
        kind: 'pv',
        planned: planPathVectorCostMap(
          manifest,
          input.nm,
          input.request as PathVectorCostMapRequest
        ),
      }
    case 'pv-endpoint-cost':
      return {
        kind: 'pv',
        planned: planPathVectorEndpointCost(
          manifest,
          input.nm,
          input.request as PathVectorEndpointCostRequest,
          input.client
        ),
      }
  }
}

/**
 * The answer to `input` at `manifest`'s version: the POST's bytes. Throws when the input is no
 * longer valid there (its ALTO error, e.g. a cost type withdrawn by a later publication).
 */
export async function inputAnswer(
  kv: KVNamespace,
  manifest: Manifest,
  input: StreamInput
): Promise<InputAnswer> {
  const p = planInput(manifest, input)
  if (p.kind === 'filtered-cost-map')
    return { text: await filteredCostMapText(kv, manifest, p.planned) }
  if (p.kind === 'endpoint-cost') return { text: await endpointCostText(kv, manifest, p.planned) }
  if (p.kind === 'filtered-property-map')
    return { text: await filteredPropertyMapText(kv, manifest, p.planned) }
  if (p.kind === 'filtered-cdni') return { text: await filteredCdniText(kv, p.planned) }
  if (p.kind === 'filtered-cdni-property-map')
    return { text: await filteredCdniPropertyMapText(kv, manifest, p.planned) }
  // RFC 9275 §6.6: the Path Vector part (root), then the ANE property map part.
  const a = await pathVectorAnswer(kv, manifest, p.planned)
  const parts: AnswerPart[] = [
    { id: a.pvPartId, mediaType: a.pvMediaType, json: a.pvJson },
    { id: PART_IDS.propMap, mediaType: MEDIA_TYPES.propMap, json: a.propJson },
  ]
  return { text: `${a.pvJson}\n${a.propJson}`, parts }
}
