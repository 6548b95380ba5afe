/**
 * What the update services hold open per client, and for how long (docs/updates.md §7): caps on
 * open ALTO/SSE streams and held TIPS long polls per client (429 + Retry-After, other clients
 * unaffected), and idle streams closed with a control event that says why.
 */
import { env } from 'cloudflare:workers'
import { runDurableObjectAlarm } from 'cloudflare:test'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Build } from '../../src/compiler/index.ts'
import worker from '../../src/worker/index.ts'
import { hubStub } from '../../src/worker/updates/common.ts'
import { ORIGIN } from './client.ts'
import { testExecutionContext } from './map-set.ts'
import {
  NM,
  eventReader,
  exampleCostMapId,
  fourVersions,
  publishWithUpdates,
} from './tips-helpers.ts'

const PARAMS = 'application/alto-updatestreamparams+json'
const CONTROL = 'application/alto-updatestreamcontrol+json'

let builds: Build[]
let costMapId: string

beforeAll(async () => {
  builds = await fourVersions()
  costMapId = exampleCostMapId(builds[0])
  await publishWithUpdates(builds[0])
})

function client(vars: Partial<Record<keyof typeof env, string>>) {
  const scoped = { ...env, ...vars } as typeof env
  return (path: string, ip: string, init: RequestInit = {}) =>
    worker.fetch(
      new Request(`${ORIGIN}${path}`, {
        ...init,
        headers: { 'CF-Connecting-IP': ip, ...(init.headers as Record<string, string>) },
      }),
      scoped,
      testExecutionContext()
    )
}

const openStream = (call: ReturnType<typeof client>, ip: string) =>
  call('/updates/stream', ip, {
    method: 'POST',
    headers: { 'Content-Type': PARAMS, Accept: 'text/event-stream' },
    body: JSON.stringify({ add: { net: { 'resource-id': NM } } }),
  })

describe('per-client caps', () => {
  it('a client holding ALTO_SSE_MAX_STREAMS_PER_CLIENT streams gets 429; others do not; closing frees one', async () => {
    const call = client({ ALTO_SSE_MAX_STREAMS_PER_CLIENT: '2' })
    const a1 = await openStream(call, '198.51.100.10')
    const a2 = await openStream(call, '198.51.100.10')
    expect([a1.status, a2.status]).toEqual([200, 200])
    const a1Events = eventReader(a1)
    const [control] = await a1Events.next(1)
    const a3 = await openStream(call, '198.51.100.10')
    expect(a3.status).toBe(429)
    expect(a3.headers.get('Retry-After')).toBe('60')
    expect(await a3.text()).toBe(
      'Too Many Requests: at most 2 open update streams per client; close one first\n'
    )
    const b1 = await openStream(call, '198.51.100.99') // another client
    expect(b1.status).toBe(200)
    // RFC 8895 §7.6: `remove: []` closes the stream; its lease goes with it.
    const controlPath = new URL(
      (JSON.parse(control.data) as { 'control-uri': string })['control-uri']
    ).pathname
    const closed = await call(controlPath, '198.51.100.10', {
      method: 'POST',
      headers: { 'Content-Type': PARAMS },
      body: JSON.stringify({ remove: [] }),
    })
    expect(closed.status).toBe(204)
    // The stream ends (its remaining events are read to the end first).
    await expect(
      (async () => {
        for (;;) await a1Events.next(1)
      })()
    ).rejects.toThrow(/stream ended/)
    const a4 = await openStream(call, '198.51.100.10')
    expect(a4.status).toBe(200)
    // Every stream the test opened is closed before it ends: an open one keeps its Durable
    // Object (lease renewal, idle timer) busy into the test environment's teardown.
    for (const res of [a2, b1, a4]) await res.body?.cancel()
  })

  it('a client holding ALTO_TIPS_MAX_POLLS_PER_CLIENT long polls gets 429; another client is held', async () => {
    const call = client({ ALTO_TIPS_MAX_POLLS_PER_CLIENT: '1' })
    const opened = await call('/tips', '203.0.113.5', {
      method: 'POST',
      headers: { 'Content-Type': 'application/alto-tipsparams+json' },
      body: JSON.stringify({ 'resource-id': costMapId }),
    })
    const view = (await opened.json()) as {
      'tips-view-uri': string
      'tips-view-summary': { 'updates-graph-summary': { 'end-seq': number } }
    }
    const e = view['tips-view-summary']['updates-graph-summary']['end-seq']
    const next = `${new URL(view['tips-view-uri']).pathname}/ug/${e}/${e + 1}`
    const held = Promise.resolve(call(next, '203.0.113.5'))
    await new Promise((r) => setTimeout(r, 50))
    const refused = await call(next, '203.0.113.5')
    expect(refused.status).toBe(429)
    expect(await refused.text()).toBe(
      'Too Many Requests: at most 1 long polls per client at once\n'
    )
    const other = Promise.resolve(call(next, '203.0.113.6'))
    await publishWithUpdates(builds[1])
    await runDurableObjectAlarm(hubStub(env, NM))
    expect([(await held).status, (await other).status]).toEqual([200, 200])
    // The answered poll released its lease: the client may poll again.
    const again = Promise.resolve(
      call(`${new URL(view['tips-view-uri']).pathname}/ug/${e + 1}/${e + 2}`, '203.0.113.5')
    )
    const early = await Promise.race([
      again.then((r) => r.status),
      new Promise((r) => setTimeout(() => r('held'), 200)),
    ])
    expect(early).toBe('held')
    await publishWithUpdates(builds[2])
    await runDurableObjectAlarm(hubStub(env, NM))
    expect((await again).status).toBe(200)
  })
})

describe('idle streams', () => {
  it('a stream without updates or control requests for ALTO_SSE_IDLE_SECONDS is closed, saying why', async () => {
    const call = client({ ALTO_SSE_IDLE_SECONDS: '1' })
    const started = Date.now()
    const res = await openStream(call, '192.0.2.44')
    expect(res.status).toBe(200)
    const events = eventReader(res)
    const [control, data, closing] = await events.next(3)
    expect([control.event, data.event.endsWith(',net')]).toEqual([CONTROL, true])
    expect(closing.event).toBe(CONTROL)
    expect(JSON.parse(closing.data)).toEqual({
      stopped: ['net'],
      description: 'closed after 1 s without updates or control requests; open a new stream',
    })
    expect(await events.ended()).toBe(true)
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000)
  })
})
