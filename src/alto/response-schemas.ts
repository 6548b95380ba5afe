/**
 * @module Response bodies of every resource (RFC 7285 §9.2, §11.2–§11.5, §8.5.2; RFC 9569 "Open
 * Response"; RFC 8895 §6.7 control events), and the request bodies of the update services, as zod
 * schemas: the shapes a client may rely on, one definition shared by the client library (which
 * checks every body it receives against them) and the JSON Schemas served at `/schemas/`.
 *
 * Every object is loose: "ALTO implementations MUST ignore unknown fields when processing ALTO
 * messages" (§8.3.7), so a member this server does not send (an extension's) passes, and is kept.
 * Costs are JSON numbers in both modes: "the cost values MUST be numbers" for `ordinal` too
 * (§6.1.2: "the cost values ... are ordinal ranks ... represented as numbers").
 */
import * as z from 'zod'

/** §10.3 VersionTag. */
export const versionTagSchema = z.looseObject({ 'resource-id': z.string(), tag: z.string() })

/** §10.7 CostType (with its optional `description`). */
export const costTypeSchema = z.looseObject({
  'cost-mode': z.string(),
  'cost-metric': z.string(),
  description: z.string().optional(),
})

/** §9.2.2 IRDResourceEntry. */
export const irdEntrySchema = z.looseObject({
  uri: z.string(),
  'media-type': z.string(),
  accepts: z.string().optional(),
  capabilities: z.record(z.string(), z.unknown()).optional(),
  uses: z.array(z.string()).optional(),
})

/** §9.2.1 InfoResourceDirectory (`application/alto-directory+json`). */
export const irdSchema = z.looseObject({
  meta: z
    .looseObject({
      'cost-types': z.record(z.string(), costTypeSchema).optional(),
      'default-alto-network-map': z.string().optional(),
    })
    .optional(),
  resources: z.record(z.string(), irdEntrySchema),
})

/** §11.2.1.6 network map and §11.3.1.6 filtered network map (`application/alto-networkmap+json`). */
export const networkMapResponseSchema = z.looseObject({
  meta: z.looseObject({ vtag: versionTagSchema }),
  'network-map': z.record(z.string(), z.record(z.string(), z.array(z.string()))),
})

const costValue = z.number()

/** §11.2.3.6 cost map and §11.3.2.6 filtered cost map (`application/alto-costmap+json`). */
export const costMapResponseSchema = z.looseObject({
  meta: z.looseObject({
    'dependent-vtags': z.array(versionTagSchema),
    'cost-type': costTypeSchema,
  }),
  'cost-map': z.record(z.string(), z.record(z.string(), costValue)),
})

/** §11.4.1.6 endpoint properties (`application/alto-endpointprop+json`). */
export const endpointPropertyResponseSchema = z.looseObject({
  meta: z.looseObject({ 'dependent-vtags': z.array(versionTagSchema).optional() }).optional(),
  'endpoint-properties': z.record(z.string(), z.record(z.string(), z.string())),
})

/** RFC 9240 §7.6 property map (`application/alto-propmap+json`); values are any JSON. */
export const propertyMapResponseSchema = z.looseObject({
  meta: z.looseObject({ 'dependent-vtags': z.array(versionTagSchema).optional() }).optional(),
  'property-map': z.record(z.string(), z.record(z.string(), z.unknown())),
})

/** §11.5.1.6 endpoint cost map (`application/alto-endpointcost+json`). */
export const endpointCostResponseSchema = z.looseObject({
  meta: z.looseObject({
    'dependent-vtags': z.array(versionTagSchema).optional(),
    'cost-type': costTypeSchema,
  }),
  'endpoint-cost-map': z.record(z.string(), z.record(z.string(), costValue)),
})

/**
 * RFC 8189 §4.1.3 / §4.2.3 multi-cost answers: `meta.cost-type` is `{}` (and ignored), the types
 * are in `meta.multi-cost-types`, and each cost is an array in that order, `null` where a
 * component is undefined. The cost-map members are shared with the single-cost schemas.
 */
const multiCostMeta = {
  'cost-type': z.looseObject({}),
  'multi-cost-types': z.array(costTypeSchema).min(1),
}
const multiCostValue = z.array(z.number().nullable())

export const multiCostMapResponseSchema = z.looseObject({
  meta: z.looseObject({ 'dependent-vtags': z.array(versionTagSchema), ...multiCostMeta }),
  'cost-map': z.record(z.string(), z.record(z.string(), multiCostValue)),
})

export const multiEndpointCostResponseSchema = z.looseObject({
  meta: z.looseObject({
    'dependent-vtags': z.array(versionTagSchema).optional(),
    ...multiCostMeta,
  }),
  'endpoint-cost-map': z.record(z.string(), z.record(z.string(), multiCostValue)),
})

/**
 * RFC 8896 §5.1.2 / §5.2.2 calendared answers: `meta.calendar-response-attributes`, and a cost
 * that is an array of number-of-intervals values for a calendared type — alone, or (§5.2.4) as a
 * component of a multi-cost array whose other components stay numbers.
 */
