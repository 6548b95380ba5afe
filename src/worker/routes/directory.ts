/**
 * @module The Information Resource Directory (RFC 7285 §9): `GET /directory`, and `GET /` for
 * clients whose `Accept` names `application/alto-directory+json` (others get a short text pointer).
 * The body is the manifest's prebuilt `ird` blob (relative URIs, resolved by clients against the
 * IRD's URI per RFC 3986 §5, as §9.2.2 requires); the ETag is the manifest's `ird-tag`.
 */
import { Hono } from 'hono'
import { httpFail } from '../../alto/errors.ts'
import { MEDIA_TYPES } from '../../alto/media-types.ts'
import { acceptsExplicitly, strongEtag } from '../../alto/negotiation.ts'
import { resourcePaths } from '../../alto/resources.ts'
import type { AppEnv } from '../env.ts'
import { serveFullResource } from '../full-resource.ts'
import { restrictIrd } from '../../alto/ird-view.ts'
import { type Ird } from '../../alto/ird.ts'
import { requestVisibility } from '../access.ts'
import { toHex } from '../../tables/bytes.ts'
import type { PublishedVersion } from '../env.ts'
import {
  notModifiedResponse,
  representationHeaders,
  requestVersion,
  requireAcceptable,
  type AppContext,
} from '../http.ts'
import { irdBody } from '../tables.ts'
import { publicJwks } from '../middleware/signing.ts'
import { SIGNING_JWKS_PATH } from './signing-keys.ts'

/**
 * IRD meta member naming the JWK Set of signed answers, a URI relative to the IRD like its resource URIs.
 * Not an RFC 7285 member: clients that do not know it ignore it (RFC 7285 §8.3.7).
 */
export const SIGNING_JWKS_META = 'signing-jwks-uri'

async function serveDirectory(c: AppContext): Promise<Response> {
  const version = await requestVersion(c)
  const visibility = await requestVisibility(c)
  // With signing keys configured the IRD names them (meta "signing-jwks-uri", docs/signing.md).
  const signing = publicJwks(c.env) !== undefined
  if (visibility !== '*' || signing)
    return serveRestrictedDirectory(c, version, visibility, signing)
  return serveFullResource(c, version, {
    cacheId: 'directory',
    etag: strongEtag(version.manifest['ird-tag']),
    mediaType: MEDIA_TYPES.directory,
    blob: version.manifest.ird,
  })
}

const MAX_CACHED_VIEWS = 64
const restrictedBodies = new Map<string, { body: string; etag: string }>()

/**
 * A client's own directory (RFC 7285 §9.1; alto/ird-view.ts): built from the version's IRD once
 * per (version, view) per isolate. Its ETag is the IRD's tag plus a hash of the view, so two
 * views never share a validator.
 */
async function serveRestrictedDirectory(
  c: AppContext,
  version: PublishedVersion,
  visible: ReadonlySet<string> | '*',
  signing = false
): Promise<Response> {
  requireAcceptable(c, MEDIA_TYPES.directory)
  const viewKey = (visible === '*' ? '*' : [...visible].sort().join('\n')) + (signing ? '\ns' : '')
  const key = `${version.manifest.version}\n${viewKey}`
  let view = restrictedBodies.get(key)
  if (!view) {
    const ird = (await irdBody(c.env.ALTO_KV, version.manifest)) as Ird
    const viewHash = toHex(
      await crypto.subtle.digest('SHA-256', new TextEncoder().encode(viewKey))
    ).slice(0, 16)
    const restricted = visible === '*' ? ird : restrictIrd(ird, visible)
    view = {
      body: JSON.stringify(
        signing
          ? {
              ...restricted,
              meta: { ...restricted.meta, [SIGNING_JWKS_META]: SIGNING_JWKS_PATH },
            }
          : restricted
      ),
      etag: strongEtag(`${version.manifest['ird-tag']}-${viewHash}`),
    }
    if (restrictedBodies.size >= MAX_CACHED_VIEWS)
      restrictedBodies.delete(restrictedBodies.keys().next().value!)
    restrictedBodies.set(key, view)
  }
  const headers = representationHeaders(c, version, view.etag, MEDIA_TYPES.directory)
  const notModified = notModifiedResponse(c, headers, version.lastModified)
  if (notModified) return notModified
  return new Response(c.req.method === 'HEAD' ? null : view.body, { headers })
}

const ROOT_POINTER =
  'alto-edge: an ALTO server (RFC 7285).\n' +
  `Information Resource Directory: GET ${resourcePaths.directory} ` +
  `(Accept: ${MEDIA_TYPES.directory})\n`

export const directoryRoutes = new Hono<AppEnv>()
  .get(resourcePaths.directory, serveDirectory)
  .get('/', (c) => {
    if (acceptsExplicitly(c.req.header('Accept'), MEDIA_TYPES.directory)) return serveDirectory(c)
    return c.body(ROOT_POINTER, 200, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Cache-Control': 'public, max-age=3600',
      Vary: 'Accept',
    })
  })
  .all(resourcePaths.directory, () =>
    httpFail({ kind: 'method-not-allowed', allow: ['GET', 'HEAD'] })
  )
  .all('/', () => httpFail({ kind: 'method-not-allowed', allow: ['GET', 'HEAD'] }))
