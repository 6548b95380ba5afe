/** Shared by the TIPS and SSE Worker tests: publishing with update logs, and example variants. */
import { env } from 'cloudflare:workers'
import { runDurableObjectAlarm } from 'cloudflare:test'
import type { FollowEvent, UpdateEvent } from '../../src/client/index.ts'
import type { Build } from '../../src/compiler/index.ts'
import { MEDIA_TYPES } from '../../src/alto/media-types.ts'
import { kvStoreFromBinding } from '../../src/compiler/kv-binding.ts'
import { publishBuild, type PublishResult } from '../../src/compiler/publish.ts'
import { applyMergePatch } from '../../src/updates/merge-patch.ts'
import { parseSseStream, type SseEvent } from '../../src/updates/sse.ts'
import { hubStub } from '../../src/worker/updates/common.ts'
import { compileRealMapSet, exampleVariant } from './map-set.ts'

export const NM = 'rfc-example-network-map'

let minute = 0

/** Publishes like the CLI does: update logs advanced before the pointer flips. */
export async function publishWithUpdates(build: Build, window?: number): Promise<PublishResult> {
  const created = new Date(Date.UTC(2026, 10, 26, 18, ++minute)).toISOString()
  return publishBuild(kvStoreFromBinding(env.ALTO_KV), build, {
    now: new Date(created),
    updates: { window },
  })
}

/** Four distinct versions: the PID1 → PID2 cost changes each time; v3 also moves a prefix (new vtag). */
export async function fourVersions(): Promise<Build[]> {
  return Promise.all([
    compileRealMapSet(exampleVariant(11)),
    compileRealMapSet(exampleVariant(22)),
    compileRealMapSet(exampleVariant(33, '203.0.113.0/24')),
    compileRealMapSet(exampleVariant(44, '203.0.113.0/24')),
  ])
}

/** The numerical routingcost cost map of the RFC example network map. */
export function exampleCostMapId(build: Build): string {
  const id = Object.entries(build.manifest['cost-maps']).find(
    ([, cm]) => cm['network-map'] === NM && cm['cost-type']['cost-mode'] === 'numerical'
  )?.[0]
  if (!id) throw new Error('no numerical cost map for the example network map')
  return id
}

/** Reads SSE events from a response body on demand. */
export function eventReader(res: Response) {
  const reader = res.body!.getReader()
  const decoder = new TextDecoder()
  let buffered = ''
  const queue: SseEvent[] = []
  let done = false
  return {
    async next(count: number): Promise<SseEvent[]> {
      while (queue.length < count && !done) {
        const chunk = await reader.read()
        if (chunk.done) done = true
        else buffered += decoder.decode(chunk.value, { stream: true })
        const parsed = parseSseStream(buffered)
        queue.push(...parsed.events)
        buffered = parsed.rest
      }
      if (queue.length < count)
        throw new Error(`stream ended after ${queue.length} of ${count} events`)
      return queue.splice(0, count)
    },
    async ended(): Promise<boolean> {
      while (!done) {
        const chunk = await reader.read()
        if (chunk.done) done = true
        else buffered += decoder.decode(chunk.value, { stream: true })
      }
      return queue.length === 0 && parseSseStream(buffered).events.length === 0
    },
  }
}

/** A follower's next `update` event (view and control events skipped); undefined at its end. */
async function nextUpdate(updates: AsyncIterator<FollowEvent>): Promise<UpdateEvent | undefined> {
  for (;;) {
    const r = await updates.next()
    if (r.done) return undefined
    if (r.value.type === 'update') return r.value
  }
}

/**
 * Follows a resource (client `follow`, TIPS or SSE) across one publication: its first update
 * (the snapshot, copied as it was delivered), then `publish()`, then the next update. The hub named `hub` learns of the
 * publication at its next poll, an alarm it sets once a follower waits; under load the
 * follower's request may reach the hub later than any fixed pause, so the alarm is run as soon as
 * it exists — bounded (10 s), and not at all once the update has arrived.
 */
export async function snapshotThenChange(
  updates: AsyncIterator<FollowEvent>,
  publish: () => Promise<unknown>,
  hub: string
): Promise<{ snapshot: UpdateEvent | undefined; change: UpdateEvent | undefined }> {
  // A copy: the follower applies the next merge patch to the body object it delivered.
  const snapshot = structuredClone(await nextUpdate(updates))
  const next = nextUpdate(updates)
  await new Promise((r) => setTimeout(r, 50)) // the long poll / stream usually reaches the hub
  await publish()
  const arrived = next.then(() => true)
  for (const deadline = Date.now() + 10_000; Date.now() < deadline;) {
    if (await runDurableObjectAlarm(hubStub(env, hub))) break
    if (await Promise.race([arrived, new Promise<false>((r) => setTimeout(r, 50, false))])) break
  }
  return { snapshot, change: await next }
}

/**
 * `pending` (a follower's next event, a held long poll), with the alarm of hub `hub` (its
 * pointer poll) run until it settles: a stream or long poll may reach the hub only after the
 * publication it waits for (bounded, 10 s).
 */
export async function withHubAlarms<T>(pending: Promise<T>, hub: string): Promise<T> {
  let settled = false
  void pending.then(
    () => (settled = true),
    () => (settled = true)
  )
  for (const deadline = Date.now() + 10_000; !settled && Date.now() < deadline;) {
    await runDurableObjectAlarm(hubStub(env, hub))
    await new Promise((r) => setTimeout(r, 50))
  }
  return pending
}

/**
 * The body a TIPS item turns `before` (the previous answer's JSON text) into: the merge patch
 * applied when the item is one (RFC 7396), else the item itself (a snapshot or full replacement).
 */
export async function bodyAfterItem(res: Response, before: string): Promise<unknown> {
  const body = JSON.parse(await res.text()) as unknown
  return res.headers.get('Content-Type') === MEDIA_TYPES.mergePatch
    ? applyMergePatch(JSON.parse(before), body)
    : body
}
