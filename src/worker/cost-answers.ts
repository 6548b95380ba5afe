/**
 * @module The answers of the filtered cost map (`POST /costmap/:nm/filtered`, RFC 7285 §11.3.2)
 * and endpoint cost (`POST /endpointcost/:nm/lookup`, §11.5.1) services, with RFC 8189 multi-cost
 * and RFC 8896 calendars, computed from a manifest and a validated request. The two routes and
 * the ALTO/SSE update stream (RFC 8895 §6.5 `input`, updates/stream.ts) both call these, so a
 * stream's data is by construction the bytes a POST with the same input gets at that version.
 *
 * Validation (`planFilteredCostMap`, `planEndpointCost`) throws the ALTO errors of the request
 * (alto/multi-cost.ts, alto/calendar.ts, the address parser); computing reads the tables from KV.
 */
import { parseAddressBatch, type AddressBatch } from '../alto/address-batch.ts'
import { altoFail } from '../alto/errors.ts'
import { MAX_ENDPOINT_COST_PAIRS } from '../alto/limits.ts'
import type { EndpointCostRequest, FilteredCostMapRequest } from '../alto/request-schemas.ts'
import {
  filteredCostMapPieces,
  multiCostMapPieces,
  selectPids,
  writeEndpointCostMap,
  writeFilteredCostMap,
  filteredCostMapBytes,
  endpointCostMapBytes,
  type EndpointCostInput,
  writeMultiCostMap,
  writeMultiEndpointCostMap,
  type PidTable,
  type VersionTag,
} from '../alto/responses.ts'
import { resourceIds } from '../alto/resources.ts'
import type { CostMapEntry, Manifest } from '../store/manifest.ts'
import { sha256Hex } from '../tables/bytes.ts'
import {
  costColumns,
  isSingleCost,
  planCostRequest,
  singleCostAccept,
  type CostRequestPlan,
} from './cost-plan.ts'
import { phaseDone } from './phases.ts'
import { networkMapVtag } from './resources.ts'
import { costMatrix, pidIndexes, pidTable } from './tables.ts'
import { readBlobBytes } from './store.ts'

/** A filtered cost map request of network map `nmId`, validated against its capabilities. */
export interface FilteredCostMapPlan {
  nmId: string
  request: FilteredCostMapRequest
  plan: CostRequestPlan
}

/** Throws the request's ALTO error (RFC 8189 / RFC 8896 rules) when it is not valid. */
export function planFilteredCostMap(
  manifest: Manifest,
  nmId: string,
  request: FilteredCostMapRequest
): FilteredCostMapPlan {
  return { nmId, request, plan: planCostRequest(manifest, nmId, request) }
}

export type FilteredCostMapAnswer =
  /** The whole map: the prebuilt full cost map blob (the GET's bytes and ETag). */
  | { kind: 'whole'; id: string; costMap: CostMapEntry }
  | {
      kind: 'computed'
      pairs: number
      /** The answer as one string. */
      text: () => string
      /** The same answer as UTF-8 bytes (what the POST route sends). */
      bytes: () => Uint8Array
      /** The same text in pieces (rows), for streaming a large answer. */
      pieces: () => Iterator<string>
    }

/**
 * A filtered request for the whole map — both pid lists absent or empty once unknown names are
 * dropped (§11.3.2.3: an empty list is "the full set of currently defined PIDs") and no
 * constraints — is the prebuilt full map; any other is computed from the matrices.
 */
