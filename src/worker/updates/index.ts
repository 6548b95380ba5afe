/**
 * @module Incremental updates in the Worker: TIPS (RFC 9569) and ALTO/SSE (RFC 8895) routes, the
 * publisher's notify hook, and the Durable Object classes (exported from the Worker's main
 * module, bound in wrangler.toml). docs/updates.md §7.
 */
import { Hono } from 'hono'
import type { AppEnv } from '../env.ts'
import { sseRoutes } from './sse-routes.ts'
import { tipsRoutes } from './tips-routes.ts'

export { notifyRoutes, NOTIFY_PATH } from './notify.ts'
export const updateRoutes = new Hono<AppEnv>().route('/', tipsRoutes).route('/', sseRoutes)
