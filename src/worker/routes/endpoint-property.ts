/**
 * @module Endpoint property service `POST /endpointprop/lookup` (RFC 7285 §11.4.1).
 *
 * Properties: `<network-map-id>.pid` for every network map (§7.1.1, §10.8.1), and every
 * operator property in the manifest (global names such as `priv:ietf-example-prop`, §10.8.2).
 * Anything else is `E_INVALID_FIELD_VALUE` on `properties` (§11.4.1.3: properties MUST be among
 * the resource's `prop-types`; the RFC names no code, §8.5.2's array rule fits).
 * Endpoints: typed addresses; an invalid one is `E_INVALID_FIELD_VALUE` on `endpoints`.
 */
import { Hono } from 'hono'
import { parseAddressBatch } from '../../alto/address-batch.ts'
import { altoFail, httpFail } from '../../alto/errors.ts'
import { MEDIA_TYPES } from '../../alto/media-types.ts'
import { endpointPropertyRequest } from '../../alto/request-schemas.ts'
import {
  distinct,
  endpointPropertiesBytes,
  type PropertyColumn,
  type VersionTag,
} from '../../alto/responses.ts'
import { type Manifest } from '../../store/manifest.ts'
import { resourceIds, resourcePaths } from '../../alto/resources.ts'
import { isVisible, requestVisibility, requireVisible } from '../access.ts'
import type { AppEnv } from '../env.ts'
import { phaseDone } from '../phases.ts'
import type { ListPath } from '../../alto/address-scan.ts'
import {
  altoTextResponse,
  readAltoAddressRequest,
  requestVersion,
  requireAcceptable,
} from '../http.ts'
import { networkMapVtag } from '../resources.ts'
import { pidIndexes, pidTable, propertyValues } from '../tables.ts'

/** The `.pid` suffix of a resource-specific property (§10.8.1: `<ResourceID>.<property>`). */
const PID_PROPERTY_SUFFIX = '.pid'

type PropertyRequest =
  { kind: 'pid'; name: string; networkMap: string } | { kind: 'operator'; name: string }

/** Classifies a requested property name, or null when the resource does not offer it. */
export function classifyProperty(manifest: Manifest, name: string): PropertyRequest | null {
  if (Object.hasOwn(manifest.properties, name)) return { kind: 'operator', name }
  if (name.endsWith(PID_PROPERTY_SUFFIX)) {
    const networkMap = name.slice(0, -PID_PROPERTY_SUFFIX.length)
    if (Object.hasOwn(manifest['network-maps'], networkMap))
      return { kind: 'pid', name, networkMap }
  }
  return null
}

/** The request's §11.4.1.3 endpoint list, read from the body's bytes when it allows. */
const ENDPOINT_LIST: readonly ListPath[] = [['endpoints']]

export const endpointPropertyRoutes = new Hono<AppEnv>()
  .post(resourcePaths.endpointProperty, async (c) => {
    const version = await requestVersion(c)
    const { manifest } = version
    await requireVisible(c, resourceIds.endpointProperty)
    const visibility = await requestVisibility(c)
    requireAcceptable(c, MEDIA_TYPES.endpointProp)
    const { request, batches } = await readAltoAddressRequest(
      c,
      MEDIA_TYPES.endpointPropParams,
      endpointPropertyRequest,
      ENDPOINT_LIST
    )
    // `<nm>.pid` of a network map hidden from this client is not among its prop-types.
    const offered = (property: PropertyRequest | null) =>
      property !== null &&
      (property.kind === 'operator' || isVisible(visibility, property.networkMap))
    const properties = distinct(request.properties).map((name) => {
      const property = classifyProperty(manifest, name)
      if (!offered(property))
        altoFail({ code: 'E_INVALID_FIELD_VALUE', field: 'properties', value: name })
      return property!
    })
    const endpoints = batches[0] ?? parseAddressBatch(request.endpoints, 'endpoints')
    phaseDone('validate')
    const kv = c.env.ALTO_KV
    const dependentVtags: VersionTag[] = []
    const columns: PropertyColumn[] = await Promise.all(
      properties.map(async (property): Promise<PropertyColumn> => {
        if (property.kind === 'operator') {
          const { values, lookup } = await propertyValues(kv, manifest.properties[property.name])
          return { name: property.name, indexes: lookup(endpoints), values }
        }
        const nm = manifest['network-maps'][property.networkMap]
        const [pids, lookup] = await Promise.all([pidTable(kv, nm), pidIndexes(kv, nm)])
        return { name: property.name, indexes: lookup(endpoints), values: pids.names }
      })
    )
    // §11.4.1.6: "dependent-vtags ... MUST include the version tags of all network maps
    // whose 'pid' property was queried".
    for (const property of properties) {
      if (property.kind === 'pid')
        dependentVtags.push(networkMapVtag(manifest, property.networkMap))
    }
    phaseDone('lookup')
    const bytes = endpointPropertiesBytes(endpoints, columns, dependentVtags)
    const response = altoTextResponse(bytes, MEDIA_TYPES.endpointProp)
    phaseDone('serialise')
    return response
  })
  .all(resourcePaths.endpointProperty, () =>
    httpFail({ kind: 'method-not-allowed', allow: ['POST'] })
  )
