/**
 * @module Loads a whole map set (config + network maps + cost maps + properties) from its
 * source texts into the validated model (model.ts). This module is the orchestration: the
 * config, its defaults, the order sources load in, and the rules across sources (unique
 * resource ids, the default network map, one cost map per (network map, cost type), one file
 * per property). Every problem is collected (not just the first) in the Diagnostics.
 */
import { byCodeUnits, resourceIdProblem } from '../../alto/identifiers.ts'
import { resourceIds } from '../../alto/resources.ts'
import { Diagnostics, describeOrigin, joinPath, type Origin } from '../source-error.ts'
import { loadCdniAdvertisement } from './cdni.ts'
import { splitPersistentAneId } from '../../alto/path-vector.ts'
import { loadPathVector } from './path-vector.ts'
import { forEachConfigEntry, type LoadContext } from './config-entries.ts'
import { loadCostCalendar } from './calendar.ts'
import { loadCostMap, type NetworkMapsLoaded } from './cost-map.ts'
import { checkSchema, readJson } from './json.ts'
import {
  CONFIG_FILE,
  DEFAULT_KEEP,
  type CdniSource,
  type CostMapSource,
  type LoadedMapSet,
  type PathVectorSource,
  type NetworkMapSource,
  type PropertyMapSource,
  type PropertySource,
  type SourceFiles,
} from './model.ts'
import { checkNetworkMap } from './network-map-check.ts'
import { loadNetworkMap, withPidOrder } from './network-map.ts'
import { loadProperty } from './property.ts'
import { loadPropertyMap } from './property-map.ts'
import { configSchema, type MapSetConfig } from './schema.ts'

