/**
 * @module The Information Resource Directory (RFC 7285 §9): its entry type and its renderer.
 * The compiler renders the IRD once per version from the manifest; the Worker serves that body
 * and restricts it per client (ird-view.ts).
 */
import { calendarAttributes, type CalendarAttributes, type CalendarTiming } from './calendar.ts'
import { costTypeJson, type CostType } from './cost-types.ts'
import { byCodeUnits } from './identifiers.ts'
import { MEDIA_TYPES } from './media-types.ts'
import {
  PATH_VECTOR_COST_TYPE,
  PATH_VECTOR_COST_TYPE_NAME,
  PV_MEDIA_TYPES,
  pathVectorCapabilities,
} from './path-vector.ts'
import { cdniPropertyMapMappings, cdniPropertyMapUses } from './cdni-property-names.ts'
import { resourceIds, resourcePaths } from './resources.ts'

/** RFC 7285 §9.2.2 IRDResourceEntry. */
export interface IrdEntry {
  uri: string
  'media-type': string
  accepts?: string
  capabilities?: Record<string, unknown>
  uses?: string[]
}

/**
 * Capabilities of a filtered cost map or endpoint cost resource: RFC 7285 §11.3.2.4 / §11.5.1.4
 * plus RFC 8189 §4.1.1 / §4.2.1. `max-cost-types` > 0 makes the resource multi-cost aware
 * (default 0); `testable-cost-type-names` MUST NOT appear with `cost-constraints: true` (§3.6.5).
 */
export interface CostServiceCapabilities {
  'cost-type-names': string[]
  'cost-constraints'?: boolean
  'max-cost-types'?: number
  'testable-cost-type-names'?: string[]
  /** RFC 8896 §4.1 (alto/calendar.ts). */
  'calendar-attributes'?: CalendarAttributes[]
}

/**
 * The capabilities of the filtered cost map and endpoint cost services of a network map whose
 * cost maps have `typeNames`, of which `testable` allow constraint tests. With two or more types
 * the services are RFC 8189 multi-cost aware over all of them (`max-cost-types`, §4.1.1,
 * §4.2.1). When every type is testable: `cost-constraints: true` (RFC 7285 §11.3.2.4), which
 * keeps tests open to legacy clients. Otherwise `testable-cost-type-names` lists the testable
 * ones and `cost-constraints` is left out: the two MUST NOT appear together (§3.6.5). With one
 * untestable type, neither: no tests at all.
 */
export function costServiceCapabilities(
  typeNames: readonly string[],
  testable: readonly string[] = typeNames
): CostServiceCapabilities {
  const capabilities: CostServiceCapabilities = { 'cost-type-names': [...typeNames] }
  const all = typeNames.every((n) => testable.includes(n))
  if (all) capabilities['cost-constraints'] = true
  if (typeNames.length >= 2) {
    capabilities['max-cost-types'] = typeNames.length
    const names = typeNames.filter((n) => testable.includes(n))
    if (!all && names.length > 0) capabilities['testable-cost-type-names'] = names
  }
  return capabilities
}

/** The cost type names of network map `nmId`'s cost maps, distinct, in code-unit order. */
export function networkMapCostTypeNames(costMaps: IrdSource['cost-maps'], nmId: string): string[] {
  const names = new Set<string>()
  for (const cm of Object.values(costMaps))
    if (cm['network-map'] === nmId) names.add(cm['cost-type-name'])
  return [...names].sort(byCodeUnits)
}

/** {@link costServiceCapabilities} of network map `nmId`: what the IRD announces and requests are held to. */
export function networkMapCostServiceCapabilities(
  costMaps: IrdSource['cost-maps'],
  nmId: string
): CostServiceCapabilities {
  const names = networkMapCostTypeNames(costMaps, nmId)
  const untestable = new Set<string>()
  for (const cm of Object.values(costMaps))
    if (cm['network-map'] === nmId && cm.testable === false) untestable.add(cm['cost-type-name'])
  const capabilities = costServiceCapabilities(
    names,
    names.filter((n) => !untestable.has(n))
  )
  const calendars = calendarAttributes(Object.values(costMaps), nmId)
  if (calendars) capabilities['calendar-attributes'] = calendars
  return capabilities
}