export async function filteredCostMapAnswer(
  kv: KVNamespace,
  manifest: Manifest,
  { nmId, request, plan }: FilteredCostMapPlan
): Promise<FilteredCostMapAnswer> {
  const nm = manifest['network-maps'][nmId]
  const pids = await pidTable(kv, nm)
  const single = isSingleCost(plan)
  if (
    single &&
    plan.clauses.length === 0 &&
    !namesAny(pids, request.pids?.srcs) &&
    !namesAny(pids, request.pids?.dsts)
  ) {
    const cm = plan.values[0]
    const id = Object.keys(manifest['cost-maps']).find((k) => manifest['cost-maps'][k] === cm)!
    return { kind: 'whole', id, costMap: cm }
  }
  const srcs = selectPids(pids, request.pids?.srcs)
  const dsts = selectPids(pids, request.pids?.dsts)
  const dependentVtag = networkMapVtag(manifest, nmId)
  const pairs = srcs.length * dsts.length
  if (!single) {
    // RFC 8189 §4.1.3: several matrices (returned and tested types) per pair.
    const input = { pids, srcs, dsts, dependentVtag, columns: await costColumns(kv, plan) }
    return {
      kind: 'computed',
      pairs,
      text: () => writeMultiCostMap(input),
      bytes: () => encoder.encode(writeMultiCostMap(input)),
      pieces: () => multiCostMapPieces(input),
    }
  }
  const cm = plan.values[0]
  const input = {
    pids,
    costs: await costMatrix(kv, cm),
    srcs,
    dsts,
    accept: singleCostAccept(plan),
    dependentVtag,
    costType: cm['cost-type'],
  }
  return {
    kind: 'computed',
    pairs,
    text: () => writeFilteredCostMap(input),
    bytes: () => filteredCostMapBytes(input),
    pieces: () => filteredCostMapPieces(input),
  }
}

const decoder = new TextDecoder()
const encoder = new TextEncoder()

/** The filtered cost map answer as text (the whole map's blob read and decoded). */
export async function filteredCostMapText(
  kv: KVNamespace,
  manifest: Manifest,
  planned: FilteredCostMapPlan
): Promise<string> {
  const answer = await filteredCostMapAnswer(kv, manifest, planned)
  if (answer.kind === 'computed') return answer.text()
  return decoder.decode(await readBlobBytes(kv, answer.costMap.json))
}

/** Whether a request pid list names at least one PID of the map. */
function namesAny(pids: PidTable, names: readonly string[] | undefined): boolean {
  return names !== undefined && names.some((name) => pids.indexOf.has(name))
}

/** An endpoint cost request of network map `nmId`, validated, its address lists parsed. */
export interface EndpointCostPlan {
  nmId: string
  plan: CostRequestPlan
  srcs: AddressBatch
  dsts: AddressBatch
}

/**
 * Throws the request's ALTO error when it is not valid. `client` is the typed address of the
 * requesting client (CF-Connecting-IP), which stands for an empty `srcs` or `dsts` (§11.5.1.3).
 */
export function planEndpointCost(
  manifest: Manifest,
  nmId: string,
  request: EndpointCostRequest,
  client: string | null,
  parsed: ParsedLists = {}
): EndpointCostPlan {
  const plan = planCostRequest(manifest, nmId, request)
  return { nmId, plan, ...endpointBatchesFor(client, request.endpoints, parsed) }
}

/** Derived tags by `nm vtag \n cm tag` (a few versions live in an isolate at a time). */
const derivedTags = new Map<string, string>()
const MAX_DERIVED_TAGS = 64

/**
 * The endpoint cost resource's version tag for answers from `nmTag` and the cost maps `cms` (one
 * for an RFC 7285 request; every returned and tested one for RFC 8189, in first-use order).
 */
async function endpointCostVtag(
  nm: string,
  nmTag: string,
  cms: readonly CostMapEntry[]
): Promise<VersionTag> {
  const key = [nmTag, ...cms.map((cm) => cm.tag)].join('\n')
  let tag = derivedTags.get(key)
  if (tag === undefined) {
    tag = await sha256Hex(key)
    if (derivedTags.size >= MAX_DERIVED_TAGS) derivedTags.clear()
    derivedTags.set(key, tag)
  }
  return { 'resource-id': resourceIds.endpointCost(nm), tag }
}

/** The endpoint cost answer (RFC 7285 §11.5.1.6, RFC 8189 §4.2.3, RFC 8896 §5.2.2). */
export async function endpointCostText(
  kv: KVNamespace,
  manifest: Manifest,
  planned: EndpointCostPlan
): Promise<string> {
  const inputs = await endpointCostInputs(kv, manifest, planned)
  return inputs.single
    ? writeEndpointCostMap(inputs.single)
    : writeMultiEndpointCostMap(inputs.multi)
}

