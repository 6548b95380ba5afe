/** Request helpers for the Worker tests (through the Worker's real fetch entry point). */
import { exports } from 'cloudflare:workers'
import { MEDIA_TYPES } from '../../src/alto/media-types.ts'

export const ORIGIN = 'http://alto.test'

export function get(path: string, headers: Record<string, string> = {}): Promise<Response> {
  return exports.default.fetch(`${ORIGIN}${path}`, { headers })
}

export function post(
  path: string,
  contentType: string,
  body: unknown,
  headers: Record<string, string> = {}
): Promise<Response> {
  return exports.default.fetch(`${ORIGIN}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': contentType, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
}

export const postFilteredNetworkMap = (
  nm: string,
  body: unknown,
  headers?: Record<string, string>
) => post(`/networkmap/${nm}/filtered`, MEDIA_TYPES.networkMapFilter, body, headers)
export const postFilteredCostMap = (nm: string, body: unknown, headers?: Record<string, string>) =>
  post(`/costmap/${nm}/filtered`, MEDIA_TYPES.costMapFilter, body, headers)
export const postEndpointProperties = (body: unknown, headers?: Record<string, string>) =>
  post('/endpointprop/lookup', MEDIA_TYPES.endpointPropParams, body, headers)
export const postEndpointCost = (nm: string, body: unknown, headers?: Record<string, string>) =>
  post(`/endpointcost/${nm}/lookup`, MEDIA_TYPES.endpointCostParams, body, headers)

/** The ALTO error meta of a 400 response (asserting status and media type). */
export async function altoErrorMeta(res: Response): Promise<Record<string, string>> {
  if (res.status !== 400) throw new Error(`expected 400, got ${res.status}: ${await res.text()}`)
  if (res.headers.get('Content-Type') !== MEDIA_TYPES.error) {
    throw new Error(`expected ${MEDIA_TYPES.error}, got ${res.headers.get('Content-Type')}`)
  }
  return ((await res.json()) as { meta: Record<string, string> }).meta
}
