/**
 * @module ALTO media types (RFC 7285 §14.1, Table 2). None takes parameters, so a response's
 * `Content-Type` is exactly one of these strings (no `; charset=`): JSON is UTF-8 by definition
 * (RFC 8259 §8.1) and the ALTO registrations declare no parameters.
 */

export const MEDIA_TYPES = {
  directory: 'application/alto-directory+json',
  networkMap: 'application/alto-networkmap+json',
  networkMapFilter: 'application/alto-networkmapfilter+json',
  costMap: 'application/alto-costmap+json',
  costMapFilter: 'application/alto-costmapfilter+json',
  endpointProp: 'application/alto-endpointprop+json',
  endpointPropParams: 'application/alto-endpointpropparams+json',
  endpointCost: 'application/alto-endpointcost+json',
  endpointCostParams: 'application/alto-endpointcostparams+json',
  error: 'application/alto-error+json',
  // RFC 9569 (TIPS) and RFC 8895 (ALTO/SSE)
  tips: 'application/alto-tips+json',
  tipsParams: 'application/alto-tipsparams+json',
  eventStream: 'text/event-stream',
  updateStreamParams: 'application/alto-updatestreamparams+json',
  updateStreamControl: 'application/alto-updatestreamcontrol+json',
  // RFC 9240 entity property maps
  propMap: 'application/alto-propmap+json',
  propMapParams: 'application/alto-propmapparams+json',
  // RFC 7396 merge patch and RFC 6902 JSON patch (incremental update items)
  mergePatch: 'application/merge-patch+json',
  jsonPatch: 'application/json-patch+json',
  // RFC 9241 CDNI Advertisement (§3.1, §7.1) and its filter (§5.3, §7.2)
  cdni: 'application/alto-cdni+json',
  cdniFilter: 'application/alto-cdnifilter+json',
} as const

export type AltoMediaType = (typeof MEDIA_TYPES)[keyof typeof MEDIA_TYPES]