type PathVectorResourceCapabilities = ReturnType<typeof pathVectorCapabilities> & {
  'calendar-attributes'?: CalendarAttributes[]
}

/**
 * The capabilities of network map `nmId`'s two RFC 9275 resources (§7.2.4 / §7.3.4): the PV
 * type and the network map's cost types (RFC 8189 multi-cost, §8.6), the ANE properties, and
 * `calendar-attributes` (RFC 8896 §4.1) for the path table's calendar (§9.4) and the cost maps'
 * calendars, so that a multi-cost answer can calendar any of its components.
 */
export function pathVectorResourceCapabilities(
  source: Pick<IrdSource, 'cost-maps' | 'path-vectors'>,
  nmId: string
): PathVectorResourceCapabilities {
  const pv = source['path-vectors']?.[nmId]
  const capabilities: PathVectorResourceCapabilities = pathVectorCapabilities(
    (pv?.['persistent-maps'] ?? []).length > 0,
    networkMapCostTypeNames(source['cost-maps'], nmId)
  )
  const calendars = calendarAttributes(
    [
      ...(pv?.calendar
        ? [
            {
              'network-map': nmId,
              'cost-type-name': PATH_VECTOR_COST_TYPE_NAME,
              calendar: pv.calendar,
            },
          ]
        : []),
      ...Object.values(source['cost-maps']),
    ],
    nmId
  )
  if (calendars) capabilities['calendar-attributes'] = calendars
  return capabilities
}

/** RFC 7285 §9.2.1 InfoResourceDirectory. */
export interface Ird {
  meta: Record<string, unknown> & {
    'cost-types'?: Record<string, unknown>
    'default-alto-network-map'?: string
  }
  resources: Record<string, IrdEntry>
}

/** What the IRD is rendered from: the parts of a manifest that name resources. */
export interface IrdSource {
  'default-network-map': string
  'cost-types': Record<string, CostType>
  'network-maps': Record<string, unknown>
  'cost-maps': Record<
    string,
    {
      'network-map': string
      'cost-type-name': string
      testable?: false
      calendar?: CalendarTiming
    }
  >
  properties: Record<string, unknown>
  /** RFC 9240 property maps (absent in manifests written before them). */
  'property-maps'?: Record<string, { mappings: Record<string, string[]>; uses: string[] }>
  'cdni-advertisements'?: Record<string, { 'network-map'?: string; propmap?: unknown }>
  /** RFC 9275 path tables by network map id (absent: none). */
  'path-vectors'?: Record<string, { 'persistent-maps'?: string[]; calendar?: CalendarTiming }>
}

/** Network map ids with the default first, then the others in code-unit order. */
export function networkMapOrder(
  manifest: Pick<IrdSource, 'default-network-map' | 'network-maps'>
): string[] {
  const ids = Object.keys(manifest['network-maps']).sort(byCodeUnits)
  const def = manifest['default-network-map']
  return [def, ...ids.filter((id) => id !== def)]
}

/**
 * The IRD (RFC 7285 §9.2.2) with relative URIs (docs/storage-schema.md, "IRD resource naming").
 * Rendered from ordered entries so resource order is stable (default network map first).
 */
