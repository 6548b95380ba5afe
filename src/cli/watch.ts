/**
 * @module `alto-edge watch <server-url> --resource <id> [--via tips|sse] [--count N]`: follows one
 * resource through TIPS (RFC 9569) or ALTO/SSE (RFC 8895) and prints each change, so an operator
 * sees publications arrive. The protocol is the client library's (`AltoClient.follow`,
 * src/client/follow.ts); this module only words the events and stops after `--count` changes.
 */
import { AltoClient } from '../client/client.ts'
import { AltoClientError } from '../client/errors.ts'
import type { FetchLike } from '../client/http.ts'

export interface WatchOptions {
  server: string
  resourceId: string
  via: 'tips' | 'sse'
  /** Stop after this many changes (after the initial snapshot); unlimited when undefined. */
  count?: number
  /** Bearer token for a server with client authentication. */
  token?: string
  fetch?: FetchLike
}

/** The server could not be reached (connection refused, DNS failure, reset): no HTTP answer. */
export class ServerUnreachableError extends Error {
  override name = 'ServerUnreachableError'
}

export async function watch(opts: WatchOptions, out: (line: string) => void): Promise<void> {
  try {
    await follow(opts, out)
  } catch (e) {
    if (e instanceof AltoClientError && e.failure.kind === 'unreachable')
      throw new ServerUnreachableError(e.message)
    throw e
  }
}

async function follow(opts: WatchOptions, out: (line: string) => void): Promise<void> {
  const client = await AltoClient.discover(opts.server, { fetch: opts.fetch, token: opts.token })
  const rid = opts.resourceId
  let changes = 0
  if (opts.count === 0) return
  for await (const event of client.follow(rid, { via: opts.via })) {
    if (event.type === 'view') {
      out(`[tips] view ${event.uri}`)
      continue
    }
    if (event.type === 'control') {
      out(`[sse] control ${JSON.stringify(event.control)}`)
      continue
    }
    const patch = event.kind === 'merge-patch' ? `merge patch, ${event.changed} values changed` : ''
    if (event.via === 'tips') {
      const { from, to } = event.edge!
      const what = patch || (from === 0 ? 'snapshot' : 'full replacement')
      out(`[tips] ${rid} seq ${from} → ${to}: ${what}, ${event.bytes} bytes; tag ${event.tag}`)
      if (from !== 0) changes++ // the first snapshot (or one after a 410) is not a change
    } else {
      out(`[sse] ${rid}: ${patch || 'full data'}, ${event.bytes} bytes; tag ${event.tag}`)
      if (patch) changes++
    }
    if (opts.count !== undefined && changes >= opts.count) return
  }
}
