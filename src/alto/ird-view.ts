/**
 * @module Per-client views of an Information Resource Directory (pure).
 *
 * RFC 7285 §9.1: an ALTO server may present different directories to different clients; a
 * client restricted to some resources gets an IRD listing only those — plus every resource they
 * `uses` (transitively): a cost map cannot be interpreted without its network map (§9.2.2
 * `uses`: what a client needs), so granting one grants the other. Resources outside the view
 * answer 404 exactly like resources that do not exist, so a client learns nothing about them.
 */
import type { Ird, IrdEntry } from './ird.ts'
import { MEDIA_TYPES } from './media-types.ts'

/** §10.8.1 resource-specific property `<ResourceID>.pid`. */
const PID_PROPERTY = /^(.+)\.pid$/

/**
 * Update services (TIPS, RFC 9569; the SSE update stream, RFC 8895) `use` every map they can
 * follow, but do not need them to be interpreted: they follow only what the client may see
 * anyway. Granting one must not grant every map, so their `uses` is not followed (and is cut to
 * the visible resources in the view).
 */
const isUpdateService = (entry: IrdEntry): boolean =>
  entry['media-type'] === MEDIA_TYPES.tips || entry['media-type'] === MEDIA_TYPES.eventStream

/** The resource ids a client with `listed` may see: listed ids present in the IRD, closed under `uses`. */
export function visibleResourceIds(ird: Ird, listed: Iterable<string>): Set<string> {
  const visible = new Set<string>()
  const pending = [...listed]
  while (pending.length > 0) {
    const id = pending.pop()!
    if (visible.has(id) || !Object.hasOwn(ird.resources, id)) continue
    visible.add(id)
    const entry = ird.resources[id]
    if (!isUpdateService(entry)) pending.push(...(entry.uses ?? []))
  }
  return visible
}

/**
 * The IRD restricted to `visible`: only those resources; `prop-types` without the `.pid` of
 * hidden network maps; `meta.cost-types` only as far as a visible resource names them; the
 * default network map replaced by the first visible one when hidden (§9.2.2 requires it to name
 * a network map of the IRD; with none visible it is kept, and the operator's list is at fault).
 */
export function restrictIrd(ird: Ird, visible: ReadonlySet<string>): Ird {
  const resources: Record<string, IrdEntry> = {}
  const costTypeNames = new Set<string>()
  for (const [id, entry] of Object.entries(ird.resources)) {
    if (!visible.has(id)) continue
    let capabilities = entry.capabilities
    const propTypes = capabilities?.['prop-types']
    if (Array.isArray(propTypes)) {
      capabilities = {
        ...capabilities,
        'prop-types': propTypes.filter((p) => {
          const pid = typeof p === 'string' ? PID_PROPERTY.exec(p) : null
          return !pid || visible.has(pid[1])
        }),
      }
    }
    let uses = entry.uses
    if (isUpdateService(entry)) {
      uses = uses?.filter((rid) => visible.has(rid))
      const changeTypes = capabilities?.['incremental-change-media-types']
      if (changeTypes && typeof changeTypes === 'object') {
        capabilities = {
          ...capabilities,
          'incremental-change-media-types': Object.fromEntries(
            Object.entries(changeTypes).filter(([rid]) => visible.has(rid))
          ),
        }
      }
    }
    const names = capabilities?.['cost-type-names']
    if (Array.isArray(names))
      for (const name of names) if (typeof name === 'string') costTypeNames.add(name)
    resources[id] = {
      ...entry,
      ...(capabilities ? { capabilities } : {}),
      ...(uses ? { uses } : {}),
    }
  }
  const meta: Ird['meta'] = { ...ird.meta }
  if (ird.meta['cost-types']) {
    meta['cost-types'] = Object.fromEntries(
      Object.entries(ird.meta['cost-types']).filter(([name]) => costTypeNames.has(name))
    )
  }
  const defaultMap = ird.meta['default-alto-network-map']
  if (defaultMap !== undefined && !visible.has(defaultMap)) {
    const firstVisible = Object.keys(resources).find(
      (id) => resources[id]['media-type'] === MEDIA_TYPES.networkMap
    )
    if (firstVisible) meta['default-alto-network-map'] = firstVisible
  }
  return { ...ird, meta, resources }
}
