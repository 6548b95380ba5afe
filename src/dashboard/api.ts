/**
 * @module The dashboard's only way to the server: the public ALTO API (IRD, maps, endpoint
 * services, TIPS, ALTO/SSE) with the client's credential, and the operator endpoint
 * `GET /_alto/versions` with the operator token. Same-origin `fetch` only; both tokens live in
 * `sessionStorage` (gone with the tab) and are sent as `Authorization: Bearer`. Without a client
 * token the browser's own HTTP authentication (Digest prompt) applies to the same-origin requests.
 * Every request revalidates (`cache: 'no-cache'`): the server's answers vary by credential (a
 * client's own IRD view) but say only `Vary: Accept`, so after a token change the browser cache
 * could otherwise serve the previous client's view; the ETag makes the check cheap.
 */
import type { CostType } from '../alto/cost-types.ts'
import type { Ird, IrdEntry } from '../alto/ird.ts'
import { MEDIA_TYPES } from '../alto/media-types.ts'
import { parseSseEventType, parseSseStream } from '../updates/sse.ts'

export const OPERATOR_VERSIONS_PATH = '/_alto/versions'

export type { Ird, IrdEntry, CostType }

export interface NetworkMap {
  meta: { vtag: { 'resource-id': string; tag: string } }
  'network-map': Record<string, { ipv4?: string[]; ipv6?: string[] }>
}
export interface CostMap {
  meta: { 'cost-type': CostType; 'dependent-vtags'?: { 'resource-id': string; tag: string }[] }
  'cost-map': Record<string, Record<string, number | string>>
}

/** `GET /_alto/versions` (src/worker/routes/operator.ts). */
export interface VersionsSummary {
  current: { version: string; seq: number } | null
  versions: {
    version: string
    seq: number
    created: string
    current: boolean
    /** Resource ids whose content a rollback to this version would change; null if pruned. */
    'rollback-changes': string[] | null
    manifest: ManifestSummary | null
  }[]
  updates: Record<string, { seq: number; tag: string; version: string }[]>
}
export interface ManifestSummary {
  'default-network-map': string
  'network-maps': Record<
    string,
    {
      vtag: string
      'pid-count': number
      'prefix-counts': { ipv4: number; ipv6: number }
      'table-bytes': { pids: number; 'lpm-v4': number; 'lpm-v6': number; json: number }
    }
  >
  'cost-maps': Record<
    string,
    {
      'network-map': string
      'cost-type-name': string
      tag: string
      'table-bytes': { matrix: number; json: number }
    }
  >
}

const CLIENT_KEY = 'alto-dashboard-client-token'
const OPERATOR_KEY = 'alto-dashboard-operator-token'

export const tokens = {
  get client(): string {
    return sessionStorage.getItem(CLIENT_KEY) ?? ''
  },
  get operator(): string {
    return sessionStorage.getItem(OPERATOR_KEY) ?? ''
  },
  set(client: string, operator: string): void {
    sessionStorage.setItem(CLIENT_KEY, client.trim())
    sessionStorage.setItem(OPERATOR_KEY, operator.trim())
  },
}

export class ApiError extends Error {
  readonly status: number
  constructor(status: number, message: string) {
    super(message)
    this.status = status
  }
}

async function failure(res: Response): Promise<ApiError> {
  let detail = res.statusText
  const text = await res.text().catch(() => '')
  try {
    const meta = (JSON.parse(text) as { meta?: { code?: string; field?: string; value?: string } })
      .meta
    if (meta?.code) detail = [meta.code, meta.field, meta.value].filter(Boolean).join(' ')
  } catch {
    if (text) detail = text.slice(0, 200)
  }
  return new ApiError(res.status, `${res.status} ${detail}`)
}

/** A same-origin request with the client's credential (if one was given). */
export async function altoFetch(
  uri: string,
  accept: string,
  body?: { contentType: string; json: unknown }
): Promise<Response> {
  const headers: Record<string, string> = { Accept: `${accept},${MEDIA_TYPES.error}` }
  if (tokens.client) headers.Authorization = `Bearer ${tokens.client}`
  if (body) headers['Content-Type'] = body.contentType
  const res = await fetch(uri, {
    method: body ? 'POST' : 'GET',
    headers,
    body: body ? JSON.stringify(body.json) : undefined,
    credentials: 'same-origin',
    cache: 'no-cache',
  })
  if (!res.ok) throw await failure(res)
  return res
}

export async function altoJson<T>(
  uri: string,
  accept: string,
  body?: { contentType: string; json: unknown }
): Promise<T> {
  return (await (await altoFetch(uri, accept, body)).json()) as T
}

export const loadIrd = (): Promise<Ird> => altoJson<Ird>('/directory', MEDIA_TYPES.directory)

/** The tag a GET resource carries in its strong ETag, from a HEAD request (no body moved). */
export async function resourceTag(entry: IrdEntry): Promise<string | undefined> {
  const headers: Record<string, string> = { Accept: entry['media-type'] }
  if (tokens.client) headers.Authorization = `Bearer ${tokens.client}`
  const res = await fetch(entry.uri, {
    method: 'HEAD',
    headers,
    credentials: 'same-origin',
    cache: 'no-cache',
  })
  const etag = res.ok ? res.headers.get('ETag') : null
  return etag ? etag.replace(/^W\//, '').replace(/^"|"$/g, '') : undefined
}

/** The operator summary, or null without an operator token / when the operator API is off. */
export async function loadVersions(): Promise<VersionsSummary | null> {
  if (!tokens.operator) return null
  const res = await fetch(OPERATOR_VERSIONS_PATH, {
    headers: { Authorization: `Bearer ${tokens.operator}`, Accept: 'application/json' },
    credentials: 'omit',
  })
  if (!res.ok) throw await failure(res)
  return (await res.json()) as VersionsSummary
}

export interface SseMessage {
  mediaType: string
  dataId?: string
  data: string
}

/**
 * Opens an ALTO/SSE update stream (RFC 8895 §6.3: a POST, so `EventSource` cannot be used) and
 * calls `onEvent` per event until `signal` aborts or the server ends the stream.
 */
export async function openUpdateStream(
  uri: string,
  add: Record<string, { 'resource-id': string; tag?: string; 'incremental-changes': boolean }>,
  onEvent: (message: SseMessage) => void,
  signal: AbortSignal
): Promise<void> {
  const headers: Record<string, string> = {
    Accept: `${MEDIA_TYPES.eventStream},${MEDIA_TYPES.error}`,
    'Content-Type': MEDIA_TYPES.updateStreamParams,
  }
  if (tokens.client) headers.Authorization = `Bearer ${tokens.client}`
  const res = await fetch(uri, {
    method: 'POST',
    headers,
    body: JSON.stringify({ add }),
    signal,
    credentials: 'same-origin',
    cache: 'no-cache',
  })
  if (!res.ok || !res.body) throw await failure(res)
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
  let buffer = ''
  for (;;) {
    const { value, done } = await reader.read()
    if (done) return
    const parsed = parseSseStream(buffer + value)
    buffer = parsed.rest
    for (const event of parsed.events)
      onEvent({ ...parseSseEventType(event.event), data: event.data })
  }
}
