/**
 * @module Which resources the request's client may see (docs/security.md, "Per-client views").
 *
 * Authentication off, or a client with `resources: "*"`: everything. Otherwise the client's
 * listed resource ids closed under `uses` (alto/ird-view.ts), computed from the version's IRD
 * once per (version, client) per isolate. Every route calls {@link requireVisible} with the IRD
 * resource id it serves; a hidden resource is a 404, indistinguishable from a missing one.
 * Routes added later (TIPS, SSE) must do the same.
 */
import { httpFail } from '../alto/errors.ts'
import { visibleResourceIds } from '../alto/ird-view.ts'
import { type Ird } from '../alto/ird.ts'
import type { PublishedVersion } from './env.ts'
import { requestVersion, type AppContext } from './http.ts'
import { irdBody } from './tables.ts'

/** `*` or the visible resource ids. */
export type Visibility = '*' | ReadonlySet<string>

const MAX_CACHED_VIEWS = 64
const views = new Map<string, ReadonlySet<string>>()

async function viewOf(
  c: AppContext,
  version: PublishedVersion,
  name: string,
  listed: ReadonlySet<string>
): Promise<ReadonlySet<string>> {
  const key = `${version.manifest.version}\n${name}`
  const hit = views.get(key)
  if (hit) return hit
  const ird = (await irdBody(c.env.ALTO_KV, version.manifest)) as Ird
  const visible = visibleResourceIds(ird, listed)
  if (views.size >= MAX_CACHED_VIEWS) views.delete(views.keys().next().value!)
  views.set(key, visible)
  return visible
}

/** The resources the request's client may see in the request's version. */
export async function requestVisibility(c: AppContext): Promise<Visibility> {
  const client = c.get('client')
  if (!client || client.resources === '*') return '*'
  return viewOf(c, await requestVersion(c), client.name, client.resources)
}

export function isVisible(visibility: Visibility, resourceId: string): boolean {
  return visibility === '*' || visibility.has(resourceId)
}

/** 404 unless the client may see `resourceId`. */
export async function requireVisible(c: AppContext, resourceId: string): Promise<void> {
  if (!isVisible(await requestVisibility(c), resourceId)) httpFail({ kind: 'not-found' })
}
