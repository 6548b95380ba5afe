/**
 * @module HTTP content negotiation and conditional-request helpers (pure).
 *
 * - `Accept` (RFC 9110 §12.5.1): a media range list with optional `q` weights. A response type is
 *   acceptable when the most specific range matching it (exact type, then `type/*`, then `*`/`*`) has
 *   q > 0; "a value of 0 means not acceptable". No `Accept` header means anything is acceptable.
 * - `Content-Type` of a request: its media type (parameters ignored, case-insensitive) must equal
 *   the resource's `accepts` type (RFC 7285 §8.3.2: the client "MUST set the Content-Type HTTP
 *   header to the media type of the input").
 * - `If-None-Match` (RFC 9110 §13.1.2): `*` or a list of entity tags compared with the WEAK
 *   comparison function (§8.8.3.2: opaque-tags equal, `W/` ignored).
 */

interface MediaRange {
  type: string
  subtype: string
  q: number
}

function parseMediaRange(part: string): MediaRange | null {
  const [range, ...params] = part.split(';')
  const slash = range.indexOf('/')
  if (slash < 0) return null
  const type = range.slice(0, slash).trim().toLowerCase()
  const subtype = range
    .slice(slash + 1)
    .trim()
    .toLowerCase()
  if (!type || !subtype) return null
  let q = 1
  for (const param of params) {
    const eq = param.indexOf('=')
    if (eq < 0) continue
    if (param.slice(0, eq).trim().toLowerCase() !== 'q') continue
    const value = Number(param.slice(eq + 1).trim())
    q = Number.isFinite(value) ? Math.min(Math.max(value, 0), 1) : 1
  }
  return { type, subtype, q }
}

/** Whether a response of `mediaType` satisfies the request's `Accept` header. */
export function isAcceptable(accept: string | null | undefined, mediaType: string): boolean {
  if (accept === null || accept === undefined || accept.trim() === '') return true
  const [type, subtype] = mediaType.toLowerCase().split('/')
  let best: { specificity: number; q: number } | null = null
  for (const part of accept.split(',')) {
    const range = parseMediaRange(part)
    if (!range) continue
    let specificity: number
    if (range.type === type && range.subtype === subtype) specificity = 2
    else if (range.type === type && range.subtype === '*') specificity = 1
    else if (range.type === '*' && range.subtype === '*') specificity = 0
    else continue
    if (!best || specificity > best.specificity) best = { specificity, q: range.q }
  }
  return best !== null && best.q > 0
}

/** The media type of a `Content-Type` header value (lower-case, parameters dropped). */
export function mediaTypeOf(contentType: string | null | undefined): string | null {
  if (!contentType) return null
  const type = contentType.split(';')[0].trim().toLowerCase()
  return type === '' ? null : type
}

/** Whether a request `Content-Type` names exactly `expected` (parameters tolerated). */
export function isContentType(contentType: string | null | undefined, expected: string): boolean {
  return mediaTypeOf(contentType) === expected.toLowerCase()
}

/** `"tag"` — a strong entity tag for an opaque tag of printable ASCII without `"`. */
export function strongEtag(tag: string): string {
  return `"${tag}"`
}

/**
 * Whether `If-None-Match` matches the current entity tag `etag` (a quoted strong tag) under the
 * weak comparison function, i.e. the client's copy is current and `304` is the answer.
 */
export function ifNoneMatchMatches(ifNoneMatch: string | null | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false
  const header = ifNoneMatch.trim()
  if (header === '*') return true
  const opaque = etag.replace(/^W\//, '')
  // entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE; etagc excludes DQUOTE, so tags contain no `"`
  // and a regex over the list is exact (commas inside a quoted tag are kept).
  for (const match of header.matchAll(/(?:W\/)?("[^"]*")/g)) {
    if (match[1] === opaque) return true
  }
  return false
}

/**
 * Whether `If-Modified-Since` says the client's copy is current (RFC 9110 §13.1.3). Only
 * consulted when the request has no `If-None-Match` (§13.1.3: "A recipient MUST ignore
 * If-Modified-Since if the request contains an If-None-Match header field").
 */
export function notModifiedSince(
  ifModifiedSince: string | null | undefined,
  lastModified: Date
): boolean {
  if (!ifModifiedSince) return false
  const since = Date.parse(ifModifiedSince)
  if (Number.isNaN(since)) return false
  // HTTP dates have one-second resolution.
  return Math.floor(lastModified.getTime() / 1000) <= Math.floor(since / 1000)
}

/**
 * Whether `Accept` names `mediaType` itself (not through a wildcard) with q > 0 — used where a
 * URI serves the ALTO resource only to clients that ask for it by name (the IRD at `/`).
 */
export function acceptsExplicitly(accept: string | null | undefined, mediaType: string): boolean {
  if (!accept) return false
  const wanted = mediaType.toLowerCase()
  return accept.split(',').some((part) => {
    const range = parseMediaRange(part)
    return range !== null && `${range.type}/${range.subtype}` === wanted && range.q > 0
  })
}
