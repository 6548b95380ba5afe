/**
 * @module Pure binary table formats (docs/binary-format.md). Imports nothing of ours.
 * CONTRACT (signatures other modules code against; the implementation lives in the sibling
 * modules and is re-exported here).
 */
export {
  FORMAT_VERSION,
  TableKind,
  TableFormatError,
  fxhash32,
  encodeContainer,
  openContainer,
} from './container.ts'
export { NO_MATCH, MAX_VALUES, REFINED, MAX_REFINED_BLOCKS } from './values.ts'
export { type Prefix4, buildLpm4, Lpm4, referenceLookup4 } from './lpm4.ts'
export { type Prefix6, buildLpm6, Lpm6, referenceLookup6 } from './lpm6.ts'
export { encodeStringTable, decodeStringTable } from './strings.ts'
export {
  encodePathTable,
  PathTable,
  MAX_PATH_PAIRS,
  type AneRecord,
  type PathTableInput,
} from './paths.ts'
export {
  CostEncoding,
  encodeCostMatrix,
  CostMatrix,
  chooseCostEncoding,
  costEncodingName,
  type CostRow,
} from './costmatrix.ts'
export { encodeCostCalendar, encodeScaledCostCalendar, CostCalendar } from './calendar.ts'
export {
  parseIPv4,
  parseIPv4At,
  parseIPv4Halves,
  parseIPv4QuotedHalves,
  parseIPv6,
  parseIPv6Into,
  parseIPv6QuotedInto,
  formatIPv4,
  formatIPv6,
  parsePrefix,
  parseAddress,
  maskedPrefixString,
  maskWords,
  type ParsedPrefix,
  type IPv6Words,
} from './ip.ts'
export {
  NO_VALUE,
  NO_PARENT,
  type TreePrefix,
  encodePrefixTree,
  PrefixTree,
  nodeLpmValues,
  nodeIndex,
  encodePidValues,
  PidValues,
} from './propmap.ts'
