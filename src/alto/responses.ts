/**
 * @module Response bodies of the computed (POST) resources, built from decoded tables. Pure: the
 * Worker supplies the tables through the small interfaces below. Full maps are never built here:
 * they are served from the prebuilt JSON blobs.
 */
import type { CostType } from './cost-types.ts'
import type { TypedAddress } from './typed-address.ts'

/** RFC 7285 §10.3 VersionTag. */
export interface VersionTag {
  'resource-id': string
  tag: string
}

/** A network map's PID names (index = PID index) and the reverse lookup. */
export interface PidTable {
  readonly names: readonly string[]
  readonly indexOf: ReadonlyMap<string, number>
}

/** Cost between two PID indexes; NaN when the pair has no defined cost (§6.2). */
export interface CostLookup {
  get(src: number, dst: number): number
}

/** Longest-prefix match of an address: a value index, or null when no prefix covers it. */
export type AddressLookup = (address: TypedAddress) => number | null

/** RFC 7285 §11.2.1.6 body: `{meta: {vtag}, network-map: {pid: {type: prefixes}}}`. */
export interface NetworkMapBody {
  meta: { vtag: VersionTag }
  'network-map': Record<string, Record<string, string[]>>
}

/** The cost type echoed in responses: mode and metric only (`description` is informational). */
export function responseCostType(t: CostType): { 'cost-mode': string; 'cost-metric': string } {
  return { 'cost-mode': t['cost-mode'], 'cost-metric': t['cost-metric'] }
}

/** Distinct strings in first-seen order ("duplicates ... MUST be treated as a single one"). */
export function distinct(values: readonly string[]): string[] {
  return [...new Set(values)]
}

/** Address types this server knows (RFC 7285 §14.4 registry entries it can serve). */
export const KNOWN_ADDRESS_TYPES: ReadonlySet<string> = new Set(['ipv4', 'ipv6'])

/**
 * §11.3.1.6 filtered network map, the vtag of the FULL map, PIDs in the full map's order.
 * "If the input parameters contain a PID name that is not currently defined by the ALTO server,
 * the ALTO server MUST behave as if the PID did not appear in the input parameters" — and
 * §11.3.1.3: "If the list of PIDs is empty, the ALTO server MUST interpret the list as if it
 * contained a list of all currently defined PIDs". So unknown names are dropped FIRST, and a list
 * left empty means all PIDs (`{"pids":["NOPE"]}` is the full map). Address types likewise: an
 * unknown type is as if absent, and an empty list means all types.
 */
export function buildFilteredNetworkMap(
  full: NetworkMapBody,
  vtag: VersionTag,
  pids: readonly string[],
  addressTypes: readonly string[] | undefined
): NetworkMapBody {
  const knownPids = pids.filter((p) => Object.hasOwn(full['network-map'], p))
  const knownTypes = (addressTypes ?? []).filter((t) => KNOWN_ADDRESS_TYPES.has(t))
  const wantedPids = knownPids.length === 0 ? null : new Set(knownPids)
  const wantedTypes = knownTypes.length === 0 ? null : new Set(knownTypes)
  const map: Record<string, Record<string, string[]>> = {}
  for (const [pid, group] of Object.entries(full['network-map'])) {
    if (wantedPids && !wantedPids.has(pid)) continue
    const filtered: Record<string, string[]> = {}
    for (const [type, prefixes] of Object.entries(group)) {
      if (!wantedTypes || wantedTypes.has(type)) filtered[type] = prefixes
    }
    map[pid] = filtered
  }
  return { meta: { vtag }, 'network-map': map }
}

/**
 * PID indexes of a request list, without repeats. §11.3.2.6: an undefined PID name is treated
 * "as if the PID did not appear in the input parameters", and §11.3.2.3: "If a list is empty,
 * the ALTO server MUST interpret it as the full set of currently defined PIDs" — so unknown
 * names are dropped first and a list left empty (or absent) selects every PID.
 */
export function selectPids(table: PidTable, names: readonly string[] | undefined): number[] {
  const selected: number[] = []
  const seen = new Set<number>()
  for (const name of names ?? []) {
    const index = table.indexOf.get(name)
    if (index === undefined || seen.has(index)) continue
    seen.add(index)
    selected.push(index)
  }
  return selected.length > 0 ? selected : table.names.map((_, i) => i)
}

export interface FilteredCostMapInput {
  pids: PidTable
  costs: CostLookup
  srcs: readonly number[]
  dsts: readonly number[]
  accept: (cost: number) => boolean
  dependentVtag: VersionTag
  costType: CostType
}

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

export interface EndpointCostInput {
  srcs: readonly Endpoint[]
  dsts: readonly Endpoint[]
  pidOf: AddressLookup
  costs: CostLookup
  accept: (cost: number) => boolean
  dependentVtag: VersionTag
  costType: CostType
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