/** Loads and validates a whole map set. Returns undefined when there were errors. */
export function loadMapSet(
  diag: Diagnostics,
  files: SourceFiles,
  progress: (msg: string) => void = () => {}
): LoadedMapSet | undefined {
  const configAt: Origin = { file: CONFIG_FILE, path: '' }
  const configData = readJson(diag, files, CONFIG_FILE, configAt)
  if (configData === undefined) return undefined
  const config: MapSetConfig | undefined = checkSchema(diag, CONFIG_FILE, configSchema, configData)
  if (!config) return undefined
  const ctx: LoadContext = { diag, files, progress }
  const claimId = resourceIdClaims(diag)
  claimId(resourceIds.endpointProperty, configAt, 'endpoint property service')

  const byId = new Map<string, NetworkMapSource>()
  const networkMaps: NetworkMapsLoaded = { byId, someFailed: false }
  forEachConfigEntry(ctx, 'network-maps', config['network-maps'], (source) => {
    const nm = loadNetworkMap(diag, files, source)
    if (!nm) {
      networkMaps.someFailed = true
      return
    }
    checkNetworkMap(diag, nm)
    claimId(nm.id, nm.origin, 'network map')
    // A duplicate id is reported by claimId; the first map of that id stays. A map is kept
    // even when its prefixes have errors, so its cost maps are still checked.
    if (!networkMaps.byId.has(nm.id)) networkMaps.byId.set(nm.id, withPidOrder(nm))
  })
  const defaultId = config['default-network-map']
  if (!networkMaps.byId.has(defaultId) && !networkMaps.someFailed) {
    diag.error(
      { file: CONFIG_FILE, path: 'default-network-map' },
      'default network map is not defined in this map set',
      defaultId
    )
  }

  const costMaps: CostMapSource[] = []
  const byKey = new Map<string, CostMapSource>()
  forEachConfigEntry(ctx, 'cost-maps', config['cost-maps'], (source) => {
    const cm = loadCostMap(diag, files, source, networkMaps)
    if (!cm) return
    // RFC 7285 §11.2.3.5: "... the ALTO server MUST NOT provide two cost maps with the same
    // cost type and network map".
    const key = `${cm.networkMap}\n${cm.costTypeName}`
    const other = byKey.get(key)
    if (other) {
      diag.error(
        cm.origin,
        `cost maps ${other.id} (${other.file}) and ${cm.id} (${cm.file}) both have cost type ${cm.costTypeName} over network map ${cm.networkMap}; RFC 7285 §11.2.3.5 forbids two cost maps with the same (network map, cost type)`,
        cm.costTypeName
      )
      return
    }
    byKey.set(key, cm)
    claimId(cm.id, cm.origin, 'cost map')
    costMaps.push(cm)
  })

  // RFC 8896 cost calendars, each of one cost map.
  const costMapById = new Map(costMaps.map((cm) => [cm.id, cm]))
  forEachConfigEntry(ctx, 'cost-calendars', config['cost-calendars'], (source) => {
    const loaded = loadCostCalendar(
      diag,
      source,
      costMapById,
      (cm) => networkMaps.byId.get(cm.networkMap)!.pidIndex
    )
    if (!loaded) return
    const cm = costMapById.get(loaded.costMap)!
    if (cm.calendar) {
      diag.error(
        { file: source.file, path: 'cost-map' },
        `cost map ${cm.id} already has a calendar (${cm.calendar.file})`,
        cm.id
      )
      return
    }
    cm.calendar = loaded.calendar
  })
  checkCostContexts(diag, costMaps)

  // Generated resource ids (docs/storage-schema.md, "IRD resource naming").
  for (const nm of networkMaps.byId.values()) {
    const generated = [resourceIds.filteredNetworkMap(nm.id)]
    if (costMaps.some((c) => c.networkMap === nm.id)) {
      generated.push(resourceIds.filteredCostMap(nm.id), resourceIds.endpointCost(nm.id))
    }
    for (const id of generated) {
      const problem = resourceIdProblem(id)
      if (problem)
        diag.error(
          nm.origin,
          `${problem}: generated resource id ${id} of network map ${nm.id}; shorten the network map id`,
          id
        )
      else claimId(id, nm.origin, `generated for network map ${nm.id}`)
    }
  }

  const properties: PropertySource[] = []
  const propertyFiles = new Map<string, string>()
  forEachConfigEntry(ctx, 'endpoint-properties', config['endpoint-properties'], (source) => {
    const prop = loadProperty(diag, files, source)
    if (!prop) return
    const other = propertyFiles.get(prop.name)
    if (other !== undefined) {
      diag.error(prop.origin, `property ${prop.name} is also defined in ${other}`, prop.name)
      return
    }
    propertyFiles.set(prop.name, source.file)
    properties.push(prop)
  })

  // RFC 9240 property maps: the map and its filtered form (`<id>-filtered`) are resources.
  const propertyMaps: PropertyMapSource[] = []
  forEachConfigEntry(ctx, 'property-maps', config['property-maps'], (source) => {
    const pm = loadPropertyMap(diag, files, source, networkMaps.byId)
    if (!pm) return
    claimId(pm.id, pm.origin, 'property map')
    const filtered = resourceIds.filteredPropertyMap(pm.id)
    const problem = resourceIdProblem(filtered)
    if (problem)
      diag.error(
        pm.origin,
        `${problem}: generated resource id ${filtered} of property map ${pm.id}`,
        filtered
      )
    else claimId(filtered, pm.origin, `generated for property map ${pm.id}`)
    propertyMaps.push(pm)
  })
  // RFC 9241 CDNI Advertisement resources, each with its filtered form (§5).
  const cdniAdvertisements: CdniSource[] = []
  forEachConfigEntry(ctx, 'cdni-advertisements', config['cdni-advertisements'], (source) => {
    const cdni = loadCdniAdvertisement(diag, source, networkMaps.byId, networkMaps.someFailed)
    if (!cdni) return
    claimId(cdni.id, cdni.origin, 'CDNI advertisement')
    // Its filtered resource and (RFC 9241 §6) its property map and filtered property map.
    for (const generated of [
      resourceIds.filteredCdni(cdni.id),
      resourceIds.cdniPropertyMap(cdni.id),
      resourceIds.filteredCdniPropertyMap(cdni.id),
    ]) {
      const problem = resourceIdProblem(generated)
      if (problem)
        diag.error(
          cdni.origin,
          `${problem}: generated resource id ${generated} of CDNI advertisement ${cdni.id}; shorten its id`,
          generated
        )
      else claimId(generated, cdni.origin, `generated for CDNI advertisement ${cdni.id}`)
    }
    cdniAdvertisements.push(cdni)
  })

  // RFC 9275 path vectors: at most one source per network map.
  const pathVectors = new Map<string, PathVectorSource>()
  forEachConfigEntry(ctx, 'path-vectors', config['path-vectors'], (source) => {
    const pv = loadPathVector(diag, source, networkMaps.byId, networkMaps.someFailed)
    if (!pv) return
    const other = pathVectors.get(pv.networkMap)
    if (other)
      diag.error(
        pv.origin,
        `network map ${pv.networkMap} already has path vectors in ${other.file}`,
        pv.networkMap
      )
    else pathVectors.set(pv.networkMap, pv)
  })
  // RFC 9275 §6.4.2 / §6.2.4: a persistent-entity-id `<P>.ane:<name>` names an ANE that
  // property map P defines (its `.ane` domain), so that a client can query it there (§6.4.3).
  const pmById = new Map(propertyMaps.map((pm) => [pm.id, pm]))
  for (const pv of pathVectors.values()) {
    for (const ane of pv.anes) {
      const id = ane.persistentEntityId
      if (id === undefined) continue
      const at: Origin = {
        file: pv.file,
        path: joinPath(['anes', ane.name, 'persistent-entity-id']),
      }
      const [pmId, name] = splitPersistentAneId(id)
      const pm = pmById.get(pmId)
      if (!pm) diag.error(at, `no property map ${pmId} in this map set (RFC 9275 §6.2.4)`, id)
      else if (!pm.anes.has(name))
        diag.error(at, `property map ${pmId} defines no ANE ${name} under "anes"`, id)
    }
  }

  if (diag.errors.length > 0) return undefined
  return {
    defaultNetworkMap: defaultId,
    keep: config.history?.keep ?? DEFAULT_KEEP,
    networkMaps: [...networkMaps.byId.values()].sort((a, b) => byCodeUnits(a.id, b.id)),
    costMaps: costMaps.sort((a, b) => byCodeUnits(a.id, b.id)),
    properties: properties.sort((a, b) => byCodeUnits(a.name, b.name)),
    propertyMaps: propertyMaps.sort((a, b) => byCodeUnits(a.id, b.id)),
    cdniAdvertisements: cdniAdvertisements.sort((a, b) => byCodeUnits(a.id, b.id)),
    pathVectors: [...pathVectors.values()].sort((a, b) => byCodeUnits(a.networkMap, b.networkMap)),
  }
}

