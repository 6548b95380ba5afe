/**
 * @module The real Worker app and publisher in this Node process, for the in-process benches
 * (handler.ts, multi-cost-cpu.ts, asn-oracle.ts): `cloudflare:workers` stubbed
 * (cloudflare-workers-stub.ts), the Cache API and DigestStream in memory (memory-platform.ts),
 * then the modules that need them imported — in that order, once.
 */
import { registerCloudflareWorkersStub } from './cloudflare-workers-stub.ts'
import { installDigestStream, installMemoryCaches } from './memory-platform.ts'

export async function loadInProcessWorker() {
  registerCloudflareWorkersStub()
  installMemoryCaches()
  installDigestStream()
  const [{ compileMapSet }, { kvStoreFromBinding }, { publishBuild }, { app }] = await Promise.all([
    import('../../src/compiler/index.ts'),
    import('../../src/compiler/kv-binding.ts'),
    import('../../src/compiler/publish.ts'),
    import('../../src/worker/app.ts'),
  ])
  return { compileMapSet, kvStoreFromBinding, publishBuild, app }
}
