/**
 * @module RFC 8895 (ALTO incremental updates using Server-Sent Events): event framing for the
 * update stream, and the request/state model of the opening POST and of the stream control
 * service. Pure: no Node or Workers imports; no I/O. The Worker / Durable Object owns the
 * connection, timers and the control URI; this module decides bytes and outcomes.
 *
 * Event framing (RFC 8895 §5.1-§5.2, WHATWG SSE): the `event` field is
 * `media-type [ ',' data-id ]`, where data-id is the substream-id (control events have none), and
 * the JSON body is carried in one or more `data:` lines, concatenated by the client with LF
 * between them; a blank line ends the event. No `id:` field is used (§3.4 / §9.5: no
 * Last-Event-ID restart). Example from §8.3:
 *
 *     event: application/alto-updatestreamcontrol+json
 *     data: {"control-uri":
 *     data: "https://alto.example.com/updates/streams/2718281828459"}
 *
 *     event: application/merge-patch+json,routing
 *     data: {"cost-map": {"PID2" : {"PID3" : 31}}}
 */

import type { AltoError } from '../alto/errors.ts'
import { RESOURCE_ID } from '../alto/identifiers.ts'
import { isJsonObject } from './json.ts'
import { MEDIA_TYPES } from '../alto/media-types.ts'

/** §6.8: "the server SHOULD send a comment or an event every 15 seconds" (keep-alive). */
export const KEEPALIVE_INTERVAL_MS = 15_000

/** Default longest `data:` line (characters of JSON), §5.2 RECOMMENDS limiting line length. */
export const DEFAULT_MAX_DATA_LINE = 8192

/** RFC 7285 §10.3 vtag tag: 1-64 characters U+0021-U+007E. */
const VTAG = /^[\x21-\x7e]{1,64}$/

// ---------------------------------------------------------------------------------------------
// Framing

/** `event:` value: `media-type[,data-id]`. */
export function sseEventType(mediaType: string, dataId?: string): string {
  if (!/^[!-~]+$/.test(mediaType) || mediaType.includes(','))
    throw new Error(`bad media type for an SSE event: ${mediaType}`)
  if (dataId === undefined) return mediaType
  // data-id is the substream-id, or `substream-id.content-id` for multipart resources (§5.2).
  if (!/^[0-9A-Za-z\-:@_.]{1,129}$/.test(dataId)) throw new Error(`bad data-id: ${dataId}`)
  return `${mediaType},${dataId}`
}

/** Splits `event:` back into media type and data-id. */
export function parseSseEventType(eventType: string): { mediaType: string; dataId?: string } {
  const comma = eventType.indexOf(',')
  return comma < 0
    ? { mediaType: eventType }
    : { mediaType: eventType.slice(0, comma), dataId: eventType.slice(comma + 1) }
}

/**
 * Breaks compact JSON text into lines of at most ~`maxLine` characters, only right after a `,`,
 * `:`, `{` or `[` outside strings. The client joins `data:` lines with LF, and LF between JSON
 * tokens is insignificant whitespace, so the meaning is unchanged (§5.2: the server "MUST ensure
 * that the line breaks ... do not change the meaning"). A line can exceed `maxLine` only where
 * a single token (a long string) does. Input with raw CR/LF outside strings is first stripped of
 * them (insignificant whitespace), so no data line can start a new SSE field.
 */
export function splitJsonLines(json: string, maxLine = DEFAULT_MAX_DATA_LINE): string[] {
  const lines: string[] = []
  let start = 0
  let inString = false
  let escaped = false
  let text = json
  if (/[\r\n]/.test(text)) text = stripNewlinesOutsideStrings(text)
  for (let k = 0; k < text.length; k++) {
    const ch = text.charCodeAt(k)
    if (inString) {
      if (escaped) escaped = false
      else if (ch === 0x5c)
        escaped = true // backslash
      else if (ch === 0x22) inString = false
      continue
    }
    if (ch === 0x22) {
      inString = true
      continue
    }
    // , : { [
    if ((ch === 0x2c || ch === 0x3a || ch === 0x7b || ch === 0x5b) && k + 1 - start >= maxLine) {
      lines.push(text.slice(start, k + 1))
      start = k + 1
    }
  }
  if (start < text.length || lines.length === 0) lines.push(text.slice(start))
  return lines
}

