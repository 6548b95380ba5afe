/**
 * @module Answering from the last good version when storage fails.
 *
 * The isolate remembers the last version it answered a request from without a storage fault
 * (manifest, and — through the table cache — the decoded tables it used). When a request then
 * hits a {@link StorageFault} (pointer unreadable or missing, manifest or blob missing, corrupt or
 * failing its checksum, a KV read error), the request is replayed ONCE, pinned to that last good
 * version, and one log line says so:
 *
 *   alto-edge: serving last good version <version> because <reason>
 *
 * (`reason` names KV keys at most — never addresses or bodies). Without a last good version, or
 * when the fault is in the last good version itself, the 503 stands. A replay reads the same
 * immutable keys a request on that version always reads, so its answer is that version's answer:
 * versions are never mixed within one response.
 */
import type { Context, MiddlewareHandler } from 'hono'
import type { AltoClient, AppEnv, Env, PublishedVersion } from '../env.ts'
import { StorageFault } from '../store.ts'

/** What a replayed request is pinned to: the version, and the client already authenticated. */
export interface ReplayPin {
  version: PublishedVersion
  client: AltoClient | undefined
}

let lastGood: PublishedVersion | null = null
const replays = new WeakMap<Request, ReplayPin>()

/** The pin of a replayed request (set only by this module), or undefined for a client's request. */
export function replayPin(request: Request): ReplayPin | undefined {
  return replays.get(request)
}

/** The version this isolate would fall back to. */
export function lastGoodVersion(): PublishedVersion | null {
  return lastGood
}

/** Test hook: forget the last good version. */
export function forgetLastGoodVersion(): void {
  lastGood = null
}

export type Dispatch = (
  request: Request,
  env: Env,
  ctx: ExecutionContext | undefined
) => Response | Promise<Response>

function executionContextOf(c: Context<AppEnv>): ExecutionContext | undefined {
  try {
    return c.executionCtx as unknown as ExecutionContext
  } catch {
    return undefined
  }
}

/** `dispatch` runs the whole app again (passed in to avoid an import cycle with app.ts). */
export function lastGoodFallback(dispatch: Dispatch): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next()
    const error = c.error
    const requested = c.get('version') as Promise<PublishedVersion> | undefined
    if (!(error instanceof StorageFault)) {
      if (requested && !error && c.res.status < 500) lastGood = await requested
      return
    }
    if (replays.has(c.req.raw)) return // the last good version failed too: the 503 stands
    const failed = requested ? await requested.catch(() => null) : null
    const good = lastGood
    if (!good || failed?.manifest.version === good.manifest.version) {
      console.error(`alto-edge: 503, no last good version to serve; ${error.reason}`)
      return
    }
    console.warn(
      `alto-edge: serving last good version ${good.manifest.version} because ${error.reason}`
    )
    const original = c.req.raw
    const body =
      original.method === 'GET' || original.method === 'HEAD'
        ? null
        : original.bodyUsed
          ? (c.get('requestBody') ?? null)
          : original.body
    const replay = new Request(original.url, {
      method: original.method,
      headers: original.headers,
      body,
    })
    replays.set(replay, { version: good, client: c.get('client') })
    const response = await dispatch(replay, c.env, executionContextOf(c))
    c.res = undefined // replace, not merge: the 503's headers must not leak into the answer
    c.res = response
  }
}
