/**
 * @module Bench only: lets Node import the Worker, whose Durable Object modules import
 * `DurableObject` from `cloudflare:workers` (a workerd built-in). `registerCloudflareWorkersStub`
 * installs a module resolve hook (`module.register`) that answers that one specifier with a tiny
 * stand-in class; the handler benchmark never calls a Durable Object.
 */
import { register } from 'node:module'

const STUB_SOURCE =
  'export class DurableObject { constructor(ctx, env) { this.ctx = ctx; this.env = env } }\n' +
  'export class WorkerEntrypoint { constructor(ctx, env) { this.ctx = ctx; this.env = env } }\n' +
  'export const env = {}\n'

const HOOKS_SOURCE = `
const stub = ${JSON.stringify('data:text/javascript,' + encodeURIComponent(STUB_SOURCE))}
export async function resolve(specifier, context, next) {
  if (specifier === 'cloudflare:workers') return { url: stub, shortCircuit: true }
  return next(specifier, context)
}
`

let registered = false

/** Installs the resolve hook once; import the Worker (dynamically) after calling it. */
export function registerCloudflareWorkersStub(): void {
  if (registered) return
  registered = true
  register('data:text/javascript,' + encodeURIComponent(HOOKS_SOURCE))
}
