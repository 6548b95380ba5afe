/**
 * @module RFC 9275 path vectors: the multipart filtered cost map `POST /costmap/:nm/pv` (§7.2) and
 * the multipart endpoint cost service `POST /endpointcost/:nm/pv` (§7.3) of a network map with a
 * path table. The answer is `multipart/related` (RFC 2387): the Path Vector part (the cost map or
 * endpoint cost map of ANE name arrays, §6.5.1) and the ANE property map part holding exactly the
 * ANEs of the returned paths with the requested properties (§6.6). Validation errors are the
 * RFC 7285 errors of the base services (§7.2.6: "normal ALTO error").
 */
import { Hono } from 'hono'
import { altoFail, httpFail } from '../../alto/errors.ts'
import { MEDIA_TYPES } from '../../alto/media-types.ts'
import { parseMultiCost } from '../../alto/multi-cost.ts'
import {
  MAX_RESERVABLE_BANDWIDTH,
  MULTIPART_RELATED,
  PERSISTENT_ENTITY_ID,
  PART_IDS,
  PATH_VECTOR_COST_TYPE,
  PATH_VECTOR_COST_TYPE_NAME,
  contentIdDomain,
  multipartContentType,
  pathVectorCapabilities,
  splitPersistentAneId,
  writeMultipartPathVector,
  type AneProperties,
  type AneSelection,
} from '../../alto/path-vector.ts'
import {
  pathVectorCostMapRequest,
  pathVectorEndpointCostRequest,
} from '../../alto/request-schemas.ts'
import { selectPids } from '../../alto/responses.ts'
import { resourceIds } from '../../alto/resources.ts'
import type { Manifest, PathVectorEntry } from '../../store/manifest.ts'
import type { PathTable } from '../../tables/index.ts'
import { requireVisible } from '../access.ts'
import type { AppEnv } from '../env.ts'
import { readAltoRequest, requestVersion, requireAcceptable, type AppContext } from '../http.ts'
import { phaseDone } from '../phases.ts'
import { networkMapOr404, networkMapVtag } from '../resources.ts'
import { pathTable, pidIndexes, pidTable } from '../tables.ts'
import { endpointBatches } from './endpoint-cost.ts'

const s = JSON.stringify
const COST_TYPE_JSON = `{"cost-mode":"array","cost-metric":"ane-path"}`

function pathVectorsOr404(manifest: Manifest, nmId: string): PathVectorEntry {
  const all = manifest['path-vectors'] ?? {}
  return (Object.hasOwn(all, nmId) ? all[nmId] : undefined) ?? httpFail({ kind: 'not-found' })
}

/** The property maps defining the table's persistent ANEs (RFC 9275 §7.2.5 / §7.3.5). */
const persistentMaps = (pv: PathVectorEntry): readonly string[] => pv['persistent-maps'] ?? []

/**
 * The cost members held to the PV resource's capabilities (§7.2.4: the PV type only,
 * `cost-constraints` false, nothing testable) and `ane-property-names` to its
 * `ane-property-names` (§7.2.3: each entry MUST be one of them; absent: an empty list).
 * Returns which ANE properties were requested.
 */
function checkPathVectorRequest(
  request: Parameters<typeof parseMultiCost>[0] & {
    'ane-property-names'?: string[]
  },
  pv: PathVectorEntry
): AneSelection {
  const capabilities = pathVectorCapabilities(persistentMaps(pv).length > 0)
  parseMultiCost(request, capabilities, {
    [PATH_VECTOR_COST_TYPE_NAME]: PATH_VECTOR_COST_TYPE,
  })
  const names = request['ane-property-names'] ?? []
  const offered = capabilities['ane-property-names']
  for (const name of names)
    if (!offered.includes(name))
      altoFail({ code: 'E_INVALID_FIELD_VALUE', field: 'ane-property-names', value: name })
  return {
    bandwidth: names.includes(MAX_RESERVABLE_BANDWIDTH),
    persistent: names.includes(PERSISTENT_ENTITY_ID),
  }
}

/**
 * §7.2.6 / §7.3.6: with `persistent-entity-id` requested, the property part's dependent-vtags
 * also hold "the version tags of the dependent resources that may expose the entities in the
 * response": the property maps (in `uses` order) defining the persistent ANEs it shows.
 */