export function renderIrd(manifest: IrdSource): string {
  const resources: [string, IrdEntry][] = []
  const costMapIds = Object.keys(manifest['cost-maps']).sort(byCodeUnits)
  for (const nmId of networkMapOrder(manifest)) {
    resources.push([
      nmId,
      { uri: resourcePaths.networkMap(nmId), 'media-type': MEDIA_TYPES.networkMap },
    ])
    resources.push([
      resourceIds.filteredNetworkMap(nmId),
      {
        uri: resourcePaths.filteredNetworkMap(nmId),
        'media-type': MEDIA_TYPES.networkMap,
        accepts: MEDIA_TYPES.networkMapFilter,
        uses: [nmId],
      },
    ])
    const ownCostMaps = costMapIds.filter((id) => manifest['cost-maps'][id]['network-map'] === nmId)
    for (const cmId of ownCostMaps) {
      // RFC 7285 §11.2.3.4: "cost-type-names" of a cost map has exactly one element.
      resources.push([
        cmId,
        {
          uri: resourcePaths.costMap(cmId),
          'media-type': MEDIA_TYPES.costMap,
          capabilities: { 'cost-type-names': [manifest['cost-maps'][cmId]['cost-type-name']] },
          uses: [nmId],
        },
      ])
    }
    if (ownCostMaps.length === 0) continue
    const capabilities = networkMapCostServiceCapabilities(manifest['cost-maps'], nmId)
    resources.push([
      resourceIds.filteredCostMap(nmId),
      {
        uri: resourcePaths.filteredCostMap(nmId),
        'media-type': MEDIA_TYPES.costMap,
        accepts: MEDIA_TYPES.costMapFilter,
        capabilities: { ...capabilities },
        uses: [nmId],
      },
    ])
    // RFC 7285 §11.5.1.5: the endpoint cost resource "MUST NOT specify the 'use' field".
    resources.push([
      resourceIds.endpointCost(nmId),
      {
        uri: resourcePaths.endpointCost(nmId),
        'media-type': MEDIA_TYPES.endpointCost,
        accepts: MEDIA_TYPES.endpointCostParams,
        capabilities: { ...capabilities },
      },
    ])
  }
  // RFC 9275 §7.2 / §7.3: the multipart filtered cost map and endpoint cost service of every
  // network map with a path table. §7.2.5: `uses` MUST include the network map and, when
  // `persistent-entity-id` is offered, "the defining resources of persistent ANEs that may appear
  // in the response"; §7.3.5: the ECS uses only the latter (omitted when there are none).
  const pathVectors = manifest['path-vectors'] ?? {}
  for (const nmId of networkMapOrder(manifest)) {
    if (pathVectors[nmId] === undefined) continue
    const persistent = pathVectors[nmId]['persistent-maps'] ?? []
    const capabilities = pathVectorResourceCapabilities(manifest, nmId)
    resources.push([
      resourceIds.pathVectorCostMap(nmId),
      {
        uri: resourcePaths.pathVectorCostMap(nmId),
        'media-type': PV_MEDIA_TYPES.costMap,
        accepts: MEDIA_TYPES.costMapFilter,
        capabilities,
        uses: [nmId, ...persistent],
      },
    ])
    resources.push([
      resourceIds.pathVectorEndpointCost(nmId),
      {
        uri: resourcePaths.pathVectorEndpointCost(nmId),
        'media-type': PV_MEDIA_TYPES.endpointCost,
        accepts: MEDIA_TYPES.endpointCostParams,
        capabilities: { ...capabilities },
        ...(persistent.length > 0 ? { uses: [...persistent] } : {}),
      },
    ])
  }
  // RFC 7285 §11.4.1.4 / §7.1.1: a `pid` property for every network map.
  const propTypes = [
    ...networkMapOrder(manifest).map((id) => `${id}.pid`),
    ...Object.keys(manifest.properties).sort(byCodeUnits),
  ]
  resources.push([
    resourceIds.endpointProperty,
    {
      uri: resourcePaths.endpointProperty,
      'media-type': MEDIA_TYPES.endpointProp,
      accepts: MEDIA_TYPES.endpointPropParams,
      capabilities: { 'prop-types': propTypes },
    },
  ])
  // RFC 9240 §7.4 / §8.4: `mappings` is the only capability; §7.5 `uses`: the network maps that
  // define the `<nm>.pid` domains, omitted when empty.
  const propertyMaps = manifest['property-maps'] ?? {}
  for (const pmId of Object.keys(propertyMaps).sort(byCodeUnits)) {
    const { mappings, uses } = propertyMaps[pmId]
    const common = { capabilities: { mappings }, ...(uses.length > 0 ? { uses } : {}) }
    resources.push([
      pmId,
      { uri: resourcePaths.propertyMap(pmId), 'media-type': MEDIA_TYPES.propMap, ...common },
    ])
    resources.push([
      resourceIds.filteredPropertyMap(pmId),
      {
        uri: resourcePaths.filteredPropertyMap(pmId),
        'media-type': MEDIA_TYPES.propMap,
        accepts: MEDIA_TYPES.propMapParams,
        ...common,
      },
    ])
  }
  // RFC 9241 §3 CDNI Advertisement and §5 its filtered form: no capabilities (§3.4, §5.4), `uses`
  // only when altopid footprints name a network map (§3.5, §5.5).
  const cdni = manifest['cdni-advertisements'] ?? {}
  for (const id of Object.keys(cdni).sort(byCodeUnits)) {
    const nm = cdni[id]['network-map']
    const uses = nm !== undefined ? { uses: [nm] } : {}
    resources.push([id, { uri: resourcePaths.cdni(id), 'media-type': MEDIA_TYPES.cdni, ...uses }])
    resources.push([
      resourceIds.filteredCdni(id),
      {
        uri: resourcePaths.filteredCdni(id),
        'media-type': MEDIA_TYPES.cdni,
        accepts: MEDIA_TYPES.cdniFilter,
        ...uses,
      },
    ])
    // RFC 9241 §6 / §3.7.1: the footprints as an RFC 9240 property map of
    // `<id>.cdni-capabilities`; `uses` the defining resources (RFC 9240 §7.5).
    if (cdni[id].propmap === undefined) continue
    const pmCommon = {
      capabilities: { mappings: cdniPropertyMapMappings(id, nm) },
      uses: cdniPropertyMapUses(id, nm),
    }
    resources.push([
      resourceIds.cdniPropertyMap(id),
      { uri: resourcePaths.cdniPropertyMap(id), 'media-type': MEDIA_TYPES.propMap, ...pmCommon },
    ])
    resources.push([
      resourceIds.filteredCdniPropertyMap(id),
      {
        uri: resourcePaths.filteredCdniPropertyMap(id),
        'media-type': MEDIA_TYPES.propMap,
        accepts: MEDIA_TYPES.propMapParams,
        ...pmCommon,
      },
    ])
  }
  // Incremental updates of every GET-mode map (docs/updates.md): TIPS (RFC 9569 "TIPS IRD
  // Announcement") and the ALTO/SSE update stream (RFC 8895 §6.2-§6.4). `uses` lists every network
  // map with its cost maps right after it (closed under dependency, as both RFCs recommend).
  const updatable = networkMapOrder(manifest).flatMap((nmId) => [
    nmId,
    ...costMapIds.filter((id) => manifest['cost-maps'][id]['network-map'] === nmId),
  ])
  // RFC 9240 property maps (full ones), after every network map of their `<nm>.pid` domains.
  updatable.push(...Object.keys(propertyMaps).sort(byCodeUnits))
  // RFC 9241 §3.7.3 / §4.2.3: CDNI Advertisements, after every network map an altopid one uses.
  updatable.push(...Object.keys(cdni).sort(byCodeUnits))
  // RFC 9241 §6.3.3: their capabilities as property maps (GET-mode), after the advertisements.
  updatable.push(
    ...Object.keys(cdni)
      .sort(byCodeUnits)
      .filter((id) => cdni[id].propmap !== undefined)
      .map((id) => resourceIds.cdniPropertyMap(id))
  )
  // RFC 8895 §6.5 `input`: the update stream also follows the POST-mode filtered cost map and
  // endpoint cost service of each network map with cost maps (multi-cost and calendared requests
  // included), right after that network map's cost maps. Their changes are merge patches too:
  // a cost that drops out of a constrained answer is a `null` member (§9.3), a multi-cost
  // `null` component sits inside an array, which merge patch replaces whole.
  const postCost = new Set(
    networkMapOrder(manifest).flatMap((nmId) => [
      resourceIds.filteredCostMap(nmId),
      resourceIds.endpointCost(nmId),
    ])
  )
  const streamable = networkMapOrder(manifest).flatMap((nmId) => {
    const own = costMapIds.filter((id) => manifest['cost-maps'][id]['network-map'] === nmId)
    if (own.length === 0) return [nmId]
    return [nmId, ...own, resourceIds.filteredCostMap(nmId), resourceIds.endpointCost(nmId)]
  })
  streamable.push(...updatable.filter((id) => !streamable.includes(id)))
  // RFC 8895 §6.5 `input` on RFC 9240 §8 filtered property maps and RFC 9241 filtered CDNI
  // resources too, after every full resource
  // (their `<nm>.pid` entities depend on network maps, their values on the full property map).
  const postPropmaps = Object.keys(propertyMaps)
    .sort(byCodeUnits)
    .map((id) => resourceIds.filteredPropertyMap(id))
  // RFC 9241 §5 filtered CDNI Advertisements and §6 their filtered capability property maps.
  const postCdni = Object.keys(cdni)
    .sort(byCodeUnits)
    .flatMap((id) => [
      resourceIds.filteredCdni(id),
      ...(cdni[id].propmap !== undefined ? [resourceIds.filteredCdniPropertyMap(id)] : []),
    ])
  streamable.push(...postPropmaps, ...postCdni)
  const postInput = new Set([...postCost, ...postPropmaps, ...postCdni])
  // RFC 9275 §9.3: the multipart path-vector resources, after everything they use (the network
  // map and the property maps of their persistent ANEs). Merge patches apply to one part each
  // (RFC 8895 §6.7.3), named `<substream-id>.<part>@<domain>`.
  for (const nmId of networkMapOrder(manifest))
    if (Object.hasOwn(pathVectors, nmId))
      streamable.push(resourceIds.pathVectorCostMap(nmId), resourceIds.pathVectorEndpointCost(nmId))
  const streamChangeTypes = Object.fromEntries(streamable.map((id) => [id, MEDIA_TYPES.mergePatch]))
  // RFC 9569 TIPSReq `input`: TIPS also opens views of the POST-mode filtered cost map,
  // endpoint cost service, filtered property maps and CDNI resources (one per input), in the update
  // stream's order; not the multipart path-vector resources, whose parts RFC 9569 gives no item
  // encoding for.
  const tipsUses = streamable.filter((id) => updatable.includes(id) || postInput.has(id))
  resources.push([
    resourceIds.tips,
    {
      uri: resourcePaths.tips,
      'media-type': MEDIA_TYPES.tips,
      accepts: MEDIA_TYPES.tipsParams,
      capabilities: {
        'incremental-change-media-types': Object.fromEntries(
          tipsUses.map((id) => [id, MEDIA_TYPES.mergePatch])
        ),
      },
      uses: tipsUses,
    },
  ])
  resources.push([
    resourceIds.updateStream,
    {
      uri: resourcePaths.updateStream,
      'media-type': MEDIA_TYPES.eventStream,
      accepts: MEDIA_TYPES.updateStreamParams,
      capabilities: {
        'incremental-change-media-types': streamChangeTypes,
        'support-stream-control': true,
      },
      uses: streamable,
    },
  ])
  // RFC 9275 §7.2.4: the PV cost type MUST be defined in meta.cost-types (§8.2's name).
  const allCostTypes: Record<string, CostType> = { ...manifest['cost-types'] }
  if (Object.keys(pathVectors).length > 0)
    allCostTypes[PATH_VECTOR_COST_TYPE_NAME] = PATH_VECTOR_COST_TYPE
  const costTypes = Object.keys(allCostTypes)
    .sort(byCodeUnits)
    .map((name) => `${JSON.stringify(name)}:${costTypeJson(allCostTypes[name])}`)
  const meta = `{"cost-types":{${costTypes.join(',')}},"default-alto-network-map":${JSON.stringify(manifest['default-network-map'])}}`
  const body = resources.map(([id, e]) => `${JSON.stringify(id)}:${JSON.stringify(e)}`).join(',')
  return `{"meta":${meta},"resources":{${body}}}`
}
