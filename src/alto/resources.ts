/**
 * @module Resource ids and URIs of everything the IRD announces (docs/storage-schema.md, "IRD
 * resource naming"). The compiler names resources with these and the Worker routes by them.
 */

/** IRD resource ids, derived from the network map id `nm` (and the cost type name). */
export const resourceIds = {
  filteredNetworkMap: (nm: string) => `${nm}-filtered`,
  filteredCostMap: (nm: string) => `${nm}-costmap-filtered`,
  endpointCost: (nm: string) => `${nm}-endpoint-cost`,
  endpointProperty: 'endpoint-property',
  costMap: (nm: string, costTypeName: string) => `${nm}-${costTypeName}`,
  /** RFC 9569 TIPS (docs/updates.md). */
  tips: 'tips',
  /** RFC 8895 update stream (docs/updates.md). */
  updateStream: 'update-stream',
  /** RFC 9240 §8 filtered property map of property map `pm` (docs/property-maps.md). */
  filteredPropertyMap: (pm: string) => `${pm}-filtered`,
  /** RFC 9241 §5 filtered CDNI Advertisement of the CDNI Advertisement resource `id`. */
  filteredCdni: (id: string) => `${id}-filtered`,
  /** RFC 9241 §6 (RFC 9240 §7 / §8) property map of `<id>.cdni-capabilities`, and its filtered form. */
  cdniPropertyMap: (id: string) => `${id}-propmap`,
  filteredCdniPropertyMap: (id: string) => `${id}-propmap-filtered`,
  /** RFC 9275 §7.2 multipart filtered cost map (path vectors) of network map `nm`. */
  pathVectorCostMap: (nm: string) => `${nm}-costmap-pv`,
  /** RFC 9275 §7.3 multipart endpoint cost service (path vectors) of network map `nm`. */
  pathVectorEndpointCost: (nm: string) => `${nm}-endpoint-cost-pv`,
} as const

/** Relative URIs of the resources (RFC 7285 §9.2.2 allows relative URIs in the IRD). */
export const resourcePaths = {
  directory: '/directory',
  networkMap: (nm: string) => `/networkmap/${nm}`,
  filteredNetworkMap: (nm: string) => `/networkmap/${nm}/filtered`,
  costMap: (cm: string) => `/costmap/${cm}`,
  filteredCostMap: (nm: string) => `/costmap/${nm}/filtered`,
  endpointCost: (nm: string) => `/endpointcost/${nm}/lookup`,
  endpointProperty: '/endpointprop/lookup',
  tips: '/tips',
  updateStream: '/updates/stream',
  /** RFC 9240 §7 / §8 (docs/property-maps.md). */
  propertyMap: (pm: string) => `/propmap/${pm}`,
  filteredPropertyMap: (pm: string) => `/propmap/${pm}/filtered`,
  /** RFC 9241 §3 CDNI Advertisement and §5 its filtered form. */
  cdni: (id: string) => `/cdni/${id}`,
  filteredCdni: (id: string) => `/cdni/${id}/filtered`,
  cdniPropertyMap: (id: string) => `/cdni/${id}/propmap`,
  filteredCdniPropertyMap: (id: string) => `/cdni/${id}/propmap/filtered`,
  /** RFC 9275 §7.2 / §7.3 (docs/path-vector.md). */
  pathVectorCostMap: (nm: string) => `/costmap/${nm}/pv`,
  pathVectorEndpointCost: (nm: string) => `/endpointcost/${nm}/pv`,
} as const