function persistentVtagsJson(
  manifest: Manifest,
  pv: PathVectorEntry,
  anes: readonly AneProperties[],
  selection: AneSelection
): string[] {
  if (!selection.persistent) return []
  const shown = new Set<string>()
  for (const ane of anes)
    if (ane.persistentEntityId !== undefined)
      shown.add(splitPersistentAneId(ane.persistentEntityId)[0])
  const maps = manifest['property-maps'] ?? {}
  return persistentMaps(pv)
    .filter((id) => shown.has(id) && Object.hasOwn(maps, id))
    .map((id) => s({ 'resource-id': id, tag: maps[id].tag }))
}

/**
 * RFC 9275 §5.1.2 / §11: ephemeral ANE names. The answer never shows the source's ANE names
 * (they can reveal the operator's topology): each ANE of the answer is named `ANE<k>`, k its
 * rank of first appearance in the answer (the §7.2.6 / §7.3.6 examples' `ANE1` scheme). The
 * name is thus a function of the answer's own content — of nothing the answer does not already
 * show — the same in both parts of one answer, and the same for the same request at the same
 * version (deterministic: cacheable, and patches of an update stream stay small), while the
 * same ANE gets different names in answers to different requests (§11: "a different ephemeral
 * ANE name ... for different requests"). A persistent ANE is still identified through
 * `persistent-entity-id` (§6.4.2).
 */
export const ephemeralAneName = (rank: number): string => `ANE${rank}`

/** Collects the ANEs of the returned paths, in first-use order, under their ephemeral names. */
class AneCollector {
  private readonly table: PathTable
  /** Per ANE index: its ephemeral name as JSON text once used, else undefined. */
  private readonly nameJson: (string | undefined)[]
  readonly order: number[] = []
  constructor(table: PathTable) {
    this.table = table
    this.nameJson = new Array<string | undefined>(table.aneCount)
  }
  /** The path's JSON array text, its ANEs noted. */
  pathJson(path: ArrayLike<number>): string {
    let text = '['
    for (let k = 0; k < path.length; k++) {
      const i = path[k]
      let name = this.nameJson[i]
      if (name === undefined) {
        this.order.push(i)
        name = this.nameJson[i] = `"${ephemeralAneName(this.order.length)}"`
      }
      text += k === 0 ? name : `,${name}`
    }
    return `${text}]`
  }
  /** The ANEs shown, in first-use order, each under its ephemeral name. */
  anes(): AneProperties[] {
    return this.order.map((i, k) => ({ ...this.table.ane(i), name: ephemeralAneName(k + 1) }))
  }
}

/** A boundary of 32 random hex digits: cannot occur in the JSON parts by chance. */
function randomBoundary(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  return `alto-pv-${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`
}

function multipartResponse(
  c: AppContext,
  part: {
    pvPartId: string
    pvMediaType: string
    pvJson: string
    pvVtagJson: string
    anes: AneProperties[]
    selection: AneSelection
    moreVtagsJson: string[]
  }
): Response {
  const m = {
    ...part,
    boundary: randomBoundary(),
    domain: contentIdDomain(new URL(c.req.url).hostname),
  }
  const body = writeMultipartPathVector(m)
  phaseDone('serialise')
  return new Response(body, {
    headers: { 'Content-Type': multipartContentType(m), 'Cache-Control': 'no-store' },
  })
}