/** Claims resource ids for the map set: a second claim of one id is an error (RFC 7285 §9.1.1). */
function resourceIdClaims(diag: Diagnostics): (id: string, at: Origin, what: string) => void {
  const owners = new Map<string, Origin>()
  return (id, at, what) => {
    const owner = owners.get(id)
    if (owner)
      diag.error(
        at,
        `resource id ${id} (${what}) is already used at ${describeOrigin(owner)}; resource ids must be unique (RFC 7285 §9.1.1)`,
        id
      )
    else owners.set(id, at)
  }
}

/**
 * The IRD names one cost type per name (`meta.cost-types`), and the name comes from the mode and
 * metric, so cost maps of one name must agree on the RFC 9439 §3.1 `cost-context` ("not a key":
 * cost types that differ only in context belong to different resources, so one map set cannot
 * announce both under one name).
 */
function checkCostContexts(diag: Diagnostics, costMaps: readonly CostMapSource[]): void {
  const first = new Map<string, CostMapSource>()
  for (const cm of costMaps) {
    const other = first.get(cm.costTypeName)
    if (!other) {
      first.set(cm.costTypeName, cm)
      continue
    }
    const a = JSON.stringify(other.costType['cost-context'] ?? null)
    const b = JSON.stringify(cm.costType['cost-context'] ?? null)
    if (a !== b) {
      diag.error(
        cm.origin,
        `cost type ${cm.costTypeName} has cost-context ${b} here but ${a} in cost map ${other.id} (${other.file}); one cost type name has one cost-context (RFC 9439 §3.1)`,
        cm.costTypeName
      )
    }
  }
}
