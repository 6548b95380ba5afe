// Types of the Worker's bindings and main module inside the workerd test project
// (`import { env, exports } from 'cloudflare:workers'`).
declare namespace Cloudflare {
  interface Env {
    ALTO_KV: KVNamespace
    ALTO_MAX_AGE: string
  }
  interface GlobalProps {
    mainModule: typeof import('../../src/worker/index.ts')
  }
}
