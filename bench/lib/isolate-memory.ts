/**
 * @module The memory of one Worker's V8 isolate in workerd, read over the V8 inspector (Chrome
 * DevTools Protocol) that Miniflare exposes with `inspectorPort`. workerd lists one inspector
 * target per Worker isolate at `http://127.0.0.1:<port>/json` (id `core:user:<worker name>`);
 * the bench connects to it with Node's global WebSocket.
 *
 * What a sample is (CDP `Runtime.getHeapUsage`, "the total usage of the corresponding isolate
 * not scoped to a particular Runtime"):
 *   usedSize              used bytes of the V8 JS heap (live objects + garbage not collected yet)
 *   totalSize             bytes the V8 heap has reserved/committed
 *   embedderHeapUsedSize  used bytes of the embedder's (workerd's cppgc) garbage-collected heap
 *   backingStorageSize    "backing storage for array buffers and external strings": the bytes
 *                         behind ArrayBuffers / typed arrays, which live outside the JS heap
 * Not included: workerd's C++ memory outside V8 (KV/HTTP stream buffers in the runtime, the
 * Miniflare KV simulator, which is another isolate) and code space of the binary.
 *
 * Sampling: one `Runtime.getHeapUsage` in flight at a time, the next one `intervalMs` after the
 * previous answer. workerd answers inspector messages under the isolate lock, so while the Worker
 * runs JavaScript synchronously a sample waits for the next await point; a peak that is both
 * allocated and collected within one synchronous stretch can be missed (garbage left behind is
 * still counted in usedSize until the GC frees it).
 */
import type { Miniflare } from 'miniflare'

export interface HeapUsage {
  usedSize: number
  totalSize: number
  embedderHeapUsedSize: number
  backingStorageSize: number
}

/** The figure compared with the Workers limit: JS heap in use + ArrayBuffer backing stores. */
export const isolateBytes = (u: HeapUsage): number => u.usedSize + u.backingStorageSize

export interface MeasuredCall<T> {
  result: T
  /** After a forced full GC, right before the call. */
  before: HeapUsage
  /** The sample with the largest `isolateBytes` while the call ran (before/after included). */
  peak: HeapUsage
  /** Largest embedderHeapUsedSize seen (not part of `isolateBytes`, reported alongside). */
  peakEmbedderBytes: number
  /** Right after the call resolved, then after a forced full GC (what the isolate retains). */
  after: HeapUsage
  retained: HeapUsage
  samples: number
  /** Longest wait between two consecutive samples (the isolate was busy; a peak may hide there). */
  maxGapMs: number
}

export interface IsolateInspector {
  heapUsage(): Promise<HeapUsage>
  /**
   * Full GC via `HeapProfiler.collectGarbage`. V8 runs it as a task on the isolate's foreground
   * runner, which workerd only pumps when the isolate does work, so `nudge` (a cheap request to
   * the Worker) is sent while the GC is pending; resolves when V8 reports the GC done.
   */
  collectGarbage(nudge: () => Promise<unknown>): Promise<void>
  /**
   * Runs `call` while polling the heap; `nudge` as for collectGarbage. With `gcEachSample`, every
   * sample is taken right after a forced full GC, so the peak is of live memory only (what the
   * Worker cannot let go of while the request runs) instead of live + not-yet-collected garbage.
   */
  measure<T>(
    call: () => Promise<T>,
    nudge: () => Promise<unknown>,
    opts?: { intervalMs?: number; gcEachSample?: boolean; onSample?: (u: HeapUsage) => void }
  ): Promise<MeasuredCall<T>>
  close(): void
}

interface CdpMessage {
  id?: number
  result?: unknown
  error?: { code: number; message: string }
}

const CDP_TIMEOUT_MS = 30_000
/** How long a pending GC may wait for the isolate to run before a cheap request is sent. */
const NUDGE_AFTER_MS = 20

/** Opens the inspector session of the Worker `workerName` of a Miniflare started with `inspectorPort`. */
export async function connectIsolateInspector(
  mf: Miniflare,
  workerName: string
): Promise<IsolateInspector> {
  return connectInspectorAt((await mf.getInspectorURL()).host, workerName)
}

/**
 * Opens the inspector session of the Worker `workerName` at an inspector `host` (`ip:port`),
 * e.g. `wrangler dev --inspector-port`.
 */
