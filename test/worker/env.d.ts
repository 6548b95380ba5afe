// Types of the Worker's bindings and main module inside the workerd test project
// (`import { env, exports } from 'cloudflare:workers'`).
declare namespace Cloudflare {
  interface Env {
    ALTO_KV: KVNamespace
    ALTO_MAX_AGE: string
    ALTO_AUTH: string
    ALTO_RATE_LIMIT: string
    ALTO_RATE_LIMIT_PERIOD: string
    ALTO_RATE_LIMITER: RateLimit
  }
  interface GlobalProps {
    mainModule: typeof import('../../src/worker/index.ts')
  }
}