function stripNewlinesOutsideStrings(json: string): string {
  let out = ''
  let inString = false
  let escaped = false
  for (const ch of json) {
    if (inString) {
      if (escaped) escaped = false
      else if (ch === '\\') escaped = true
      else if (ch === '"') inString = false
    } else if (ch === '"') {
      inString = true
    } else if (ch === '\n' || ch === '\r') {
      continue
    }
    out += ch
  }
  return out
}

/**
 * One SSE event: `event: <type>` then one `data: ` line per line of `data`, then a blank line.
 * `data` must not contain CR or LF (use `formatJsonEvent` for JSON, which splits safely).
 */
export function formatSseEvent(eventType: string, dataLines: readonly string[]): string {
  if (/[\r\n]/.test(eventType)) throw new Error('event type contains a line break')
  let out = `event: ${eventType}\n`
  for (const line of dataLines) {
    if (/[\r\n]/.test(line)) throw new Error('data line contains a line break')
    out += `data: ${line}\n`
  }
  return `${out}\n`
}

/** One part of a multipart/related resource (RFC 8895 §5.2, §6.7.3). */
export interface MultipartEventPart {
  /** The part's Content-ID without `<>` (static for the stream's life, §6.7.3). */
  contentId: string
  mediaType: string
  /** The part's JSON text. */
  json: string
}

/**
 * The data lines of a full replacement of a multipart/related resource (RFC 8895 §6.7.3, RFC
 * 9275 §8.5): the body's lines, one `data:` line each — delimiters, `Content-ID` and
 * `Content-Type` headers, the blank line, then the part's JSON split as
 * {@link splitJsonLines} does — and the close delimiter. A client joins them with LF (SSE), which
 * RFC 2046 §5.1.1 parsers that accept bare LF read as the message.
 */
export function multipartEventLines(
  boundary: string,
  parts: readonly MultipartEventPart[],
  maxLine = DEFAULT_MAX_DATA_LINE
): string[] {
  const lines: string[] = []
  for (const p of parts) {
    lines.push(`--${boundary}`, `Content-ID: <${p.contentId}>`, `Content-Type: ${p.mediaType}`, '')
    lines.push(...splitJsonLines(p.json, maxLine))
  }
  lines.push(`--${boundary}--`)
  return lines
}

/** An event carrying a JSON value (full replacement, merge patch, JSON patch or control). */
export function formatJsonEvent(
  mediaType: string,
  dataId: string | undefined,
  value: unknown,
  maxLine = DEFAULT_MAX_DATA_LINE
): string {
  const json = JSON.stringify(value)
  if (json === undefined) throw new TypeError('event data is not JSON')
  return formatSseEvent(sseEventType(mediaType, dataId), splitJsonLines(json, maxLine))
}

/** RFC 8895 §5.3 `UpdateStreamControlEvent`. */
export interface UpdateStreamControlEvent {
  /** Sent once, in the first event; null when there is no stream control service. */
  'control-uri'?: string | null
  started?: string[]
  stopped?: string[]
  description?: string
}

/** A control event (no data-id, §5.2). */
export function formatControlEvent(
  event: UpdateStreamControlEvent,
  maxLine = DEFAULT_MAX_DATA_LINE
): string {
  for (const list of [event.started, event.stopped]) {
    if (list && list.length === 0)
      throw new Error('started/stopped have at least one element (§5.3: <1..*>)')
  }
  return formatJsonEvent(MEDIA_TYPES.updateStreamControl, undefined, event, maxLine)
}

/** §6.8 keep-alive: a comment line ("lines starting with ':' are comments"). */
export function formatKeepAlive(text = 'keep-alive'): string {
  return `: ${text.replace(/[\r\n]/g, ' ')}\n\n`
}

// ---------------------------------------------------------------------------------------------
// Parsing (client side, tests)

export interface SseEvent {
  event: string
  data: string
}

/**
 * WHATWG "event stream interpretation": lines end in CRLF, LF or CR; `field: value` (one leading
 * space of the value dropped); `data` lines are joined with LF; a blank line dispatches; lines
 * starting with `:` are comments. Returns complete events and the unparsed remainder.
 */