export async function connectInspectorAt(
  host: string,
  workerName: string
): Promise<IsolateInspector> {
  const targets = (await (await fetch(`http://${host}/json`)).json()) as {
    id: string
    webSocketDebuggerUrl: string
  }[]
  // Miniflare lists one target per isolate; wrangler dev's inspector proxy lists only the
  // user Worker's, under a random id.
  const target =
    targets.find((t) => t.id === `core:user:${workerName}`) ??
    (targets.length === 1 ? targets[0] : undefined)
  if (!target)
    throw new Error(
      `no inspector target for Worker ${workerName}; targets: ${targets.map((t) => t.id).join(', ')}`
    )
  // wrangler dev's inspector proxy refuses an upgrade without an Origin of a local host name
  // (Node's WebSocket sends none; the `headers` init member is undici's extension).
  const ws = new WebSocket(target.webSocketDebuggerUrl, {
    headers: { Origin: 'http://127.0.0.1' },
  } as unknown as string[])
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => resolve())
    ws.addEventListener('error', () =>
      reject(new Error(`cannot open the inspector WebSocket ${target.webSocketDebuggerUrl}`))
    )
  })

  let nextId = 0
  const pending = new Map<
    number,
    { resolve: (m: CdpMessage) => void; reject: (e: Error) => void }
  >()
  ws.addEventListener('message', (ev: { data: unknown }) => {
    const msg = JSON.parse(String(ev.data)) as CdpMessage
    if (msg.id === undefined) return // events (e.g. heap snapshot chunks): not used
    const p = pending.get(msg.id)
    if (!p) return
    pending.delete(msg.id)
    if (msg.error) p.reject(new Error(`CDP error ${msg.error.code}: ${msg.error.message}`))
    else p.resolve(msg)
  })
  ws.addEventListener('close', () => {
    for (const p of pending.values()) p.reject(new Error('inspector WebSocket closed'))
    pending.clear()
  })

  const send = (method: string, params: object = {}): Promise<CdpMessage> =>
    new Promise((resolve, reject) => {
      const id = ++nextId
      const timer = setTimeout(() => {
        pending.delete(id)
        reject(new Error(`CDP ${method}: no answer in ${CDP_TIMEOUT_MS} ms`))
      }, CDP_TIMEOUT_MS)
      pending.set(id, {
        resolve: (m) => (clearTimeout(timer), resolve(m)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      })
      ws.send(JSON.stringify({ id, method, params }))
    })

  const heapUsage = async (): Promise<HeapUsage> => {
    const r = (await send('Runtime.getHeapUsage')).result as Partial<HeapUsage>
    if (typeof r.usedSize !== 'number' || typeof r.backingStorageSize !== 'number') {
      throw new Error(
        `Runtime.getHeapUsage lacks usedSize/backingStorageSize: ${JSON.stringify(r)}`
      )
    }
    return {
      usedSize: r.usedSize,
      totalSize: r.totalSize ?? 0,
      embedderHeapUsedSize: r.embedderHeapUsedSize ?? 0,
      backingStorageSize: r.backingStorageSize,
    }
  }

  /**
   * Sends `HeapProfiler.collectGarbage` and waits for it; every NUDGE_AFTER_MS without an answer,
   * calls `nudge` unless `isolateBusy()` (a running request pumps the task runner by itself).
   */
  const gcUntilDone = async (
    nudge: () => Promise<unknown>,
    isolateBusy: () => boolean
  ): Promise<void> => {
    let answered = false
    const done = send('HeapProfiler.collectGarbage').then(() => {
      answered = true
    })
    while (!answered) {
      await Promise.race([done, new Promise((r) => setTimeout(r, NUDGE_AFTER_MS))])
      if (!answered && !isolateBusy()) await nudge()
    }
  }
  const collectGarbage = (nudge: () => Promise<unknown>) => gcUntilDone(nudge, () => false)

  return {
    heapUsage,
    collectGarbage,
    async measure(call, nudge, { intervalMs = 5, gcEachSample = false, onSample } = {}) {
      await collectGarbage(nudge)
      const before = await heapUsage()
      let peak = before
      let peakEmbedderBytes = before.embedderHeapUsedSize
      let samples = 1
      let maxGapMs = 0
      let lastSampleAt = performance.now()
      const take = (u: HeapUsage) => {
        const now = performance.now()
        maxGapMs = Math.max(maxGapMs, now - lastSampleAt)
        lastSampleAt = now
        samples++
        onSample?.(u)
        if (isolateBytes(u) > isolateBytes(peak)) peak = u
        peakEmbedderBytes = Math.max(peakEmbedderBytes, u.embedderHeapUsedSize)
      }
      let running = true
      const poller = (async () => {
        while (running) {
          if (gcEachSample) await gcUntilDone(nudge, () => running)
          take(await heapUsage())
          await new Promise((r) => setTimeout(r, intervalMs))
        }
      })()
      let result
      try {
        result = await call()
      } finally {
        running = false
        await poller
      }
      const after = await heapUsage()
      take(after)
      await collectGarbage(nudge)
      const retained = await heapUsage()
      return { result, before, peak, peakEmbedderBytes, after, retained, samples, maxGapMs }
    },
    close: () => ws.close(),
  }
}
