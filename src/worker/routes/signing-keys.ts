/**
 * @module `GET /signing/jwks.json`: the public keys that verify signed answers (docs/signing.md).
 * A JWK Set (RFC 7517 §5, `application/jwk-set+json`) of public members only, from
 * `ALTO_SIGNING_JWKS` or, when that is unset, the public half of `ALTO_SIGNING_KEY`. Public and
 * KV-free like the schemas: a client must be able to fetch it before it trusts anything. 404 when
 * no key is configured. During a rotation the set lists the old and the new key (same `kid`
 * never reused), so answers signed just before the switch still verify until they expire.
 */
import { Hono } from 'hono'
import { httpFail } from '../../alto/errors.ts'
import type { AppEnv } from '../env.ts'
import { publicJwks } from '../middleware/signing.ts'

export const SIGNING_JWKS_PATH = '/signing/jwks.json'
export const JWK_SET_MEDIA_TYPE = 'application/jwk-set+json'

export const signingKeyRoutes = new Hono<AppEnv>().get(SIGNING_JWKS_PATH, (c) => {
  const jwks = publicJwks(c.env)
  if (!jwks) return httpFail({ kind: 'not-found' })
  return c.body(JSON.stringify(jwks), 200, {
    'Content-Type': JWK_SET_MEDIA_TYPE,
    'Cache-Control': 'public, max-age=300',
  })
})
