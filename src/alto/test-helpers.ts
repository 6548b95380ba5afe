/**
 * @module Test helpers of the alto layer: the object builders the response writers of
 * responses.ts replaced (GitHub issue 10), kept verbatim as the reference the writers' bytes are
 * compared with (`JSON.stringify` of these objects). The endpoint cost builder gained only the
 * `meta.vtag` member the writer now adds.
 */
import {
  responseCostType,
  type CostLookup,
  type FilteredCostMapInput,
  type VersionTag,
} from './responses.ts'
import type { CostType } from './cost-types.ts'
import type { TypedAddress } from './typed-address.ts'
import type { PidTable } from './responses.ts'

/** Longest-prefix match of an address: a value index, or null when no prefix covers it. */
export type AddressLookup = (address: TypedAddress) => number | null

/**
 * §11.3.2.6 filtered cost map: `{meta: {dependent-vtags: [nm vtag], cost-type}, cost-map}` with
 * only the requested pairs that have a defined cost and satisfy every constraint. A source whose
 * every pair is dropped does not appear.
 */
export function buildFilteredCostMap(input: FilteredCostMapInput): unknown {
  const costMap: Record<string, Record<string, number>> = {}
  for (const src of input.srcs) {
    let row: Record<string, number> | undefined
    for (const dst of input.dsts) {
      const cost = input.costs.get(src, dst)
      if (Number.isNaN(cost) || !input.accept(cost)) continue
      row ??= costMap[input.pids.names[src]] = {}
      row[input.pids.names[dst]] = cost
    }
  }
  return {
    meta: {
      'dependent-vtags': [input.dependentVtag],
      'cost-type': responseCostType(input.costType),
    },
    'cost-map': costMap,
  }
}

/** A client's endpoint: its string as sent (the response key) and the parsed address. */
export interface Endpoint {
  text: string
  address: TypedAddress
}

interface EndpointCostInput {
  srcs: readonly Endpoint[]
  dsts: readonly Endpoint[]
  pidOf: AddressLookup
  costs: CostLookup
  accept: (cost: number) => boolean
  dependentVtag: VersionTag
  costType: CostType
  /** Added with issue 10 (meta.vtag); the builder is otherwise as it was. */
  vtag: VersionTag
}

/**
 * §11.5.1.6 endpoint cost map: cost(src, dst) = cost between the PIDs the two addresses map to
 * (§11.5.1.5 leaves the computation to the server; PID-to-PID is the RFC's own model). Pairs with
 * no PID or no defined cost are omitted ("MAY be omitted"), as are pairs failing a constraint.
 * `meta.dependent-vtags` is not required by §11.5.1.6; it names the network map used so a client
 * can tell which version answered.
 */
export function buildEndpointCostMap(input: EndpointCostInput): unknown {
  const dstPids = input.dsts.map((d) => input.pidOf(d.address))
  const map: Record<string, Record<string, number>> = {}
  for (const src of input.srcs) {
    const srcPid = input.pidOf(src.address)
    if (srcPid === null) continue
    let row: Record<string, number> | undefined
    input.dsts.forEach((dst, i) => {
      const dstPid = dstPids[i]
      if (dstPid === null) return
      const cost = input.costs.get(srcPid, dstPid)
      if (Number.isNaN(cost) || !input.accept(cost)) return
      row ??= map[src.text] = {}
      row[dst.text] = cost
    })
  }
  return {
    meta: {
      vtag: input.vtag,
      'dependent-vtags': [input.dependentVtag],
      'cost-type': responseCostType(input.costType),
    },
    'endpoint-cost-map': map,
  }
}

/** One requested property resolved to a lookup: a string value per address, or undefined. */
export interface PropertyResolver {
  name: string
  valueOf: (address: TypedAddress) => string | undefined
}

/**
 * §11.4.1.6 endpoint properties: one member per requested endpoint (keyed by the client's own
 * string), each with the requested properties that are defined for it ("If the ALTO server does
 * not define a requested property's value for a particular endpoint, then it MUST omit that
 * property from the response for only that endpoint").
 */
export function buildEndpointProperties(
  endpoints: readonly Endpoint[],
  properties: readonly PropertyResolver[],
  dependentVtags: readonly VersionTag[]
): unknown {
  const result: Record<string, Record<string, string>> = {}
  for (const endpoint of endpoints) {
    const values: Record<string, string> = {}
    for (const property of properties) {
      const value = property.valueOf(endpoint.address)
      if (value !== undefined) values[property.name] = value
    }
    result[endpoint.text] = values
  }
  return { meta: { 'dependent-vtags': dependentVtags }, 'endpoint-properties': result }
}
