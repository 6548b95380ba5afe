/**
 * Publish races (issue #5 item 3): the real pipeline publishes new versions (and then rolls back)
 * in a loop while clients query every service concurrently. Every version differs in the network
 * map (PID2 gains 10.<i>.0.0/16) and in the cost PID1→PID2 (100 + i), so each answer can be
 * checked for internal consistency against the build it claims: the network map vtag it names
 * (ETag, `vtag`, `dependent-vtags`) identifies the version, and every cost, PID and ETag in the
 * same answer must be that version's. Zero mixed answers and zero errors are required.
 */
import { env, exports } from 'cloudflare:workers'
import { beforeAll, describe, expect, it } from 'vitest'
import { MEDIA_TYPES } from '../../src/alto/media-types.ts'
import type { Build } from '../../src/compiler/index.ts'
import { kvStoreFromBinding } from '../../src/compiler/kv-binding.ts'
import { publishBuild, rollback } from '../../src/compiler/publish.ts'
import { ORIGIN } from './client.ts'
import { compileRealMapSet, exampleVariant } from './map-set.ts'

const NM = 'rfc-example-network-map'
const CM = 'rfc-example-num-routingcost'
const VERSIONS = 20
const QUERIES_PER_STEP = 20 // concurrent queries fired while each publish/rollback runs
const ROLLBACKS = 4 // history keeps 5 versions
const numericalRouting = { 'cost-mode': 'numerical', 'cost-metric': 'routingcost' }
/** Cost PID1→PID3 in every variant (a 10.<k>.x.x address outside version k's PID2 is PID3). */
const PID1_TO_PID3 = 10

interface VersionFacts {
  index: number
  nmVtag: string
  cmTag: string
  irdTag: string
}

let builds: Build[]
const byNmVtag = new Map<string, VersionFacts>()
const byCmTag = new Map<string, VersionFacts>()
const byIrdTag = new Map<string, VersionFacts>()

const extraPrefix = (i: number) => `10.${i}.0.0/16`
const probeAddress = (k: number) => `ipv4:10.${k}.1.1`
const probes = Array.from({ length: VERSIONS }, (_, k) => probeAddress(k))

beforeAll(async () => {
  builds = []
  for (let i = 0; i < VERSIONS; i++) {
    const build = await compileRealMapSet(exampleVariant(100 + i, extraPrefix(i)))
    const m = build.manifest
    const facts = {
      index: i,
      nmVtag: m['network-maps'][NM].vtag,
      cmTag: m['cost-maps'][CM].tag,
      irdTag: m['ird-tag'],
    }
    byNmVtag.set(facts.nmVtag, facts)
    byCmTag.set(facts.cmTag, facts)
    byIrdTag.set(facts.irdTag, facts)
    builds.push(build)
  }
  expect(byNmVtag.size).toBe(VERSIONS)
  await publishBuild(kvStoreFromBinding(env.ALTO_KV), builds[0], {
    now: new Date(Date.UTC(2026, 10, 1)),
  })
})

type Query = { name: string; run: () => Promise<string | null> }

