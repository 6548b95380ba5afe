/**
 * @module Every ALTO message body this server reads or writes, by media type, with its zod schema:
 * the list from which `scripts/gen-schemas.ts` writes the JSON Schemas the Worker serves at
 * `/schemas/<name>.json` (`name` is the media type's subtype without `+json`, e.g.
 * `alto-costmapfilter`). Input mode: a JSON Schema describes what a receiver must accept, and
 * unknown members stay allowed (RFC 7285 §8.3.7).
 */
import type * as z from 'zod'
import { MEDIA_TYPES } from './media-types.ts'
import {
  endpointCostRequest,
  endpointPropertyRequest,
  filteredCostMapRequest,
  filteredNetworkMapRequest,
  filteredPropertyMapRequest,
} from './request-schemas.ts'
import { cdniAdvertisementResponseSchema, filteredCdniRequest } from './cdni.ts'
import {
  anyCostMapResponseSchema,
  anyEndpointCostResponseSchema,
  endpointPropertyResponseSchema,
  errorResponseSchema,
  irdSchema,
  networkMapResponseSchema,
  propertyMapResponseSchema,
  tipsRequestSchema,
  tipsResponseSchema,
  updateStreamControlSchema,
  updateStreamRequestSchema,
} from './response-schemas.ts'

export interface SchemaEntry {
  mediaType: string
  /** `request`: a client sends it; `response`: the server sends it. */
  role: 'request' | 'response'
  /** Where the body is defined. */
  spec: string
  schema: z.ZodType
}

/** The file name of a media type's schema: `application/alto-costmap+json` → `alto-costmap`. */
export const schemaName = (mediaType: string): string =>
  mediaType.replace(/^application\//, '').replace(/\+json$/, '')

export const SCHEMA_ENTRIES: readonly SchemaEntry[] = [
  {
    mediaType: MEDIA_TYPES.directory,
    role: 'response',
    spec: 'RFC 7285 §9.2.1',
    schema: irdSchema,
  },
  {
    mediaType: MEDIA_TYPES.networkMap,
    role: 'response',
    spec: 'RFC 7285 §11.2.1.6',
    schema: networkMapResponseSchema,
  },
  {
    mediaType: MEDIA_TYPES.networkMapFilter,
    role: 'request',
    spec: 'RFC 7285 §11.3.1.3',
    schema: filteredNetworkMapRequest,
  },
  {
    mediaType: MEDIA_TYPES.costMap,
    role: 'response',
    spec: 'RFC 7285 §11.2.3.6, RFC 8189 §4.1.3',
    schema: anyCostMapResponseSchema,
  },
  {
    mediaType: MEDIA_TYPES.costMapFilter,
    role: 'request',
    spec: 'RFC 7285 §11.3.2.3, RFC 8189 §4.1.2',
    schema: filteredCostMapRequest,
  },
  {
    mediaType: MEDIA_TYPES.endpointProp,
    role: 'response',
    spec: 'RFC 7285 §11.4.1.6',
    schema: endpointPropertyResponseSchema,
  },
  {
    mediaType: MEDIA_TYPES.endpointPropParams,
    role: 'request',
    spec: 'RFC 7285 §11.4.1.3',
    schema: endpointPropertyRequest,
  },
  {
    mediaType: MEDIA_TYPES.endpointCost,
    role: 'response',
    spec: 'RFC 7285 §11.5.1.6, RFC 8189 §4.2.3',
    schema: anyEndpointCostResponseSchema,
  },
  {
    mediaType: MEDIA_TYPES.endpointCostParams,
    role: 'request',
    spec: 'RFC 7285 §11.5.1.3, RFC 8189 §4.2.2',
    schema: endpointCostRequest,
  },
  {
    mediaType: MEDIA_TYPES.error,
    role: 'response',
    spec: 'RFC 7285 §8.5.2',
    schema: errorResponseSchema,
  },
  {
    mediaType: MEDIA_TYPES.tips,
    role: 'response',
    spec: 'RFC 9569 §6.2',
    schema: tipsResponseSchema,
  },
  {
    mediaType: MEDIA_TYPES.tipsParams,
    role: 'request',
    spec: 'RFC 9569 §6.1',
    schema: tipsRequestSchema,
  },
  {
    mediaType: MEDIA_TYPES.updateStreamParams,
    role: 'request',
    spec: 'RFC 8895 §6.5',
    schema: updateStreamRequestSchema,
  },
  {
    mediaType: MEDIA_TYPES.updateStreamControl,
    role: 'response',
    spec: 'RFC 8895 §6.7',
    schema: updateStreamControlSchema,
  },
  {
    mediaType: MEDIA_TYPES.propMap,
    role: 'response',
    spec: 'RFC 9240 §7.6',
    schema: propertyMapResponseSchema,
  },
  {
    mediaType: MEDIA_TYPES.propMapParams,
    role: 'request',
    spec: 'RFC 9240 §8.3',
    schema: filteredPropertyMapRequest,
  },
  {
    mediaType: MEDIA_TYPES.cdni,
    role: 'response',
    spec: 'RFC 9241 §3.6',
    schema: cdniAdvertisementResponseSchema,
  },
  {
    mediaType: MEDIA_TYPES.cdniFilter,
    role: 'request',
    spec: 'RFC 9241 §5.3',
    schema: filteredCdniRequest,
  },
]
