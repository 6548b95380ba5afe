import { cloudflareTest } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'
import { buildDashboard } from './scripts/build-dashboard.ts'

// The Worker's [assets] directory must exist before workerd starts (wrangler.toml `[build]` does
// this for `wrangler dev` / `deploy`, the vitest plugin does not run it).
buildDashboard()

export default defineConfig({
  test: {
    projects: [
      {
        // Pure code (tables, compiler, updates, alto model) and the CLI driving real wrangler.
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'test/unit/**/*.test.ts'],
          environment: 'node',
          // No build cache unless a test names one (src/cli/build-cache.ts).
          env: { ALTO_EDGE_BUILD_CACHE_DIR: 'off' },
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        // The Worker inside workerd, KV seeded by the real pipeline.
        plugins: [cloudflareTest({ wrangler: { configPath: './wrangler.toml' } })],
        test: { name: 'worker', include: ['test/worker/**/*.test.ts'], testTimeout: 60_000 },
      },
      {
        // Black box: `wrangler dev` started the way `npm start` starts it, over real HTTP.
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          env: { ALTO_EDGE_BUILD_CACHE_DIR: 'off' },
          testTimeout: 180_000,
          hookTimeout: 240_000,
        },
      },
      {
        // The operator dashboard in headless Chromium (playwright-core) against `wrangler dev`.
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          environment: 'node',
          env: { ALTO_EDGE_BUILD_CACHE_DIR: 'off' },
          // One wrangler dev + Chromium at a time (2 cores, shared).
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
})
