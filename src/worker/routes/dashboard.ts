/**
 * @module The operator dashboard's files (README "Dashboard"): `GET /dashboard` (the page, also
 * `GET /` for a client whose `Accept` names `text/html`, i.e. a browser) and its script, style
 * sheet and icon under `/dashboard/`. The files are built from src/dashboard/ by
 * scripts/build-dashboard.ts and read through the `ASSETS` binding (wrangler.toml `[assets]`,
 * `run_worker_first`): the Worker never imports browser code, and every file gets the Worker's
 * security headers (the page its own CSP, middleware/security-headers.ts).
 *
 * The files hold no map data, so they are served without client credentials, like `/health`:
 * a browser with a bearer token could not load the page otherwise. Everything the page shows comes
 * from the ALTO API (client authentication and per-client visibility apply) and from the
 * operator endpoint (operator token), fetched by the page itself.
 */
import { Hono } from 'hono'
import { httpFail } from '../../alto/errors.ts'
import { acceptsExplicitly } from '../../alto/negotiation.ts'
import { MEDIA_TYPES } from '../../alto/media-types.ts'
import type { AppEnv } from '../env.ts'
import type { AppContext } from '../http.ts'

export const DASHBOARD_PATH = '/dashboard'
/** The only files served; anything else under /dashboard/ is a 404. */
const FILES = new Set(['dashboard.js', 'dashboard.css', 'favicon.svg'])

async function serveAsset(c: AppContext, file: string): Promise<Response> {
  const url = new URL(`${DASHBOARD_PATH}/${file}`, c.req.url)
  const headers = new Headers()
  const inm = c.req.header('If-None-Match')
  if (inm) headers.set('If-None-Match', inm)
  const asset = await c.env.ASSETS.fetch(new Request(url, { headers }))
  if (asset.status !== 200 && asset.status !== 304) httpFail({ kind: 'not-found' })
  const out = new Headers({ 'Cache-Control': 'no-cache', Vary: 'Accept' })
  for (const name of ['Content-Type', 'ETag']) {
    const value = asset.headers.get(name)
    if (value) out.set(name, value)
  }
  return new Response(c.req.method === 'HEAD' ? null : asset.body, {
    status: asset.status,
    headers: out,
  })
}

/** A browser's navigation to `/` (names text/html, not the IRD's type) gets the page. */
export function wantsDashboard(accept: string | undefined): boolean {
  return acceptsExplicitly(accept, 'text/html') && !acceptsExplicitly(accept, MEDIA_TYPES.directory)
}

export const servePage = (c: AppContext): Promise<Response> => serveAsset(c, 'index.html')

export const dashboardRoutes = new Hono<AppEnv>()
  .get(DASHBOARD_PATH, servePage)
  .get(`${DASHBOARD_PATH}/`, servePage)
  .get(`${DASHBOARD_PATH}/:file`, (c) => {
    const file = c.req.param('file')
    if (!FILES.has(file)) httpFail({ kind: 'not-found' })
    return serveAsset(c, file)
  })
  .get('/', (c, next) => (wantsDashboard(c.req.header('Accept')) ? servePage(c) : next()))
  .all(DASHBOARD_PATH, () => httpFail({ kind: 'method-not-allowed', allow: ['GET', 'HEAD'] }))
  .all(`${DASHBOARD_PATH}/*`, () =>
    httpFail({ kind: 'method-not-allowed', allow: ['GET', 'HEAD'] })
  )
