/**
 * @module `AltoClient`: every information service an ALTO server's directory announces (RFC 7285
 * §11), found by media type and `accepts` (never by URI convention), with the request types of
 * the server's own schemas (src/alto/request-schemas.ts) and the response types of
 * src/alto/response-schemas.ts. Runs wherever `fetch` does: browsers, Node ≥ 22, Workers.
 *
 *   const alto = await AltoClient.discover('https://alto.example')
 *   const pids = await alto.pidsOf(['ipv4:192.0.2.34'])
 *   const costs = await alto.endpointCost({ 'cost-type': …, endpoints: { srcs, dsts } })
 */
import {
  cdniAdvertisementResponseSchema,
  type CdniAdvertisementResponse,
  type CdniFilterRequest,
} from '../alto/cdni.ts'
import type { CostType } from '../alto/cost-types.ts'
import { MEDIA_TYPES } from '../alto/media-types.ts'
import type {
  EndpointCostRequest,
  EndpointPropertyRequest,
  FilteredCostMapRequest,
  FilteredNetworkMapRequest,
  PathVectorCostMapRequest,
  PathVectorEndpointCostRequest,
} from '../alto/request-schemas.ts'
import {
  costMapResponseSchema,
  endpointCostResponseSchema,
  endpointPropertyResponseSchema,
  multiCostMapResponseSchema,
  multiEndpointCostResponseSchema,
  networkMapResponseSchema,
  calendaredEndpointCostResponseSchema,
  type CalendaredEndpointCostResponse,
  type CostMapResponse,
  type MultiCostMapResponse,
  type MultiEndpointCostResponse,
  type EndpointCostResponse,
  type EndpointPropertyResponse,
  type NetworkMapResponse,
} from '../alto/response-schemas.ts'
import {
  costTypeNames,
  discover,
  sameCostType,
  type Directory,
  type Resource,
} from './directory.ts'
import { clientFail } from './errors.ts'
import { Transport, type TransportOptions } from './http.ts'
import { follow, type FollowOptions, type FollowEvent } from './follow.ts'
import { parsePathVectorParts, type PathVectorParts } from './multipart.ts'
import { PV_MEDIA_TYPES } from '../alto/path-vector.ts'

/** An RFC 9275 multipart answer, parsed (§6.6). */
export interface PathVectorAnswer {
  /** The Path Vector part (the root): a cost map or endpoint cost map of ANE-name arrays. */
  paths: Record<string, unknown>
  /** The ANE property map part: `.ane:<name>` → the requested ANE properties. */
  properties: Record<string, unknown>
  /** The parts' Content-IDs (without `<>`), root first. */
  contentIds: [string, string]
}

export type ClientOptions = TransportOptions

/**
 * A single-cost request (RFC 7285 §11.3.2.3, §11.5.1.3): `cost-type` is required. The RFC 8189
 * members (`multi-cost-types`, …) change the answer's shape, which these methods do not parse.
 */
type SingleCost<T> = Omit<T, 'cost-type' | 'multi-cost-types'> & {
  'cost-type': Pick<CostType, 'cost-mode' | 'cost-metric'>
}

/** An RFC 8189 multi-cost request (§4.1.2, §4.2.2): `multi-cost-types`, no `cost-type`. */
type MultiCost<T> = Omit<T, 'cost-type' | 'multi-cost-types'> & {
  'multi-cost-types': Pick<CostType, 'cost-mode' | 'cost-metric'>[]
}

/** A cost type by its IRD name (`num-routingcost`) or as mode and metric. */
export type CostTypeRef = string | Pick<CostType, 'cost-mode' | 'cost-metric'>

/** Picks one resource where several would do: by id, or the one using a given network map. */
export interface ResourceChoice {
  /** Use exactly this resource id. */
  resourceId?: string
  /** The network map the resource must use (default: the IRD's default network map). */
  networkMap?: string
}

export class AltoClient {
  readonly transport: Transport
  readonly directory: Directory

  constructor(transport: Transport, directory: Directory) {
    this.transport = transport
    this.directory = directory
  }

  /** Reads the server's IRD (and every IRD it delegates to) and returns a client for it. */
  static async discover(server: string | URL, opts: ClientOptions = {}): Promise<AltoClient> {
    const transport = new Transport(opts)
    return new AltoClient(transport, await discover(transport, server))
  }

