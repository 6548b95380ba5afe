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
import { resourcePaths } from '../../store/manifest.ts'
import type { AppEnv } from '../env.ts'
import { serveFullResource } from '../full-resource.ts'
import { requestVersion, type AppContext } from '../http.ts'

async function serveDirectory(c: AppContext): Promise<Response> {
  const version = await requestVersion(c)
  return serveFullResource(c, version, {
    cacheId: 'directory',
    etag: strongEtag(version.manifest['ird-tag']),
    mediaType: MEDIA_TYPES.directory,
    blob: version.manifest.ird,
  })
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
  .all(resourcePaths.directory, () => httpFail({ kind: 'method-not-allowed', allow: ['GET', 'HEAD'] }))
  .all('/', () => httpFail({ kind: 'method-not-allowed', allow: ['GET', 'HEAD'] }))
