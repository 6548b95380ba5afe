/**
 * @module RFC 8895 §6.5 `input`: substreams of an update stream that follow a POST-mode resource
 * — the filtered cost map and the endpoint cost service of a network map, with single-cost,
 * multi-cost (RFC 8189) and calendared (RFC 8896) requests.
 *
 * The input is validated exactly as the POST service validates its body (the same schema, the
 * same ALTO errors, §6.6: "the same error response that that resource would return"), and the
 * answer is computed by the same functions as the POST (cost-answers.ts), so each full
 * replacement is the POST's answer for that input at that version.
 */
import {
  endpointCostRequest,
  filteredCostMapRequest,
  validateRequest,
  type EndpointCostRequest,
  type FilteredCostMapRequest,
} from '../../alto/request-schemas.ts'
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

export type InputKind = 'filtered-cost-map' | 'endpoint-cost'

/** A validated POST-mode substream: what to compute at each version. */
export interface StreamInput {
  kind: InputKind
  /** The network map of the service. */
  nm: string
  /** The validated request body (schema output: unknown members dropped, RFC 7285 §8.3.7). */
  request: unknown
  /** The client's typed address (CF-Connecting-IP) for an empty `srcs`/`dsts` (endpoint cost). */
  client: string | null
  /** Update logs whose advance may change the answer: the network map and its cost maps. */
  follows: string[]
  /** Same key, same answer: computed once per distinct key per stream. */
  key: string
}

/** The POST-mode resource `resourceId` names in `manifest`, or null (a GET-mode map). */
export function postModeResource(
  manifest: Manifest,
  resourceId: string
): { kind: InputKind; nm: string } | null {
  for (const nm of Object.keys(manifest['network-maps'])) {
    if (resourceId === resourceIds.filteredCostMap(nm)) return { kind: 'filtered-cost-map', nm }
    if (resourceId === resourceIds.endpointCost(nm)) return { kind: 'endpoint-cost', nm }
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
  client: string | null
): Record<string, StreamInput> {
  const out: Record<string, StreamInput> = {}
  for (const [sid, req] of Object.entries(add)) {
    const target = postModeResource(manifest, req['resource-id'])
    if (!target) {
      if (req.input !== undefined)
        altoFail({
          code: 'E_INVALID_FIELD_VALUE',
          field: `add/${sid}/input`,
          value: JSON.stringify(req.input),
        })
      continue
    }
    const schema =
      target.kind === 'filtered-cost-map' ? filteredCostMapRequest : endpointCostRequest
    const parsed = validateRequest<unknown>(schema, req.input ?? {})
    if (!parsed.ok) altoFail(parsed.error)
    const input: StreamInput = {
      kind: target.kind,
      nm: target.nm,
      request: parsed.value,
      client: target.kind === 'endpoint-cost' ? client : null,
      follows: [
        target.nm,
        ...Object.keys(manifest['cost-maps'])
          .filter((id) => manifest['cost-maps'][id]['network-map'] === target.nm)
          .sort(),
      ],
      key: '',
    }
    input.key = canonicalJson([req['resource-id'], input.request, input.client])
    // The checks that need the manifest (cost types, constraints, calendars, addresses).
    planInput(manifest, input)
    out[sid] = input
  }
  return out
}

type PlannedInput =
  | { kind: 'filtered-cost-map'; planned: FilteredCostMapPlan }
  | { kind: 'endpoint-cost'; planned: EndpointCostPlan }

function planInput(manifest: Manifest, input: StreamInput): PlannedInput {
  if (manifest['network-maps'][input.nm] === undefined)
    throw new Error(`network map ${input.nm} is no longer published`)
  return input.kind === 'filtered-cost-map'
    ? {
        kind: input.kind,
        planned: planFilteredCostMap(manifest, input.nm, input.request as FilteredCostMapRequest),
      }
    : {
        kind: input.kind,
        planned: planEndpointCost(
          manifest,
          input.nm,
          input.request as EndpointCostRequest,
          input.client
        ),
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
): Promise<string> {
  const p = planInput(manifest, input)
  return p.kind === 'filtered-cost-map'
    ? filteredCostMapText(kv, manifest, p.planned)
    : endpointCostText(kv, manifest, p.planned)
}
