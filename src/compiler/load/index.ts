/**
 * @module The map-set loader (map-set sources → validated model), as the rest of the compiler
 * uses it. One module per concern: map-set.ts orchestrates; network-map*.ts, cost-map.ts with
 * cost-type.ts, and property.ts read one kind of source each; config-entries.ts is the loop over
 * the config's entries; json.ts, files.ts, prefix.ts and schema.ts are their plumbing; model.ts
 * holds the model's types and constants.
 */
export { loadMapSet } from './map-set.ts'
export { optionalEntryFiles, referencedFiles } from './files.ts'
export {
  CONFIG_FILE,
  DEFAULT_KEEP,
  type CdniSource,
  type PathVectorSource,
  type CalendarTimingSource,
  MAX_COST_CELLS,
  type CostMapSource,
  type LoadedMapSet,
  type NetworkMapSource,
  type PidSource,
  type PrefixItem,
  type PropertySource,
  type PropertyMapSource,
  type SourceFiles,
} from './model.ts'