  /** Reads the directory again (e.g. after a publication added resources). */
  async refresh(): Promise<AltoClient> {
    return new AltoClient(this.transport, await discover(this.transport, this.directory.uri))
  }

  /** The resource with this id, or a `no-resource` failure. */
  resource(id: string): Resource {
    return (
      this.directory.resources.get(id) ??
      clientFail({
        kind: 'no-resource',
        reason: `the directory has no resource ${JSON.stringify(id)}`,
      })
    )
  }

  /** Every resource of a media type (and request media type), in directory order. */
  resourcesOf(mediaType: string, accepts?: string): Resource[] {
    return [...this.directory.resources.values()].filter(
      (r) => r.mediaType === mediaType && r.accepts === accepts
    )
  }

  /** The default network map's id (§9.2.1 `default-alto-network-map`), else the first one. */
  defaultNetworkMap(): string {
    const id = this.directory.defaultNetworkMap ?? this.resourcesOf(MEDIA_TYPES.networkMap)[0]?.id
    return id ?? clientFail({ kind: 'no-resource', reason: 'the directory offers no network map' })
  }

  #pick(
    what: string,
    candidates: Resource[],
    choice: ResourceChoice,
    usesMap: boolean,
    fit?: (r: Resource) => boolean
  ): Resource {
    if (choice.resourceId !== undefined) {
      const r = this.resource(choice.resourceId)
      if (!candidates.includes(r))
        clientFail({
          kind: 'no-resource',
          reason: `resource ${choice.resourceId} is not a ${what}`,
        })
      return r
    }
    let fitting = fit ? candidates.filter(fit) : candidates
    if (usesMap) {
      const nm = choice.networkMap ?? this.defaultNetworkMap()
      const using = fitting.filter((r) => r.uses.includes(nm))
      if (using.length > 0 || choice.networkMap !== undefined) fitting = using
    }
    return (
      fitting[0] ??
      clientFail({
        kind: 'no-resource',
        reason: `the directory offers no ${what}${choice.networkMap ? ` for network map ${choice.networkMap}` : ''}`,
      })
    )
  }

  /** The IRD name and full cost type a resource offers for `ref` (§10.7), or undefined. */
  costTypeOf(resource: Resource, ref: CostTypeRef): { name: string; type: CostType } | undefined {
    for (const name of costTypeNames(resource)) {
      const type = resource.costTypes[name]
      if (!type) continue
      if (typeof ref === 'string' ? ref === name : sameCostType(type, ref as CostType))
        return { name, type }
    }
    return undefined
  }

  /** §11.2.1 full network map (GET, revalidated from the cache). */
  networkMap(id: string = this.defaultNetworkMap()): Promise<NetworkMapResponse> {
    const r = this.resource(id)
    if (r.mediaType !== MEDIA_TYPES.networkMap || r.accepts)
      clientFail({ kind: 'no-resource', reason: `resource ${id} is not a network map` })
    return this.transport.get(r.uri, MEDIA_TYPES.networkMap, networkMapResponseSchema)
  }

  /** §11.3.1 filtered network map. */
  filteredNetworkMap(
    request: FilteredNetworkMapRequest,
    choice: ResourceChoice = {}
  ): Promise<NetworkMapResponse> {
    const r = this.#pick(
      'filtered network map',
      this.resourcesOf(MEDIA_TYPES.networkMap, MEDIA_TYPES.networkMapFilter),
      choice,
      true
    )
    return this.transport.post(
      r.uri,
      MEDIA_TYPES.networkMapFilter,
      MEDIA_TYPES.networkMap,
      request,
      networkMapResponseSchema
    )
  }

  /** §11.2.3 full cost map of a cost type (GET, revalidated from the cache). */
  costMap(costType: CostTypeRef, choice: ResourceChoice = {}): Promise<CostMapResponse> {
    const r = this.#pick(
      `cost map of ${describeCostType(costType)}`,
      this.resourcesOf(MEDIA_TYPES.costMap),
      choice,
      true,
      (c) => this.costTypeOf(c, costType) !== undefined
    )
    return this.transport.get(r.uri, MEDIA_TYPES.costMap, costMapResponseSchema)
  }

  /** §11.3.2 filtered cost map; the resource is chosen by the request's cost type. */
  filteredCostMap(
    request: SingleCost<FilteredCostMapRequest>,
    choice: ResourceChoice = {}
  ): Promise<CostMapResponse> {
    const r = this.#pick(
      `filtered cost map of ${describeCostType(request['cost-type'])}`,
      this.resourcesOf(MEDIA_TYPES.costMap, MEDIA_TYPES.costMapFilter),
      choice,
      true,
      (c) => this.costTypeOf(c, request['cost-type']) !== undefined
    )
    return this.transport.post(
      r.uri,
      MEDIA_TYPES.costMapFilter,
      MEDIA_TYPES.costMap,
      request,
      costMapResponseSchema
    )
  }

  /** §11.4.1 endpoint properties. */
  endpointProperties(
    request: EndpointPropertyRequest,
    choice: ResourceChoice = {}
  ): Promise<EndpointPropertyResponse> {
    const r = this.#pick(
      'endpoint property service',
      this.resourcesOf(MEDIA_TYPES.endpointProp, MEDIA_TYPES.endpointPropParams),
      choice,
      false,
      (c) => {
        const types = c.capabilities['prop-types']
        return !Array.isArray(types) || request.properties.every((p) => types.includes(p))
      }
    )
    return this.transport.post(
      r.uri,
      MEDIA_TYPES.endpointPropParams,
      MEDIA_TYPES.endpointProp,
      request,
      endpointPropertyResponseSchema
    )
  }

  /**
   * The PID of each address in a network map (§7.1.1: the `<network-map>.pid` endpoint
   * property); an address no prefix covers is absent.
   */
  async pidsOf(
    addresses: readonly string[],
    networkMap: string = this.defaultNetworkMap()
  ): Promise<Map<string, string>> {
    const property = `${networkMap}.pid`
    const body = await this.endpointProperties({
      properties: [property],
      endpoints: [...addresses],
    })
    const out = new Map<string, string>()
    for (const address of addresses) {
      const pid = body['endpoint-properties'][address]?.[property]
      if (pid !== undefined) out.set(address, pid)
    }
    return out
  }

  /**
   * §11.5.1 endpoint cost service; the resource is chosen by the request's cost type (an endpoint
   * cost resource names no network map: §11.5.1.5 "MUST NOT specify the 'use' field").
   */
  endpointCost(
    request: SingleCost<EndpointCostRequest>,
    choice: ResourceChoice = {}
  ): Promise<EndpointCostResponse> {
    const r = this.endpointCostResource(request['cost-type'], choice)
    return this.transport.post(
      r.uri,
      MEDIA_TYPES.endpointCostParams,
      MEDIA_TYPES.endpointCost,
      request,
      endpointCostResponseSchema
    )
  }

  /**
   * RFC 8189 §4.1 filtered multi-cost map: the resource offers every requested type and a
   * `max-cost-types` of at least their number (§4.1.1); costs are arrays in request order.
   */
  filteredMultiCostMap(
    request: MultiCost<FilteredCostMapRequest>,
    choice: ResourceChoice = {}
  ): Promise<MultiCostMapResponse> {
    const types = request['multi-cost-types']
    const r = this.#pick(
      `multi-cost filtered cost map of ${types.map(describeCostType).join(', ')}`,
      this.resourcesOf(MEDIA_TYPES.costMap, MEDIA_TYPES.costMapFilter),
      choice,
      true,
      (c) => this.offersAll(c, types)
    )
    return this.transport.post(
      r.uri,
      MEDIA_TYPES.costMapFilter,
      MEDIA_TYPES.costMap,
      request,
      multiCostMapResponseSchema
    )
  }

  /**
   * RFC 9275 §7.3 path vectors of endpoint pairs (the multipart endpoint cost service of the
   * chosen network map): `paths` is the Path Vector part (RFC 7285 §11.5.1.6, or RFC 8189 §4.2.3
   * arrays with `multi-cost-types`), `properties` the ANE property map part (RFC 9240 §7.6).
   */
  pathVectorEndpointCost(
    request: PathVectorEndpointCostRequest,
    choice: ResourceChoice = {}
  ): Promise<PathVectorAnswer> {
    return this.#pathVector(
      PV_MEDIA_TYPES.endpointCost,
      MEDIA_TYPES.endpointCostParams,
      request,
      choice
    )
  }

  /** RFC 9275 §7.2 path vectors between PIDs (the multipart filtered cost map), as above. */
  pathVectorCostMap(
    request: PathVectorCostMapRequest,
    choice: ResourceChoice = {}
  ): Promise<PathVectorAnswer> {
    return this.#pathVector(PV_MEDIA_TYPES.costMap, MEDIA_TYPES.costMapFilter, request, choice)
  }

  async #pathVector(
    mediaType: string,
    accepts: string,
    request: unknown,
    choice: ResourceChoice
  ): Promise<PathVectorAnswer> {
    const r = this.#pick('path-vector resource', this.resourcesOf(mediaType, accepts), choice, true)
    const res = await this.transport.send(r.uri, {
      method: 'POST',
      headers: { 'Content-Type': accepts, Accept: `multipart/related,${MEDIA_TYPES.error}` },
      body: JSON.stringify(request),
    })
    if (!res.ok) return this.transport.fail(res, 'POST', r.uri)
    let parsed: PathVectorParts
    try {
      parsed = parsePathVectorParts(
        await res.text(),
        res.headers.get('Content-Type') ?? '',
        MEDIA_TYPES.propMap
      )
    } catch (e) {
      return clientFail({ kind: 'invalid-response', url: r.uri, reason: (e as Error).message })
    }
    return {
      paths: parsed.root.json,
      properties: parsed.properties.json,
      contentIds: [parsed.root.contentId, parsed.properties.contentId],
    }
  }

  /** RFC 8189 §4.2 endpoint multi-cost service, chosen as {@link filteredMultiCostMap}'s. */
  endpointMultiCost(
    request: MultiCost<EndpointCostRequest>,
    choice: ResourceChoice = {}
  ): Promise<MultiEndpointCostResponse> {
    const types = request['multi-cost-types']
    const r = this.#pick(
      `multi-cost endpoint cost service of ${types.map(describeCostType).join(', ')}`,
      this.resourcesOf(MEDIA_TYPES.endpointCost, MEDIA_TYPES.endpointCostParams),
      { resourceId: choice.resourceId },
      false,
      (c) => this.offersAll(c, types)
    )
    return this.transport.post(
      r.uri,
      MEDIA_TYPES.endpointCostParams,
      MEDIA_TYPES.endpointCost,
      request,
      multiEndpointCostResponseSchema
    )
  }

  /**
   * RFC 8896 §5.2 calendared endpoint cost: `calendared` has one flag per requested type (the
   * `cost-type`, or each of `multi-cost-types`); the resource chosen offers every type, and its
   * `calendar-attributes` (§4.1) name every flagged one. Calendared costs are arrays of
   * `number-of-intervals` values; `meta.calendar-response-attributes` says when they start.
   */
  async calendaredEndpointCost(
    request: EndpointCostRequest & { calendared: boolean[] },
    choice: ResourceChoice = {}
  ): Promise<CalendaredEndpointCostResponse> {
    const types = (request['multi-cost-types'] ??
      (request['cost-type'] ? [request['cost-type']] : [])) as CostTypeRef[]
    if (types.length === 0 || request.calendared.length !== types.length)
      clientFail({
        kind: 'no-resource',
        reason: `calendared needs one flag per cost type (${request.calendared.length} flags, ${types.length} types)`,
      })
    const r = this.#pick(
      `calendared endpoint cost service of ${types.map(describeCostType).join(', ')}`,
      this.resourcesOf(MEDIA_TYPES.endpointCost, MEDIA_TYPES.endpointCostParams),
      { resourceId: choice.resourceId },
      false,
      (c) => this.offersCalendars(c, types, request.calendared)
    )
    return this.transport.post(
      r.uri,
      MEDIA_TYPES.endpointCostParams,
      MEDIA_TYPES.endpointCost,
      request,
      calendaredEndpointCostResponseSchema
    )
  }

  /** Whether a resource offers `types` with a calendar for each flagged one (RFC 8896 §4.1). */
  offersCalendars(resource: Resource, types: readonly CostTypeRef[], flags: readonly boolean[]) {
    const attrs = resource.capabilities['calendar-attributes']
    const calendared = new Set(
      Array.isArray(attrs)
        ? attrs.flatMap((a) => (a as { 'cost-type-names'?: string[] })['cost-type-names'] ?? [])
        : []
    )
    if (types.length > 1 && !this.offersAll(resource, types)) return false
    return types.every((t, i) => {
      const found = this.costTypeOf(resource, t)
      return found !== undefined && (!flags[i] || calendared.has(found.name))
    })
  }

  /** Whether a resource can answer these types in one multi-cost request (RFC 8189 §4.1.1). */
  offersAll(resource: Resource, types: readonly CostTypeRef[]): boolean {
    const max = Number(resource.capabilities['max-cost-types'] ?? 0)
    return max >= types.length && types.every((t) => this.costTypeOf(resource, t) !== undefined)
  }

  /** The endpoint cost resource offering a cost type. */
  endpointCostResource(costType: CostTypeRef, choice: ResourceChoice = {}): Resource {
    return this.#pick(
      `endpoint cost service of ${describeCostType(costType)}`,
      this.resourcesOf(MEDIA_TYPES.endpointCost, MEDIA_TYPES.endpointCostParams),
      { resourceId: choice.resourceId },
      false,
      (c) => this.costTypeOf(c, costType) !== undefined
    )
  }

  /**
   * RFC 9241 §3 CDNI Advertisement (GET, revalidated from the cache): `id`, else the
   * directory's first one.
   */
  async cdniAdvertisement(id?: string): Promise<CdniAdvertisementResponse> {
    const r = this.#pick(
      'CDNI advertisement',
      this.resourcesOf(MEDIA_TYPES.cdni),
      { resourceId: id },
      false
    )
    return this.transport.get(r.uri, MEDIA_TYPES.cdni, cdniAdvertisementResponseSchema)
  }

  /**
   * RFC 9241 §5 filtered CDNI Advertisement: the advertisement objects whose capabilities cover
   * one of the requested ones (`[]`: all). `choice.resourceId` names the filtered resource.
   */
  async filteredCdniAdvertisement(
    request: CdniFilterRequest,
    choice: Pick<ResourceChoice, 'resourceId'> = {}
  ): Promise<CdniAdvertisementResponse> {
    const r = this.#pick(
      'filtered CDNI advertisement',
      this.resourcesOf(MEDIA_TYPES.cdni, MEDIA_TYPES.cdniFilter),
      choice,
      false
    )
    return this.transport.post(
      r.uri,
      MEDIA_TYPES.cdniFilter,
      MEDIA_TYPES.cdni,
      request,
      cdniAdvertisementResponseSchema
    )
  }

  /**
   * Follows a GET-mode resource, or a POST-mode one with `input` (RFC 8895 §6.5, RFC 9569
   * TIPSReq `input`), through TIPS (RFC 9569, the default where a TIPS offers it) or ALTO/SSE
   * (RFC 8895): the first event carries the full body, each later one the body after a change.
   * A path-vector resource (multipart, SSE only) yields `parts` and a body of parts by Content-ID.
   */
  follow(resourceId: string, opts: FollowOptions = {}): AsyncGenerator<FollowEvent> {
    const offering = (media: string) =>
      [...this.directory.resources.values()].filter(
        (r) => r.mediaType === media && r.uses.includes(resourceId)
      )
    // TIPS when one offers the resource (RFC 9569), else the update stream (path vectors).
    const via = opts.via ?? (offering(MEDIA_TYPES.tips).length > 0 ? 'tips' : 'sse')
    const services = offering(via === 'tips' ? MEDIA_TYPES.tips : MEDIA_TYPES.eventStream)
    const service =
      services[0] ??
      clientFail({
        kind: 'no-resource',
        reason: `the server offers no ${via === 'tips' ? 'TIPS' : 'update stream'} resource for ${resourceId}`,
      })
    return follow(this.transport, service.uri, resourceId, { ...opts, via })
  }
}

function describeCostType(ref: CostTypeRef): string {
  return typeof ref === 'string' ? ref : `${ref['cost-mode']} ${ref['cost-metric']}`
}
