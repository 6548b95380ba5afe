/**
 * @module `GET /schemas/` (the index) and `GET /schemas/<name>.json`: the JSON Schema of every
 * ALTO message body, generated from the zod schemas (scripts/gen-schemas.ts writes
 * src/alto/schemas.generated.json with the bodies and their strong ETags), so clients in other
 * languages can validate and generate code. Public like `/health`: no KV, no credentials; fixed
 * per deployment, so cached for a day and revalidated by ETag.
 */
import { Hono } from 'hono'
import { httpFail } from '../../alto/errors.ts'
import { ifNoneMatchMatches } from '../../alto/negotiation.ts'
import generated from '../../alto/schemas.generated.json' with { type: 'json' }
import type { AppEnv } from '../env.ts'

const SCHEMA_MEDIA_TYPE = 'application/schema+json'
const CACHE_CONTROL = 'public, max-age=86400'

const schemas = generated.schemas as Record<string, unknown>
const etags = generated.etags as Record<string, string>

function serve(ifNoneMatch: string | undefined, body: unknown, etag: string, type: string) {
  const headers = { 'Content-Type': type, ETag: etag, 'Cache-Control': CACHE_CONTROL }
  if (ifNoneMatchMatches(ifNoneMatch, etag)) return new Response(null, { status: 304, headers })
  return new Response(JSON.stringify(body), { headers })
}

export const schemaRoutes = new Hono<AppEnv>()
  .get('/schemas/', (c) =>
    serve(
      c.req.header('If-None-Match'),
      { schemas: generated.index },
      generated.indexEtag,
      'application/json'
    )
  )
  .get('/schemas/:file{[a-z-]+\\.json}', (c) => {
    const name = c.req.param('file').replace(/\.json$/, '')
    if (!Object.hasOwn(schemas, name))
      httpFail({ kind: 'not-found', reason: `no schema named ${name}; see /schemas/` })
    return serve(c.req.header('If-None-Match'), schemas[name], etags[name], SCHEMA_MEDIA_TYPE)
  })