export function parseSseStream(text: string): { events: SseEvent[]; rest: string } {
  const events: SseEvent[] = []
  let eventType = ''
  let data: string[] = []
  let hasData = false
  const lineRe = /\r\n|\n|\r/g
  let pos = 0
  let consumed = 0
  for (let m = lineRe.exec(text); m; m = lineRe.exec(text)) {
    // A trailing lone CR might be the first half of CRLF: wait for more input.
    if (m[0] === '\r' && m.index + 1 === text.length) break
    const line = text.slice(pos, m.index)
    pos = m.index + m[0].length
    if (line === '') {
      if (hasData) events.push({ event: eventType || 'message', data: data.join('\n') })
      eventType = ''
      data = []
      hasData = false
      consumed = pos
      continue
    }
    if (line.startsWith(':')) continue
    const colon = line.indexOf(':')
    const field = colon < 0 ? line : line.slice(0, colon)
    let value = colon < 0 ? '' : line.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (field === 'event') eventType = value
    else if (field === 'data') {
      data.push(value)
      hasData = true
    }
  }
  return { events, rest: text.slice(consumed) }
}

// ---------------------------------------------------------------------------------------------
// Requests: RFC 8895 §6.5 UpdateStreamReq (opening POST and control POST)

/** §6.5 `AddUpdateReq`. */
export interface AddUpdateReq {
  'resource-id': string
  tag?: string
  'incremental-changes'?: boolean
  input?: Record<string, unknown>
}

/** §6.5 `UpdateStreamReq` after validation. */
export interface UpdateStreamReq {
  add: Record<string, AddUpdateReq>
  remove?: string[]
}

/** What the server offers on one update-stream resource (from its IRD entry). */
export interface UpdateStreamContext {
  /** The IRD `uses` of the update-stream resource. */
  uses: ReadonlySet<string>
}

export type Validation<T> = { ok: true; value: T } | { ok: false; error: AltoError }

const invalid = (field: string, value: unknown): { ok: false; error: AltoError } => ({
  ok: false,
  error: {
    code: 'E_INVALID_FIELD_VALUE',
    field,
    value: typeof value === 'string' ? value : JSON.stringify(value),
  },
})
const wrongType = (field: string): { ok: false; error: AltoError } => ({
  ok: false,
  error: { code: 'E_INVALID_FIELD_TYPE', field },
})

function validateAdd(
  add: unknown,
  ctx: UpdateStreamContext
): Validation<Record<string, AddUpdateReq>> {
  if (!isJsonObject(add)) return wrongType('add')
  const out: Record<string, AddUpdateReq> = {}
  for (const [sid, req] of Object.entries(add)) {
    // §5.2: substream-id has ResourceID syntax (RFC 7285 §10.2, "." reserved).
    if (!RESOURCE_ID.test(sid)) return invalid('add', sid)
    const at = `add/${sid}`
    if (!isJsonObject(req)) return wrongType(at)
    const rid = req['resource-id']
    if (rid === undefined)
      return { ok: false, error: { code: 'E_MISSING_FIELD', field: `${at}/resource-id` } }
    if (typeof rid !== 'string') return wrongType(`${at}/resource-id`)
    // §6.6: field "SHOULD be the full path", value "SHOULD be the invalid resource-id".
    if (!ctx.uses.has(rid)) return invalid(`${at}/resource-id`, rid)
    const entry: AddUpdateReq = { 'resource-id': rid }
    if (req.tag !== undefined) {
      if (typeof req.tag !== 'string') return wrongType(`${at}/tag`)
      if (!VTAG.test(req.tag)) return invalid(`${at}/tag`, req.tag)
      entry.tag = req.tag
    }
    if (req['incremental-changes'] !== undefined) {
      if (typeof req['incremental-changes'] !== 'boolean')
        return wrongType(`${at}/incremental-changes`)
      entry['incremental-changes'] = req['incremental-changes']
    }
    if (req.input !== undefined) {
      // The resource's own validator checks the content (§6.6: "the error that resource itself
      // would return"); here only the type.
      if (!isJsonObject(req.input)) return wrongType(`${at}/input`)
      entry.input = req.input
    }
    out[sid] = entry
  }
  return { ok: true, value: out }
}

/**
 * The opening POST (§6.5-§6.6). Errors are answered 400 and "the server MUST NOT create a
 * stream". "If the request does not have an "add" field ... E_MISSING_FIELD ... field SHOULD be
 * "add"". `remove` "is not allowed in the opening request; the server SHOULD ignore it" — dropped.
 * An empty `add` creates no substream and is rejected like a missing one.
 */
