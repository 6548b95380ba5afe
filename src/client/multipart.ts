/**
 * @module `multipart/related` (RFC 2387) as RFC 9275 path-vector answers use it (§6.6): a
 * message of parts, each with `Content-ID` and `Content-Type` headers and a JSON body, between
 * `--<boundary>` delimiter lines and a closing `--<boundary>--` (RFC 2046 §5.1.1). Accepts CRLF
 * (HTTP bodies) and LF line breaks (an ALTO/SSE event's data lines, RFC 8895 §6.7.3, rejoined).
 * Pure and fetch-free: runs in browsers, Node and Workers.
 */

export interface MultipartPart {
  /** The Content-ID without its angle brackets (`ecs@alto.example.com`). */
  contentId: string
  contentType: string
  /** The part's body text (without the line break before the next delimiter). */
  body: string
}

/**
 * A parameter of a Content-Type value (`boundary`, `type`, `start`), unquoted; undefined when
 * absent. RFC 2045 §5.1: names are case-insensitive, values a token or a quoted string.
 */
export function mediaTypeParameter(contentType: string, name: string): string | undefined {
  const re = /;\s*([^\s=;]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)/g
  for (let m = re.exec(contentType); m !== null; m = re.exec(contentType)) {
    if (m[1].toLowerCase() !== name.toLowerCase()) continue
    const v = m[2].trim()
    return v.startsWith('"') ? v.slice(1, -1).replace(/\\(.)/g, '$1') : v
  }
  return undefined
}

/** The media type of a Content-Type value without its parameters, lower-cased. */
export const bareMediaType = (contentType: string): string =>
  contentType.split(';')[0].trim().toLowerCase()

/**
 * The parts of a multipart message with `boundary`. Throws an Error naming the problem when the
 * message has no delimiter, a part lacks its blank line after the headers, or the closing
 * delimiter is missing.
 */
export function parseMultipart(message: string, boundary: string): MultipartPart[] {
  const lines = message.split(/\r?\n/)
  const delimiter = `--${boundary}`
  // RFC 2046 §5.1.1: delimiter lines may carry trailing whitespace ("transport padding").
  const isDelimiter = (line: string) => line.trimEnd() === delimiter
  const isClose = (line: string) => line.trimEnd() === `${delimiter}--`
  let i = lines.findIndex((l) => isDelimiter(l) || isClose(l))
  if (i < 0) throw new Error(`no --${boundary} delimiter`)
  const parts: MultipartPart[] = []
  while (!isClose(lines[i])) {
    i++
    const headers = new Map<string, string>()
    for (; i < lines.length && lines[i] !== ''; i++) {
      const colon = lines[i].indexOf(':')
      if (colon <= 0) throw new Error(`part ${parts.length + 1}: malformed header line`)
      headers.set(lines[i].slice(0, colon).trim().toLowerCase(), lines[i].slice(colon + 1).trim())
    }
    if (i >= lines.length) throw new Error(`part ${parts.length + 1}: no blank line after headers`)
    i++
    const start = i
    while (i < lines.length && !isDelimiter(lines[i]) && !isClose(lines[i])) i++
    if (i >= lines.length) throw new Error(`no closing --${boundary}-- delimiter`)
    const id = headers.get('content-id') ?? ''
    parts.push({
      contentId: id.startsWith('<') && id.endsWith('>') ? id.slice(1, -1) : id,
      contentType: headers.get('content-type') ?? '',
      body: lines.slice(start, i).join('\n'),
    })
  }
  return parts
}

/** An RFC 9275 answer's two parts, parsed: the root (path vectors) first, then the ANE part. */
export interface PathVectorParts {
  root: { contentId: string; json: Record<string, unknown> }
  properties: { contentId: string; json: Record<string, unknown> }
}

/**
 * The two JSON parts of an RFC 9275 multipart answer (§6.6) whose Content-Type is
 * `contentType`: exactly two parts, each with Content-ID and Content-Type and a JSON object body,
 * the root being the `start` part (else the first) and the other the ANE property map
 * (`propMapType`). Throws an Error naming what is wrong: §6.6 "the client MUST discard" such an
 * answer. Used for POST answers and for ALTO/SSE multipart events alike.
 */
export function parsePathVectorParts(
  message: string,
  contentType: string,
  propMapType: string
): PathVectorParts {
  const boundary = mediaTypeParameter(contentType, 'boundary')
  if (bareMediaType(contentType) !== 'multipart/related' || !boundary)
    throw new Error(`Content-Type ${contentType} is not multipart/related with a boundary`)
  const parts = parseMultipart(message, boundary)
  if (parts.length !== 2) throw new Error(`${parts.length} parts (RFC 9275 §6.6: two)`)
  for (const p of parts)
    if (!p.contentId || !p.contentType) throw new Error('a part without Content-ID or Content-Type')
  const start = mediaTypeParameter(contentType, 'start')
  const rootIndex = start ? parts.findIndex((p) => `<${p.contentId}>` === start) : 0
  if (rootIndex < 0) throw new Error(`no part has the start Content-ID ${start}`)
  const root = parts[rootIndex]
  const other = parts[1 - rootIndex]
  if (bareMediaType(other.contentType) !== propMapType)
    throw new Error(`the second part is ${other.contentType}, not ${propMapType}`)
  const json = (p: MultipartPart): Record<string, unknown> => {
    let v: unknown
    try {
      v = JSON.parse(p.body)
    } catch {
      v = undefined
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      throw new Error(`part ${p.contentId} is not a JSON object`)
    return v as Record<string, unknown>
  }
  return {
    root: { contentId: root.contentId, json: json(root) },
    properties: { contentId: other.contentId, json: json(other) },
  }
}
