/**
 * @module The alto-edge Worker: an ALTO server (RFC 7285) answering from the version published
 * in KV (docs/storage-schema.md). One module per resource under `routes/`; this module wires the
 * cross-cutting behaviour:
 * - CORS for browser clients (validators and `Retry-After` exposed), OPTIONS preflight;
 * - `X-Content-Type-Options: nosniff` on every response;
 * - every failure mapped in one place (`failureResponse`); storage and table-format problems are
 *   503 + `Retry-After`; anything else is a server bug: 500, logged without request data
 *   (no addresses, no bodies).
 */
import { Hono } from 'hono'
import { cors } from 'hono/cors'
import { RequestFailureError, failureResponse } from '../alto/errors.ts'
import { TableFormatError } from '../tables/index.ts'
import type { AppEnv } from './env.ts'
import { costMapRoutes } from './routes/cost-map.ts'
import { directoryRoutes } from './routes/directory.ts'
import { endpointCostRoutes } from './routes/endpoint-cost.ts'
import { endpointPropertyRoutes } from './routes/endpoint-property.ts'
import { networkMapRoutes } from './routes/network-map.ts'
import { UNAVAILABLE_RETRY_AFTER_SECONDS } from './store.ts'

export function errorToResponse(error: unknown): Response {
  if (error instanceof RequestFailureError) return failureResponse(error.failure)
  if (error instanceof TableFormatError) {
    console.error('alto-edge: corrupt table in the current version:', error.message)
    return failureResponse({
      kind: 'unavailable',
      reason: 'the current map version cannot be decoded',
      retryAfterSeconds: UNAVAILABLE_RETRY_AFTER_SECONDS,
    })
  }
  const name = error instanceof Error ? error.name : typeof error
  const message = error instanceof Error ? error.message : ''
  console.error('alto-edge: internal error:', name, message)
  return new Response('Internal Server Error\n', {
    status: 500,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
  })
}

export const app = new Hono<AppEnv>()
  .use(
    cors({
      origin: '*',
      allowMethods: ['GET', 'HEAD', 'POST', 'OPTIONS'],
      allowHeaders: ['Content-Type', 'Accept', 'If-None-Match', 'If-Modified-Since'],
      exposeHeaders: ['ETag', 'Last-Modified', 'Retry-After'],
      maxAge: 86400,
    })
  )
  .use(async (c, next) => {
    await next()
    c.res.headers.set('X-Content-Type-Options', 'nosniff')
  })
  .get('/health', (c) => c.text('ok'))
  .route('/', directoryRoutes)
  .route('/', networkMapRoutes)
  .route('/', costMapRoutes)
  .route('/', endpointPropertyRoutes)
  .route('/', endpointCostRoutes)
  .notFound(() => failureResponse({ kind: 'not-found' }))
  .onError((error) => errorToResponse(error))