export const pathVectorRoutes = new Hono<AppEnv>()
  .post('/costmap/:nm/pv', async (c) => {
    const { manifest } = await requestVersion(c)
    const nmId = c.req.param('nm')
    const nm = networkMapOr404(manifest, nmId)
    const pv = pathVectorsOr404(manifest, nmId)
    const rid = resourceIds.pathVectorCostMap(nmId)
    await requireVisible(c, rid)
    requireAcceptable(c, MULTIPART_RELATED)
    const request = await readAltoRequest(c, MEDIA_TYPES.costMapFilter, pathVectorCostMapRequest)
    const selection = checkPathVectorRequest(request, pv)
    phaseDone('validate')
    const [pids, table] = await Promise.all([
      pidTable(c.env.ALTO_KV, nm),
      pathTable(c.env.ALTO_KV, pv),
    ])
    // RFC 7285 §11.3.2.3: unknown PIDs are dropped; a list left empty (or absent) means all PIDs.
    const srcs = selectPids(pids, request.pids?.srcs)
    const dsts = selectPids(pids, request.pids?.dsts)
    const anes = new AneCollector(table)
    const rows: string[] = []
    for (const src of srcs) {
      const cells: string[] = []
      for (const dst of dsts) {
        const path = table.path(src, dst)
        if (path !== null) cells.push(`${s(pids.names[dst])}:${anes.pathJson(path)}`)
      }
      if (cells.length > 0) rows.push(`${s(pids.names[src])}:{${cells.join(',')}}`)
    }
    phaseDone('lookup')
    // §6.6: meta.vtag `<resource>.<part>`; dependent-vtags: exactly the network map's vtag.
    const pvVtagJson = s({ 'resource-id': `${rid}.${PART_IDS.costMap}`, tag: pv.tag })
    const pvJson =
      `{"meta":{"vtag":${pvVtagJson},"dependent-vtags":[${s(networkMapVtag(manifest, nmId))}],` +
      `"cost-type":${COST_TYPE_JSON}},"cost-map":{${rows.join(',')}}}`
    const shown = anes.anes()
    return multipartResponse(c, {
      pvPartId: PART_IDS.costMap,
      pvMediaType: MEDIA_TYPES.costMap,
      pvJson,
      pvVtagJson,
      anes: shown,
      selection,
      moreVtagsJson: persistentVtagsJson(manifest, pv, shown, selection),
    })
  })
  .all('/costmap/:nm/pv', () => httpFail({ kind: 'method-not-allowed', allow: ['POST'] }))
  .post('/endpointcost/:nm/pv', async (c) => {
    const { manifest } = await requestVersion(c)
    const nmId = c.req.param('nm')
    const nm = networkMapOr404(manifest, nmId)
    const pv = pathVectorsOr404(manifest, nmId)
    const rid = resourceIds.pathVectorEndpointCost(nmId)
    await requireVisible(c, rid)
    requireAcceptable(c, MULTIPART_RELATED)
    const request = await readAltoRequest(
      c,
      MEDIA_TYPES.endpointCostParams,
      pathVectorEndpointCostRequest
    )
    const selection = checkPathVectorRequest(request, pv)
    const { srcs, dsts } = endpointBatches(c, request.endpoints)
    phaseDone('validate')
    const [pidsOf, table] = await Promise.all([
      pidIndexes(c.env.ALTO_KV, nm),
      pathTable(c.env.ALTO_KV, pv),
    ])
    const srcPids = pidsOf(srcs)
    const dstPids = pidsOf(dsts)
    const anes = new AneCollector(table)
    const rows: string[] = []
    // Batch texts are distinct (RFC 7285 §11.5.1.3 duplicates count once) and need no escape.
    for (let i = 0; i < srcs.texts.length; i++) {
      const srcText = srcs.texts[i]
      if (srcPids[i] < 0) continue
      const cells: string[] = []
      for (let j = 0; j < dsts.texts.length; j++) {
        const dstText = dsts.texts[j]
        if (dstPids[j] < 0) continue
        const path = table.path(srcPids[i], dstPids[j])
        if (path !== null) cells.push(`${s(dstText)}:${anes.pathJson(path)}`)
      }
      if (cells.length > 0) rows.push(`${s(srcText)}:{${cells.join(',')}}`)
    }
    phaseDone('lookup')
    const pvVtagJson = s({ 'resource-id': `${rid}.${PART_IDS.endpointCost}`, tag: pv.tag })
    const pvJson =
      `{"meta":{"vtag":${pvVtagJson},"dependent-vtags":[${s(networkMapVtag(manifest, nmId))}],` +
      `"cost-type":${COST_TYPE_JSON}},"endpoint-cost-map":{${rows.join(',')}}}`
    const shown = anes.anes()
    return multipartResponse(c, {
      pvPartId: PART_IDS.endpointCost,
      pvMediaType: MEDIA_TYPES.endpointCost,
      pvJson,
      pvVtagJson,
      anes: shown,
      selection,
      moreVtagsJson: persistentVtagsJson(manifest, pv, shown, selection),
    })
  })
  .all('/endpointcost/:nm/pv', () => httpFail({ kind: 'method-not-allowed', allow: ['POST'] }))
