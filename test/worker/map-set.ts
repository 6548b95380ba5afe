/**
 * Seeds the test KV namespace with the REAL pipeline: the map set sources under maps/ (read at
 * bundle time with vite's import.meta.glob), compiled by src/compiler and published into
 * env.ALTO_KV. The generated ASN map (tens of MB, listed as optional in maps/alto-edge.json) is
 * left out, so the compiler skips it with a notice.
 */
/// <reference types="vite/client" />
import { compileMapSet, type Build } from '../../src/compiler/index.ts'
import { kvStoreFromBinding } from '../../src/compiler/kv-binding.ts'
import { publishBuild, readManifest } from '../../src/compiler/publish.ts'
import { resourceIds } from '../../src/alto/resources.ts'
import type { Manifest } from '../../src/store/manifest.ts'

const raw = import.meta.glob(['../../maps/**/*.{json,csv}', '!../../maps/asn/**'], {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>

/** Map set files keyed by their path relative to maps/ (the compiler's view). */
export const MAP_SET_FILES: Record<string, string> = Object.fromEntries(
  Object.entries(raw).map(([path, text]) => [path.replace(/^\.\.\/\.\.\/maps\//, ''), text])
)

export async function compileRealMapSet(
  files: Record<string, string> = MAP_SET_FILES
): Promise<Build> {
  const result = await compileMapSet(files)
  if (!result.ok) throw new Error(`map set does not compile: ${JSON.stringify(result.errors)}`)
  return result.build
}

/**
 * Publishes a build with the pipeline's publisher (blobs, manifest, read-back, history, then the
 * pointer last) and returns the manifest as stored. Publishing a version again (after another
 * one) moves the pointer back to it; its manifest keeps the `created` of its first publication.
 */
export async function publish(
  kv: KVNamespace,
  build: Build,
  opts: { created: string }
): Promise<Manifest> {
  const store = kvStoreFromBinding(kv)
  const result = await publishBuild(store, build, { now: new Date(opts.created) })
  const manifest = await readManifest(store, result.version)
  if (!manifest) throw new Error(`published manifest ${result.version} cannot be read back`)
  return manifest
}

/**
 * The map set with the RFC example cost PID1 → PID2 set to `cost` (numerical routingcost), and
 * PID2 also holding `extraPid2Prefix` when given: a distinct version whose network map vtag
 * changes only when the prefix is given.
 */
export function exampleVariant(cost: number, extraPid2Prefix?: string): Record<string, string> {
  const costs = JSON.parse(MAP_SET_FILES['example/cost-routingcost.json']) as {
    costs: Record<string, Record<string, number>>
  }
  costs.costs.PID1.PID2 = cost
  const files: Record<string, string> = {
    ...MAP_SET_FILES,
    'example/cost-routingcost.json': JSON.stringify(costs),
  }
  if (extraPid2Prefix) {
    const nm = JSON.parse(MAP_SET_FILES['example/network-map.json']) as {
      pids: Record<string, { ipv4?: string[] }>
    }
    nm.pids.PID2.ipv4 = [...(nm.pids.PID2.ipv4 ?? []), extraPid2Prefix]
    files['example/network-map.json'] = JSON.stringify(nm)
  }
  return files
}

/** A KV binding that records every key read, delegating to `inner`. */
export function recordingKv(inner: KVNamespace): { kv: KVNamespace; reads: string[] } {
  const reads: string[] = []
  const kv = {
    get: (key: string, options?: unknown) => {
      reads.push(key)
      return (inner.get as (k: string, o?: unknown) => Promise<unknown>)(key, options)
    },
  } as unknown as KVNamespace
  return { kv, reads }
}

/** An execution context for calling the Worker's fetch directly; `settled()` awaits waitUntil work. */
export function testExecutionContext(): ExecutionContext & { settled(): Promise<void> } {
  const pending: Promise<unknown>[] = []
  return {
    waitUntil: (promise: Promise<unknown>) => void pending.push(promise),
    passThroughOnException: () => {},
    props: {},
    settled: async () => void (await Promise.all(pending)),
  } as unknown as ExecutionContext & { settled(): Promise<void> }
}

/**
 * The `meta.vtag` an endpoint cost answer carries (routes/endpoint-cost.ts): the endpoint cost
 * resource of `nm`, tagged with the SHA-256 hex of the network map's vtag and the cost map's tag.
 */
export async function expectedEndpointCostVtag(
  manifest: Manifest,
  nm: string,
  costType: { 'cost-mode': string; 'cost-metric': string }
): Promise<{ 'resource-id': string; tag: string }> {
  const cm = Object.values(manifest['cost-maps']).find(
    (e) =>
      e['network-map'] === nm &&
      e['cost-type']['cost-mode'] === costType['cost-mode'] &&
      e['cost-type']['cost-metric'] === costType['cost-metric']
  )
  if (!cm) throw new Error(`no cost map of ${nm} for ${JSON.stringify(costType)}`)
  const text = `${manifest['network-maps'][nm].vtag}\n${cm.tag}`
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))
  const tag = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
  return { 'resource-id': resourceIds.endpointCost(nm), tag }
}
