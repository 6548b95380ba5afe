/**
 * @module The alto-edge Worker: an ALTO server (RFC 7285) answering from the version published
 * in KV (docs/storage-schema.md). One module per resource under `routes/`, one per cross-cutting
 * concern under `middleware/`; this module only wires them, in this order:
 *
 *   cors                    CORS for browser clients (validators, `Retry-After` and
 *                           `WWW-Authenticate` exposed); answers OPTIONS preflights
 *   securityHeaders         hardening headers on every response
 *   GET /health             liveness, no KV, no credentials
 *   lastGoodFallback        storage fault → replay on the isolate's last good version
 *   clientAuthentication    optional Digest / bearer (401), sets the client
 *   rateLimit               per-client limit (429/503 + Retry-After)
 *   responseSigning         optional RFC 9421 signatures on successful POST answers
 *   routes                  IRD, network maps, cost maps, endpoint property, endpoint cost
 *
 * New resources (e.g. TIPS, SSE) add a route module and mount it below; they get every
 * middleware above and must call `requireVisible` (access.ts) with their IRD resource id.
 * Every failure is mapped in one place (`failureResponse`); storage and table-format problems are
 * 503 + `Retry-After`; anything else is a server bug: 500, logged without request data
 * (no addresses, no bodies).
 */
import { Hono } from 'hono'
import { cors } from 'hono/cors'
import { RequestFailureError, failureResponse } from '../alto/errors.ts'
import { TableFormatError } from '../tables/index.ts'
import type { AppEnv } from './env.ts'
import { clientAuthentication } from './middleware/auth.ts'
import { lastGoodFallback } from './middleware/last-good.ts'
import { rateLimit } from './middleware/rate-limit.ts'
import { securityHeaders } from './middleware/security-headers.ts'
import { responseSigning } from './middleware/signing.ts'
import { cdniRoutes } from './routes/cdni.ts'
import { costMapRoutes } from './routes/cost-map.ts'
import { dashboardRoutes } from './routes/dashboard.ts'
import { directoryRoutes } from './routes/directory.ts'
import { endpointCostRoutes } from './routes/endpoint-cost.ts'
import { endpointPropertyRoutes } from './routes/endpoint-property.ts'
import { networkMapRoutes } from './routes/network-map.ts'
import { propertyMapRoutes } from './routes/property-map.ts'
import { schemaRoutes } from './routes/schemas.ts'
import { signingKeyRoutes } from './routes/signing-keys.ts'
import { operatorRoutes } from './routes/operator.ts'
import { pathVectorRoutes } from './routes/path-vector.ts'
import { notifyRoutes, updateRoutes } from './updates/index.ts'
import { UNAVAILABLE_RETRY_AFTER_SECONDS } from './store.ts'

/** Longest error message logged for an unexpected error. */
const MAX_LOGGED_MESSAGE_CHARS = 200

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
  const message = error instanceof Error ? error.message.slice(0, MAX_LOGGED_MESSAGE_CHARS) : ''
  console.error('alto-edge: internal error:', name, message)
  return failureResponse({ kind: 'internal' })
}

export const app: Hono<AppEnv> = new Hono<AppEnv>()
  .use(
    cors({
      origin: '*',
      allowMethods: ['GET', 'HEAD', 'POST', 'OPTIONS'],
      allowHeaders: [
        'Content-Type',
        'Accept',
        'If-None-Match',
        'If-Modified-Since',
        'Authorization',
      ],
      exposeHeaders: [
        'ETag',
        'Last-Modified',
        'Retry-After',
        'WWW-Authenticate',
        'Content-Digest',
        'Signature-Input',
        'Signature',
      ],
      maxAge: 86400,
    })
  )
  .use(securityHeaders)
  .get('/health', (c) => c.text('ok'))
  .route('/', schemaRoutes) // JSON Schemas of every message body: public, no KV
  .route('/', signingKeyRoutes) // public keys of signed answers: public, no KV
  // The publisher's hook: its own bearer secret (ALTO_OPERATOR_TOKEN), not a client credential.
  .route('/', notifyRoutes)
  // Operator dashboard: its files (no data, no credentials) and GET /_alto/versions (operator token).
  .route('/', dashboardRoutes)
  .route('/', operatorRoutes)
  .use(lastGoodFallback((request, env, ctx) => app.fetch(request, env, ctx)))
  .use(clientAuthentication)
  .use(rateLimit)
  .use(responseSigning)
  .route('/', directoryRoutes)
  .route('/', networkMapRoutes)
  .route('/', costMapRoutes)
  .route('/', endpointPropertyRoutes)
  .route('/', endpointCostRoutes)
  .route('/', pathVectorRoutes) // RFC 9275 path vectors: docs/path-vector.md
  // RFC 9240 property maps (docs/property-maps.md).
  .route('/', propertyMapRoutes)
  .route('/', cdniRoutes) // RFC 9241 CDNI advertisements: docs/cdni.md
  // TIPS (RFC 9569) and ALTO/SSE (RFC 8895): src/worker/updates, docs/updates.md.
  .route('/', updateRoutes)
  .notFound(() => failureResponse({ kind: 'not-found' }))
  .onError((error) => errorToResponse(error))
