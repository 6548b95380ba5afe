/**
 * @module IRD discovery (RFC 7285 §9): fetch the directory, resolve every entry's URI against
 * the URI of the IRD that lists it (§9.2.2 allows relative URIs; RFC 3986 §5 resolves them), and
 * follow delegation (§9.2.4: an entry whose media type is `application/alto-directory+json` is
 * another IRD, "and the ALTO client can retrieve" it; its resources are offered too).
 *
 * The result is flat: one {@link Resource} per resource id, the root IRD's entries first, then
 * each delegated IRD's in discovery order (breadth first, each IRD URI fetched once, at most
 * {@link MAX_IRDS}). Resource ids are unique within one IRD only (§9.2.2), so a delegated id that
 * repeats an earlier one is kept as `<delegating-entry-id>/<id>`, and `uses` is rewritten to match.
 * Cost type names are resolved against the `meta.cost-types` of the IRD that uses them.
 */
import type { CostType } from '../alto/cost-types.ts'
import { MEDIA_TYPES } from '../alto/media-types.ts'
import { irdSchema, type IrdBody } from '../alto/response-schemas.ts'
import type { Transport } from './http.ts'

/** Most IRDs fetched in one discovery (the root included): a referral loop or chain ends here. */
export const MAX_IRDS = 8

export interface Resource {
  /** Resource id (prefixed when a delegated IRD repeats an id, see the module comment). */
  id: string
  /** Absolute URI. */
  uri: string
  mediaType: string
  accepts?: string
  capabilities: Record<string, unknown>
  /** Ids (as in this directory) of the resources it depends on. */
  uses: string[]
  /** Absolute URI of the IRD that lists it. */
  directory: string
  /** `meta.cost-types` of that IRD. */
  costTypes: Record<string, CostType>
}

export interface Directory {
  /** URI of the root IRD. */
  uri: string
  /** The root IRD's `meta.default-alto-network-map`. */
  defaultNetworkMap?: string
  resources: Map<string, Resource>
  /** Every IRD read, root first. */
  directories: string[]
}

/**
 * The IRD URI for a server URL: a bare origin (`https://alto.example`) means its `/directory`
 * (where alto-edge serves it); any other URL is taken to be the IRD itself.
 */
export function directoryUri(server: string | URL): string {
  const url = new URL(server)
  if (url.pathname === '/' && !url.search) url.pathname = '/directory'
  return url.href
}

/** Fetches the root IRD and every IRD it delegates to (§9.2.4). */
export async function discover(transport: Transport, server: string | URL): Promise<Directory> {
  const root = directoryUri(server)
  const resources = new Map<string, Resource>()
  const directories: string[] = []
  const queue: { uri: string; via?: string }[] = [{ uri: root }]
  let defaultNetworkMap: string | undefined
  while (queue.length > 0 && directories.length < MAX_IRDS) {
    const { uri, via } = queue.shift()!
    if (directories.includes(uri)) continue
    const ird: IrdBody = await transport.get(uri, MEDIA_TYPES.directory, irdSchema)
    directories.push(uri)
    if (via === undefined) defaultNetworkMap = ird.meta?.['default-alto-network-map']
    const costTypes = (ird.meta?.['cost-types'] ?? {}) as Record<string, CostType>
    const idOf = new Map<string, string>()
    for (const id of Object.keys(ird.resources))
      idOf.set(id, via !== undefined && resources.has(id) ? `${via}/${id}` : id)
    for (const [id, entry] of Object.entries(ird.resources)) {
      const absolute = new URL(entry.uri, uri).href
      const resource: Resource = {
        id: idOf.get(id)!,
        uri: absolute,
        mediaType: entry['media-type'],
        accepts: entry.accepts,
        capabilities: entry.capabilities ?? {},
        uses: (entry.uses ?? []).map((u) => idOf.get(u) ?? u),
        directory: uri,
        costTypes,
      }
      if (resource.mediaType === MEDIA_TYPES.directory)
        queue.push({ uri: absolute, via: resource.id })
      else resources.set(resource.id, resource)
    }
  }
  return { uri: root, defaultNetworkMap, resources, directories }
}

/** Names of the cost types a resource offers (`capabilities.cost-type-names`, §11.2.3.4). */
export function costTypeNames(resource: Resource): string[] {
  const names = resource.capabilities['cost-type-names']
  return Array.isArray(names) ? names.filter((n): n is string => typeof n === 'string') : []
}

/** Whether two cost types are the same (mode and metric; `description` is informational). */
export const sameCostType = (a: CostType, b: CostType): boolean =>
  a['cost-mode'] === b['cost-mode'] && a['cost-metric'] === b['cost-metric']