const post = (path: string, contentType: string, body: unknown) =>
  exports.default.fetch(`${ORIGIN}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': contentType },
    body: JSON.stringify(body),
  })

/** Version indexes answers were computed from (the race must actually see versions change). */
const observed = new Set<number>()

function versionOfVtag(tag: string): VersionFacts {
  const facts = byNmVtag.get(tag)
  if (!facts) throw new Error(`unknown network map vtag ${tag}`)
  observed.add(facts.index)
  return facts
}

/** Each query returns null when consistent, else a description of the inconsistency. */
const QUERIES: Query[] = [
  {
    name: 'GET network map',
    run: async () => {
      const res = await exports.default.fetch(`${ORIGIN}/networkmap/${NM}`)
      if (res.status !== 200) return `status ${res.status}`
      const body = (await res.json()) as {
        meta: { vtag: { tag: string } }
        'network-map': Record<string, { ipv4?: string[] }>
      }
      const v = versionOfVtag(body.meta.vtag.tag)
      if (res.headers.get('ETag') !== `"${v.nmVtag}"`)
        return `ETag ${res.headers.get('ETag')} with body of version ${v.index}`
      if (!body['network-map'].PID2.ipv4?.includes(extraPrefix(v.index)))
        return `PID2 lacks ${extraPrefix(v.index)}`
      return null
    },
  },
  {
    name: 'GET cost map',
    run: async () => {
      const res = await exports.default.fetch(`${ORIGIN}/costmap/${CM}`)
      if (res.status !== 200) return `status ${res.status}`
      const body = (await res.json()) as {
        meta: { 'dependent-vtags': { tag: string }[] }
        'cost-map': Record<string, Record<string, number>>
      }
      const v = versionOfVtag(body.meta['dependent-vtags'][0].tag)
      if (res.headers.get('ETag') !== `"${v.cmTag}"`)
        return `cost map ETag of another version than its dependent vtag (${v.index})`
      if (body['cost-map'].PID1.PID2 !== 100 + v.index)
        return `cost ${body['cost-map'].PID1.PID2} under version ${v.index}`
      return null
    },
  },
  {
    name: 'GET directory',
    run: async () => {
      const res = await exports.default.fetch(`${ORIGIN}/directory`)
      if (res.status !== 200) return `status ${res.status}`
      await res.arrayBuffer()
      const tag = res.headers.get('ETag')?.slice(1, -1) ?? ''
      return byIrdTag.has(tag) ? null : `unknown IRD tag ${tag}`
    },
  },
  {
    name: 'POST filtered cost map',
    run: async () => {
      const res = await post(`/costmap/${NM}/filtered`, MEDIA_TYPES.costMapFilter, {
        'cost-type': numericalRouting,
        pids: { srcs: ['PID1'], dsts: ['PID2'] },
      })
      if (res.status !== 200) return `status ${res.status}`
      const body = (await res.json()) as {
        meta: { 'dependent-vtags': { tag: string }[] }
        'cost-map': Record<string, Record<string, number>>
      }
      const v = versionOfVtag(body.meta['dependent-vtags'][0].tag)
      return body['cost-map'].PID1.PID2 === 100 + v.index
        ? null
        : `cost ${body['cost-map'].PID1.PID2} under version ${v.index}`
    },
  },
  {
    name: 'POST endpoint cost',
    run: async () => {
      const res = await post(`/endpointcost/${NM}/lookup`, MEDIA_TYPES.endpointCostParams, {
        'cost-type': numericalRouting,
        endpoints: { srcs: ['ipv4:192.0.2.1'], dsts: probes },
      })
      if (res.status !== 200) return `status ${res.status}`
      const body = (await res.json()) as {
        meta: { 'dependent-vtags': { tag: string }[] }
        'endpoint-cost-map': Record<string, Record<string, number>>
      }
      const v = versionOfVtag(body.meta['dependent-vtags'][0].tag)
      const row = body['endpoint-cost-map']['ipv4:192.0.2.1']
      for (let k = 0; k < VERSIONS; k++) {
        // Only version k maps 10.k.1.1 into PID2; every other version into PID3.
        const expected = k === v.index ? 100 + v.index : PID1_TO_PID3
        if (row[probeAddress(k)] !== expected)
          return `cost to ${probeAddress(k)} is ${row[probeAddress(k)]} under version ${v.index}`
      }
      return null
    },
  },
  {
    name: 'POST endpoint property',
    run: async () => {
      const res = await post('/endpointprop/lookup', MEDIA_TYPES.endpointPropParams, {
        properties: [`${NM}.pid`],
        endpoints: probes,
      })
      if (res.status !== 200) return `status ${res.status}`
      const body = (await res.json()) as {
        meta: { 'dependent-vtags': { tag: string }[] }
        'endpoint-properties': Record<string, Record<string, string>>
      }
      const v = versionOfVtag(body.meta['dependent-vtags'][0].tag)
      for (let k = 0; k < VERSIONS; k++) {
        const pid = body['endpoint-properties'][probeAddress(k)][`${NM}.pid`]
        if (pid !== (k === v.index ? 'PID2' : 'PID3'))
          return `${probeAddress(k)} is ${pid} under version ${v.index}`
      }
      return null
    },
  },
]

interface Tally {
  queries: number
  mixed: string[]
  errors: string[]
}

async function queriesDuring(
  step: () => Promise<unknown>,
  tally: Tally,
  offset: number
): Promise<void> {
  const queries = Array.from({ length: QUERIES_PER_STEP }, async (_, q) => {
    const query = QUERIES[(offset + q) % QUERIES.length]
    tally.queries++
    try {
      const problem = await query.run()
      if (problem)
        (problem.startsWith('status') ? tally.errors : tally.mixed).push(
          `${query.name}: ${problem}`
        )
    } catch (error) {
      tally.errors.push(`${query.name}: ${String(error)}`)
    }
  })
  await Promise.all([step(), ...queries])
}

describe('publishing and rolling back under concurrent queries', () => {
  it(`${VERSIONS - 1} publishes and ${ROLLBACKS} rollbacks, ${QUERIES_PER_STEP} concurrent queries each: no mixed versions, no errors`, async () => {
    const store = kvStoreFromBinding(env.ALTO_KV)
    const tally: Tally = { queries: 0, mixed: [], errors: [] }
    for (let i = 1; i < VERSIONS; i++) {
      await queriesDuring(
        () => publishBuild(store, builds[i], { now: new Date(Date.UTC(2026, 10, 1, 0, i)) }),
        tally,
        i
      )
    }
    const publishQueries = tally.queries
    // Rollback under load: back through the kept history, newest first.
    for (let r = 1; r <= ROLLBACKS; r++) {
      const target = builds[VERSIONS - 1 - r].manifest.version
      await queriesDuring(
        () => rollback(store, target, { now: new Date(Date.UTC(2026, 10, 2, 0, r)) }),
        tally,
        r
      )
    }
    console.info(
      `publish-race: ${VERSIONS - 1} publishes × ${QUERIES_PER_STEP} + ${ROLLBACKS} rollbacks × ${QUERIES_PER_STEP} = ${tally.queries} queries ` +
        `(${publishQueries} during publishes); ${observed.size} versions answered from; mixed ${tally.mixed.length}, errors ${tally.errors.length}`
    )
    // Answers came from many versions, i.e. queries really ran while the pointer moved.
    expect(observed.size).toBeGreaterThan(VERSIONS / 2)
    expect(tally.mixed).toEqual([])
    expect(tally.errors).toEqual([])
    // After the last rollback every service answers from the rollback target.
    const last = builds[VERSIONS - 1 - ROLLBACKS].manifest['network-maps'][NM].vtag
    const res = await post(`/costmap/${NM}/filtered`, MEDIA_TYPES.costMapFilter, {
      'cost-type': numericalRouting,
    })
    expect(
      ((await res.json()) as { meta: { 'dependent-vtags': { tag: string }[] } }).meta[
        'dependent-vtags'
      ][0].tag
    ).toBe(last)
  })
})
