/** @module Worker entry point (wrangler.toml `main`). */
import { app } from './app.ts'

export default app
// Durable Objects of the update services (wrangler.toml [[durable_objects.bindings]]).
export { UpdateHub } from './updates/hub.ts'
export { UpdateStream } from './updates/stream.ts'
export { ClientLeases } from './updates/client-leases.ts'
// Digest replay protection (wrangler.toml, docs/security.md).
export { DigestNonceCounter } from './auth/nonce-counter.ts'