/** {@link endpointCostText} as UTF-8 bytes (what the POST route sends). */
export async function endpointCostBytes(
  kv: KVNamespace,
  manifest: Manifest,
  planned: EndpointCostPlan
): Promise<Uint8Array> {
  const inputs = await endpointCostInputs(kv, manifest, planned)
  return inputs.single
    ? endpointCostMapBytes(inputs.single)
    : encoder.encode(writeMultiEndpointCostMap(inputs.multi))
}

/** What the endpoint cost writers read: one matrix (`single`) or several (`multi`). */
async function endpointCostInputs(
  kv: KVNamespace,
  manifest: Manifest,
  { nmId, plan, srcs, dsts }: EndpointCostPlan
): Promise<
  | { single: EndpointCostInput; multi?: undefined }
  | { single?: undefined; multi: Parameters<typeof writeMultiEndpointCostMap>[0] }
> {
  const nm = manifest['network-maps'][nmId]
  const single = isSingleCost(plan)
  const [pidsOf, columns] = await Promise.all([pidIndexes(kv, nm), costColumns(kv, plan)])
  const dependentVtag = networkMapVtag(manifest, nmId)
  const vtag = await endpointCostVtag(nmId, dependentVtag.tag, [
    ...new Set([...plan.values, ...plan.tests]),
  ])
  const srcPids = pidsOf(srcs)
  const dstPids = pidsOf(dsts)
  phaseDone('lookup')
  const endpoints = {
    srcs: { batch: srcs, indexes: srcPids },
    dsts: { batch: dsts, indexes: dstPids },
    vtag,
    dependentVtag,
  }
  return single
    ? {
        single: {
          ...endpoints,
          costs: columns.values[0],
          accept: singleCostAccept(plan),
          costType: columns.costTypes[0],
        },
      }
    : { multi: { ...endpoints, columns } }
}

/**
 * Lists already parsed from the body's bytes (http.ts readAltoAddressRequest): the same batches
 * parseAddressBatch would make of the request's texts.
 */
export interface ParsedLists {
  srcs?: AddressBatch
  dsts?: AddressBatch
}

/**
 * The request's §11.5.1.3 `endpoints` as address batches: both lists empty is
 * E_INVALID_FIELD_VALUE; one empty list stands for the client's own address `client`,
 * E_MISSING_FIELD when there is none; more than MAX_ENDPOINT_COST_PAIRS pairs is refused.
 */
export function endpointBatchesFor(
  client: string | null,
  endpoints: { srcs?: string[]; dsts?: string[] },
  parsed: ParsedLists = {}
): { srcs: AddressBatch; dsts: AddressBatch } {
  // A list parsed from the body is not read as texts (they are made only when asked for).
  const srcTexts = parsed.srcs ? null : (endpoints.srcs ?? [])
  const dstTexts = parsed.dsts ? null : (endpoints.dsts ?? [])
  // §11.5.1.3: "The ALTO client MUST NOT specify both srcs and dsts as empty".
  if (srcTexts?.length === 0 && dstTexts?.length === 0) {
    altoFail({
      code: 'E_INVALID_FIELD_VALUE',
      field: 'endpoints',
      value: errorValueOfEmpty(endpoints),
    })
  }
  let srcs = parsed.srcs ?? parseAddressBatch(srcTexts!, 'endpoints/srcs')
  let dsts = parsed.dsts ?? parseAddressBatch(dstTexts!, 'endpoints/dsts')
  if (srcs.count === 0 || dsts.count === 0) {
    if (!client)
      altoFail({
        code: 'E_MISSING_FIELD',
        field: srcs.count === 0 ? 'endpoints/srcs' : 'endpoints/dsts',
      })
    if (srcs.count === 0) srcs = parseAddressBatch([client], 'endpoints/srcs')
    else dsts = parseAddressBatch([client], 'endpoints/dsts')
  }
  if (srcs.count * dsts.count > MAX_ENDPOINT_COST_PAIRS) {
    altoFail({
      code: 'E_INVALID_FIELD_VALUE',
      field: 'endpoints',
      value: `${srcs.count}×${dsts.count} pairs; at most ${MAX_ENDPOINT_COST_PAIRS} are served per request`,
    })
  }
  return { srcs, dsts }
}

export function errorValueOfEmpty(endpoints: { srcs?: string[]; dsts?: string[] }): string {
  return JSON.stringify({ srcs: endpoints.srcs ?? [], dsts: endpoints.dsts ?? [] })
}