const calendarResponseAttributes = z
  .array(
    z.looseObject({
      'cost-type-names': z.array(z.string()).min(1).optional(),
      'calendar-start-time': z.string(),
      'time-interval-size': z.number(),
      'number-of-intervals': z.number().int().min(1),
      repeated: z.number().int().min(1).optional(),
    })
  )
  .min(1)
const calendarValues = z.array(z.number().nullable()).min(1)
const calendaredCost = z.union([
  calendarValues,
  z.array(z.union([z.number(), z.null(), calendarValues])).min(1),
])
const calendaredMeta = {
  'cost-type': z.looseObject({}),
  'multi-cost-types': z.array(costTypeSchema).min(1).optional(),
  'calendar-response-attributes': calendarResponseAttributes,
}

export const calendaredCostMapResponseSchema = z.looseObject({
  meta: z.looseObject({ 'dependent-vtags': z.array(versionTagSchema), ...calendaredMeta }),
  'cost-map': z.record(z.string(), z.record(z.string(), calendaredCost)),
})

export const calendaredEndpointCostResponseSchema = z.looseObject({
  meta: z.looseObject({
    'dependent-vtags': z.array(versionTagSchema).optional(),
    ...calendaredMeta,
  }),
  'endpoint-cost-map': z.record(z.string(), z.record(z.string(), calendaredCost)),
})

/**
 * Every `application/alto-costmap+json` body: RFC 7285 single-cost, RFC 8189 multi-cost or
 * RFC 8896 calendared.
 */
export const anyCostMapResponseSchema = z.union([
  costMapResponseSchema,
  multiCostMapResponseSchema,
  calendaredCostMapResponseSchema,
])

/** Every `application/alto-endpointcost+json` body: single-cost, multi-cost or calendared. */
export const anyEndpointCostResponseSchema = z.union([
  endpointCostResponseSchema,
  multiEndpointCostResponseSchema,
  calendaredEndpointCostResponseSchema,
])

/** §8.5.2 error body (`application/alto-error+json`). */
export const errorResponseSchema = z.looseObject({
  meta: z.looseObject({
    code: z.string(),
    field: z.string().optional(),
    value: z.string().optional(),
    'syntax-error': z.string().optional(),
  }),
})

/** RFC 9569 TIPS request (`application/alto-tipsparams+json`): the resource and a held tag. */
export const tipsRequestSchema = z.looseObject({
  'resource-id': z.string(),
  tag: z.string().optional(),
})

const edgeRecSchema = z.looseObject({ 'seq-i': z.number().int(), 'seq-j': z.number().int() })

/** RFC 9569 updates graph summary (inside the open response and the next-edge response). */
export const tipsSummarySchema = z.looseObject({
  'updates-graph-summary': z.looseObject({
    'start-seq': z.number().int(),
    'end-seq': z.number().int(),
    'start-edge-rec': edgeRecSchema,
  }),
})

/** RFC 9569 "Open Response" (`application/alto-tips+json`). */
export const tipsResponseSchema = z.looseObject({
  'tips-view-uri': z.string(),
  'tips-view-summary': tipsSummarySchema,
})

/** RFC 8895 §6.5 AddUpdateReq / §6.3 UpdateStreamReq (`application/alto-updatestreamparams+json`). */
export const updateStreamRequestSchema = z.looseObject({
  add: z
    .record(
      z.string(),
      z.looseObject({
        'resource-id': z.string(),
        tag: z.string().optional(),
        'incremental-changes': z.boolean().optional(),
        input: z.unknown().optional(),
      })
    )
    .optional(),
  remove: z.array(z.string()).optional(),
})

/** RFC 8895 §6.7 ControlUpdateMessage (`application/alto-updatestreamcontrol+json`). */
export const updateStreamControlSchema = z.looseObject({
  'control-uri': z.string().optional(),
  'started-substream-ids': z.array(z.string()).optional(),
  'stopped-substream-ids': z.array(z.string()).optional(),
  description: z.string().optional(),
})

export type VersionTagBody = z.infer<typeof versionTagSchema>
export type IrdBody = z.infer<typeof irdSchema>
export type IrdEntryBody = z.infer<typeof irdEntrySchema>
export type NetworkMapResponse = z.infer<typeof networkMapResponseSchema>
export type CostMapResponse = z.infer<typeof costMapResponseSchema>
export type MultiCostMapResponse = z.infer<typeof multiCostMapResponseSchema>
export type MultiEndpointCostResponse = z.infer<typeof multiEndpointCostResponseSchema>
export type CalendaredEndpointCostResponse = z.infer<typeof calendaredEndpointCostResponseSchema>
export type EndpointPropertyResponse = z.infer<typeof endpointPropertyResponseSchema>
export type EndpointCostResponse = z.infer<typeof endpointCostResponseSchema>
export type ErrorResponse = z.infer<typeof errorResponseSchema>
export type TipsRequest = z.infer<typeof tipsRequestSchema>
export type TipsResponse = z.infer<typeof tipsResponseSchema>
export type TipsSummary = z.infer<typeof tipsSummarySchema>
export type UpdateStreamRequest = z.infer<typeof updateStreamRequestSchema>
export type UpdateStreamControl = z.infer<typeof updateStreamControlSchema>