export function validateOpenRequest(
  body: unknown,
  ctx: UpdateStreamContext
): Validation<UpdateStreamReq> {
  if (!isJsonObject(body))
    return {
      ok: false,
      error: { code: 'E_SYNTAX', syntaxError: 'request body must be a JSON object' },
    }
  if (body.add === undefined) return { ok: false, error: { code: 'E_MISSING_FIELD', field: 'add' } }
  const add = validateAdd(body.add, ctx)
  if (!add.ok) return add
  if (Object.keys(add.value).length === 0)
    return { ok: false, error: { code: 'E_MISSING_FIELD', field: 'add' } }
  return { ok: true, value: { add: add.value } }
}

/** Per-stream state the control service keeps (in the stream's Durable Object). */
export interface StreamState {
  /** Substreams currently updating. */
  active: string[]
  /** Every substream-id ever added, active or not: ids are never reused (§5.2 / §7.5). */
  everAdded: string[]
  closed: boolean
}

export function openStreamState(req: UpdateStreamReq): StreamState {
  const ids = Object.keys(req.add)
  return { active: ids, everAdded: ids, closed: false }
}

export type ControlOutcome =
  | {
      ok: true
      state: StreamState
      /** Substreams to start (send `started` and, without a current tag, a full replacement). */
      add: Record<string, AddUpdateReq>
      /** Substreams that were active and are now stopped (send `stopped`). */
      stopped: string[]
      /** No substream remains: close the stream (§7.6 "MUST close"). */
      close: boolean
      /** 202 Accepted, or 204 when the update stream server has already applied it. */
      status: 202 | 204
    }
  | { ok: false; status: 400; error: AltoError }
  | { ok: false; status: 404; reason: string }

/**
 * A POST to the stream control URI (§7.6). On any error nothing changes. `add` is processed
 * before `remove`. `remove: []` means every active substream, and then the stream closes.
 * Errors (all 400 E_INVALID_FIELD_VALUE):
 * - an `add` substream-id used before in this stream (field "add");
 * - a `remove` id never added before this request (field "remove", value the list of such ids;
 *   RFC 8895 asks for a JSON array, carried here as its JSON text since ALTO `value` is a string);
 * - a non-empty `add` together with `remove: []` (field "remove", value "[]").
 * A valid request for a closed stream: 404. `appliedSynchronously` picks 204 over 202.
 */
export function applyControlRequest(
  state: StreamState,
  body: unknown,
  ctx: UpdateStreamContext,
  appliedSynchronously = false
): ControlOutcome {
  if (!isJsonObject(body))
    return {
      ok: false,
      status: 400,
      error: { code: 'E_SYNTAX', syntaxError: 'request body must be a JSON object' },
    }
  let add: Record<string, AddUpdateReq> = {}
  if (body.add !== undefined) {
    const checked = validateAdd(body.add, ctx)
    if (!checked.ok) return { ok: false, status: 400, error: checked.error }
    add = checked.value
  }
  const addIds = Object.keys(add)
  const reused = addIds.filter((id) => state.everAdded.includes(id))
  if (reused.length) return { ok: false, status: 400, error: invalid('add', reused[0]).error }
  let remove: string[] | undefined
  if (body.remove !== undefined) {
    if (!Array.isArray(body.remove) || body.remove.some((id) => typeof id !== 'string')) {
      return { ok: false, status: 400, error: wrongType('remove').error }
    }
    remove = body.remove as string[]
    const unknown = remove.filter((id) => !state.everAdded.includes(id))
    if (unknown.length) return { ok: false, status: 400, error: invalid('remove', unknown).error }
    if (remove.length === 0 && addIds.length > 0)
      return { ok: false, status: 400, error: invalid('remove', []).error }
  }
  if (addIds.length === 0 && remove === undefined) {
    return { ok: false, status: 400, error: { code: 'E_MISSING_FIELD', field: 'add' } }
  }
  if (state.closed) return { ok: false, status: 404, reason: 'the update stream is closed' }
  const removeSet = new Set(remove && remove.length === 0 ? state.active : (remove ?? []))
  const active = [...state.active, ...addIds]
  const stopped = active.filter((id) => removeSet.has(id))
  const remaining = active.filter((id) => !removeSet.has(id))
  const close = remaining.length === 0
  return {
    ok: true,
    state: { active: remaining, everAdded: [...state.everAdded, ...addIds], closed: close },
    add,
    stopped,
    close,
    status: appliedSynchronously ? 204 : 202,
  }
}
