/**
 * @module zod schemas of the map-set sources (docs/source-format.md).
 *
 * Native files (config, native network map, cost map, property) are strict: an unknown key is
 * an error, because it is almost always a typo. Imported RFC 7285 JSON is parsed the way a
 * client would: "ALTO implementations MUST ignore unknown fields when processing ALTO messages"
 * (RFC 7285 §8.3.7), so unknown keys are dropped.
 */
import { z } from 'zod'

const relativeFile = z.string().min(1, 'file name is empty')

export const mapEntrySchema = z.strictObject({
  file: relativeFile,
  optional: z.boolean().optional(),
  'resource-id': z.string().optional(),
})

/**
 * A cost map entry may say `"testable": false`: constraint tests on its cost type are refused,
 * and the filtered cost map and endpoint cost services of its network map announce RFC 8189
 * `testable-cost-type-names` (without `cost-constraints`) instead (§3.6.4, §4.1.1).
 */
export const costMapEntrySchema = mapEntrySchema.extend({ testable: z.boolean().optional() })

export const propertyEntrySchema = z.strictObject({
  file: relativeFile,
  optional: z.boolean().optional(),
})

export const configSchema = z.strictObject({
  'default-network-map': z.string(),
  history: z.strictObject({ keep: z.number().int().min(1).max(1000) }).optional(),
  'network-maps': z.array(mapEntrySchema).min(1, 'a map set needs at least one network map'),
  'cost-maps': z.array(costMapEntrySchema).optional(),
  'cost-calendars': z.array(propertyEntrySchema).optional(),
  'endpoint-properties': z.array(propertyEntrySchema).optional(),
  'property-maps': z.array(mapEntrySchema).optional(),
  'cdni-advertisements': z.array(mapEntrySchema).optional(),
  'path-vectors': z.array(propertyEntrySchema).optional(),
})
export type MapSetConfig = z.infer<typeof configSchema>
export type MapEntry = z.infer<typeof mapEntrySchema>
export type CostMapConfigEntry = z.infer<typeof costMapEntrySchema>
export type PropertyEntry = z.infer<typeof propertyEntrySchema>

const prefixList = z.array(z.string())

export const nativeNetworkMapSchema = z.strictObject({
  'resource-id': z.string(),
  pids: z
    .record(
      z.string(),
      z.strictObject({ ipv4: prefixList.optional(), ipv6: prefixList.optional() })
    )
    .optional(),
  'prefix-csv': z.array(relativeFile).optional(),
})

/** RFC 9439 §3.1 CostContext: `cost-source` and optional `parameters` (any JSON value). */
const costContextSchema = z.strictObject({
  'cost-source': z.string(),
  parameters: z.unknown().optional(),
})

const costTypeSchemaStrict = z.strictObject({
  'cost-mode': z.string(),
  'cost-metric': z.string(),
  'cost-context': costContextSchema.optional(),
  description: z.string().optional(),
})

/** Costs are checked by hand (finite, ordinal integers) so every bad cell gets its own error. */
const costRows = z.record(z.string(), z.record(z.string(), z.unknown()))

export const nativeCostMapSchema = z.strictObject({
  'resource-id': z.string().optional(),
  'network-map': z.string(),
  'cost-type': costTypeSchemaStrict,
  costs: costRows.optional(),
  'cost-csv': z.array(relativeFile).optional(),
})

/** RFC 8896 cost calendar source (load/calendar.ts); values are checked by hand. */
export const costCalendarSchema = z.strictObject({
  'cost-map': z.string(),
  'time-interval-size': z.number(),
  'number-of-intervals': z.number(),
  anchor: z.string(),
  repeated: z.number().optional(),
  costs: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  scale: z.array(z.number()).optional(),
})

export const propertySchema = z.strictObject({
  property: z.string(),
  values: z.record(z.string(), z.string()).optional(),
  'values-csv': z.array(relativeFile).optional(),
})

/** RFC 9240 property map source (docs/property-maps.md); values are checked by hand. */
const entityValues = z.record(z.string(), z.unknown())
export const propertyMapSchema = z.strictObject({
  'resource-id': z.string(),
  prefixes: z.record(z.string(), entityValues).optional(),
  'prefix-csv': z.array(relativeFile).optional(),
  pids: z.record(z.string(), z.record(z.string(), entityValues)).optional(),
  'pid-csv': z.array(relativeFile).optional(),
  'pid-property': z.array(z.string()).optional(),
  anes: z.record(z.string(), entityValues).optional(),
})

/** RFC 7285 §11.2.1.6 network map response (unknown keys ignored; the vtag is ours to compute). */
export const rfcNetworkMapSchema = z.object({
  meta: z.object({ vtag: z.object({ 'resource-id': z.string() }).optional() }).optional(),
  'network-map': z.record(z.string(), z.record(z.string(), z.unknown())),
})

/** RFC 7285 §11.2.3.6 cost map response (unknown keys ignored). */
export const rfcCostMapSchema = z.object({
  meta: z.object({
    'dependent-vtags': z.array(z.object({ 'resource-id': z.string() })).min(1),
    'cost-type': z.object({
      'cost-mode': z.string(),
      'cost-metric': z.string(),
      'cost-context': costContextSchema.optional(),
      description: z.string().optional(),
    }),
  }),
  'cost-map': costRows,
})

/**
 * RFC 9241 CDNI Advertisement source (docs/cdni.md): the RFC's CDNIAdvertisementData plus the
 * resource id and the network map of `altopid` footprints. `capability-value` is checked per
 * capability type by hand (alto/cdni.ts), so every bad value gets its own error.
 */
export const cdniAdvertisementSchema = z.strictObject({
  'resource-id': z.string(),
  'network-map': z.string().optional(),
  'capabilities-with-footprints': z.array(
    z.strictObject({
      'capability-type': z.string(),
      'capability-value': z.unknown().optional(),
      footprints: z
        .array(
          z.strictObject({
            'footprint-type': z.string(),
            'footprint-value': z
              .array(z.unknown())
              .min(
                1,
                'footprint-value needs at least one value (RFC 9241 §3.6: footprint-value<1..*>)'
              ),
          })
        )
        .nullable()
        .optional(),
    })
  ),
})
export type CdniAdvertisementFile = z.infer<typeof cdniAdvertisementSchema>

/**
 * RFC 9275 path vector source (docs/path-vector.md): the ANEs of one network map with their
 * properties, and the ANE path of each (source PID, destination PID) pair. Values are checked by
 * hand (load/path-vector.ts), so every bad entry gets its own error.
 */
export const pathVectorSchema = z.strictObject({
  'network-map': z.string(),
  anes: z.record(
    z.string(),
    z.strictObject({
      'max-reservable-bandwidth': z.unknown().optional(),
      'persistent-entity-id': z.unknown().optional(),
    })
  ),
  paths: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  /** Compact form (docs/path-vector.md): PID classes and a path per class pair. */
  classes: z.record(z.string(), z.array(z.string())).optional(),
  'class-paths': z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  'self-paths': z.record(z.string(), z.unknown()).optional(),
  /**
   * RFC 9275 §9.4 with RFC 8896: the path of each interval, for the pairs whose path changes
   * over time (the others keep their path in every interval); timing as a cost calendar's.
   */
  calendar: z
    .strictObject({
      'time-interval-size': z.number(),
      'number-of-intervals': z.number(),
      anchor: z.string(),
      repeated: z.number().optional(),
      paths: z.record(z.string(), z.record(z.string(), z.unknown())),
    })
    .optional(),
})
