/**
 * @module RFC 9569 request bodies (`application/alto-tipsparams+json`) as pure validators:
 * the open request `POST <tips>` and the next-edge request `POST <tips-view-path>/ug`.
 * Pure: no Node or Workers imports.
 *
 *     object { ResourceID resource-id; [JSONString tag;] [Object input;] } TIPSReq;
 */

import type { AltoError } from '../alto/errors.ts'
import { isJsonObject } from './json.ts'

export interface TipsRequest {
  'resource-id': string
  tag?: string
  input?: Record<string, unknown>
}

export type TipsValidation = { ok: true; value: TipsRequest } | { ok: false; error: AltoError }

/** RFC 7285 §10.3 tag: 1-64 characters U+0021-U+007E. */
const VTAG = /^[\x21-\x7e]{1,64}$/

/**
 * Open request (RFC 9569 "Open Request"/"Open Response"): "If the TIPS request does not have a
 * "resource-id" field, the error code ... MUST be E_MISSING_FIELD and the "field" field SHOULD be
 * "resource-id""; "If the "resource-id" field is invalid or is not associated with the TIPS, the
 * error code ... MUST be E_INVALID_FIELD_VALUE ... the "value" field SHOULD be the invalid
 * resource-id." `input` content is checked by the resource's own validator (same errors as it).
 */
export function validateTipsRequest(body: unknown, uses: ReadonlySet<string>): TipsValidation {
  if (!isJsonObject(body))
    return {
      ok: false,
      error: { code: 'E_SYNTAX', syntaxError: 'request body must be a JSON object' },
    }
  const rid = body['resource-id']
  if (rid === undefined)
    return { ok: false, error: { code: 'E_MISSING_FIELD', field: 'resource-id' } }
  if (typeof rid !== 'string')
    return { ok: false, error: { code: 'E_INVALID_FIELD_TYPE', field: 'resource-id' } }
  if (!uses.has(rid))
    return { ok: false, error: { code: 'E_INVALID_FIELD_VALUE', field: 'resource-id', value: rid } }
  const value: TipsRequest = { 'resource-id': rid }
  if (body.tag !== undefined) {
    if (typeof body.tag !== 'string')
      return { ok: false, error: { code: 'E_INVALID_FIELD_TYPE', field: 'tag' } }
    if (!VTAG.test(body.tag))
      return { ok: false, error: { code: 'E_INVALID_FIELD_VALUE', field: 'tag', value: body.tag } }
    value.tag = body.tag
  }
  if (body.input !== undefined) {
    if (!isJsonObject(body.input))
      return { ok: false, error: { code: 'E_INVALID_FIELD_TYPE', field: 'input' } }
    value.input = body.input
  }
  return { ok: true, value }
}

/**
 * Next-edge request on a view of `viewResourceId`. RFC 9569 (-22 text, paraphrased): a TIPSReq
 * with the view's resource-id and no `input`, optionally with `tag`. Earlier drafts sent only
 * `{ [tag] }`, so a missing resource-id is accepted; a different one, or an `input`, is an error.
 */
export function validateNextEdgeRequest(body: unknown, viewResourceId: string): TipsValidation {
  if (!isJsonObject(body))
    return {
      ok: false,
      error: { code: 'E_SYNTAX', syntaxError: 'request body must be a JSON object' },
    }
  const rid = body['resource-id'] ?? viewResourceId
  if (typeof rid !== 'string')
    return { ok: false, error: { code: 'E_INVALID_FIELD_TYPE', field: 'resource-id' } }
  if (rid !== viewResourceId)
    return { ok: false, error: { code: 'E_INVALID_FIELD_VALUE', field: 'resource-id', value: rid } }
  if (body.input !== undefined)
    return {
      ok: false,
      error: {
        code: 'E_INVALID_FIELD_VALUE',
        field: 'input',
        value: JSON.stringify(body.input) ?? '',
      },
    }
  return validateTipsRequest({ ...body, 'resource-id': rid }, new Set([viewResourceId]))
}
