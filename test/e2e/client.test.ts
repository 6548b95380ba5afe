/**
 * The client library and `alto-edge query` against `wrangler dev` (started like `npm start`),
 * over real HTTP on 127.0.0.1: discovery, every information service, ETag revalidation, typed
 * failures, ranking, following through SSE, and the CLI's output and exit codes.
 */
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { build } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AltoClient, AltoClientError } from '../../src/client/index.ts'
import { rank } from '../../src/client/rank.ts'
import { main } from '../../src/cli/main.ts'
import { EXIT_OK, EXIT_SERVER, EXIT_UNREACHABLE, EXIT_USAGE } from '../../src/cli/exit-codes.ts'
import { root, startDevServer, type DevServer } from './server.ts'

const NM = 'rfc-example-network-map'
const ordRouting = { 'cost-mode': 'ordinal', 'cost-metric': 'routingcost' }
let server: DevServer
let alto: AltoClient

beforeAll(async () => {
  server = await startDevServer()
  alto = await AltoClient.discover(server.base)
})
afterAll(() => server?.stop())

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const code = await main(args, {
    out: (l) => (stdout += `${l}\n`),
    err: (l) => (stderr += `${l}\n`),
  })
  return { code, stdout, stderr }
}

describe('client library → wrangler dev', () => {
  it('discovers the IRD and revalidates GET resources with If-None-Match (RFC 9110 §13.1.2)', async () => {
    expect(alto.directory.uri).toBe(`${server.base}/directory`)
    const client = await AltoClient.discover(server.base)
    const first = await client.networkMap(NM)
    expect(Object.keys(first['network-map'])).toEqual(['PID1', 'PID2', 'PID3'])
    expect(await client.networkMap(NM)).toBe(first)
    expect(client.transport.revalidated).toBe(1)
  })

  it('answers every information service', async () => {
    const pids = await alto.pidsOf(['ipv4:192.0.2.34', 'ipv4:198.51.100.200'], NM)
    expect([...pids.values()]).toEqual(['PID1', 'PID2'])
    const cost = await alto.filteredCostMap(
      { 'cost-type': ordRouting, pids: { srcs: ['PID1'], dsts: ['PID3'] } },
      { networkMap: NM }
    )
    expect(cost['cost-map']).toEqual({ PID1: { PID3: 3 } })
    const ecs = await alto.endpointCost(
      {
        'cost-type': ordRouting,
        endpoints: { srcs: ['ipv4:192.0.2.2'], dsts: ['ipv4:192.0.2.9'] },
      },
      { resourceId: `${NM}-endpoint-cost` }
    )
    expect(ecs['endpoint-cost-map']).toEqual({ 'ipv4:192.0.2.2': { 'ipv4:192.0.2.9': 1 } })
    const props = await alto.endpointProperties({
      properties: [`${NM}.pid`],
      endpoints: ['ipv6:2001:db8::1'],
    })
    expect(props['endpoint-properties']).toEqual({ 'ipv6:2001:db8::1': { [`${NM}.pid`]: 'PID3' } })
  })

  it('an ALTO error over HTTP is a typed value with code and field (RFC 7285 §8.5.2)', async () => {
    const e = await alto
      .endpointCost({ 'cost-type': ordRouting, endpoints: { srcs: ['ipv4:1.2.3'] } } as never, {
        resourceId: `${NM}-endpoint-cost`,
      })
      .catch((e: unknown) => e)
    expect(e).toBeInstanceOf(AltoClientError)
    expect((e as AltoClientError).failure).toMatchObject({
      kind: 'alto',
      error: { code: 'E_INVALID_FIELD_VALUE', field: 'endpoints/srcs' },
    })
  })

  it('ranks candidates with one request per criterion', async () => {
    const result = await rank(
      alto,
      'ipv4:198.51.100.130',
      ['ipv4:192.0.2.1', 'ipv4:203.0.113.1', 'ipv4:198.51.100.140'],
      [ordRouting],
      { networkMap: NM, resourceId: `${NM}-endpoint-cost` }
    )
    expect(result.ranked.map((r) => [r.rank, r.candidate, r.pid])).toEqual([
      [1, 'ipv4:198.51.100.140', 'PID2'],
      [2, 'ipv4:192.0.2.1', 'PID1'],
      [3, 'ipv4:203.0.113.1', 'PID3'],
    ])
    expect(result.requests).toBe(2)
  })

  it('follows a network map through ALTO/SSE (RFC 8895): full data first', async () => {
    const controller = new AbortController()
    const events = alto.follow(NM, { via: 'sse', signal: controller.signal })
    const full = await alto.networkMap(NM)
    for await (const event of events) {
      if (event.type !== 'update') continue
      expect(event.kind).toBe('snapshot')
      expect(event.body).toEqual(full)
      break
    }
    controller.abort()
  })
})

describe('alto-edge query → wrangler dev', () => {
  it('pid: one line per address, bare IPs made typed', async () => {
    const r = await cli([
      'query',
      'pid',
      '--server',
      server.base,
      '--network-map',
      NM,
      '192.0.2.34',
      'ipv6:2001:db8::1',
    ])
    expect(r).toEqual({
      code: EXIT_OK,
      stdout: 'ipv4:192.0.2.34\tPID1\nipv6:2001:db8::1\tPID3\n',
      stderr: '',
    })
  })

  it('cost --json: one document with the cost type and resource used', async () => {
    const r = await cli([
      'query',
      'cost',
      '--server',
      server.base,
      '--json',
      '--cost-type',
      'ord-routingcost',
      '--resource',
      `${NM}-endpoint-cost`,
      '192.0.2.2',
      '198.51.100.130',
      '203.0.113.9',
    ])
    expect(r.code).toBe(EXIT_OK)
    expect(JSON.parse(r.stdout)).toEqual({
      ok: true,
      costType: 'ord-routingcost',
      source: 'ipv4:192.0.2.2',
      costs: { 'ipv4:198.51.100.130': 2, 'ipv4:203.0.113.9': 3 }, // PID1 → PID2, PID1 → PID3
    })
  })

  it('rank: a header, then candidates best first (the real binary, exit code from the process)', async () => {
    const run = promisify(execFile)
    const { stdout } = await run(
      join(root, 'node_modules/.bin/node'),
      [
        join(root, 'bin/alto-edge.mjs'),
        'query',
        'rank',
        '--server',
        server.base,
        '--network-map',
        'my-default-network-map',
        '--cost-type',
        'num-routingcost,num-hopcount',
        '100.0.0.1',
        '100.128.0.1',
        '100.0.1.1',
      ],
      { cwd: root }
    )
    const lines = stdout.trim().split('\n')
    expect(lines[0]).toBe('rank\tcandidate\tpid\tnum-routingcost\tnum-hopcount')
    expect(lines.length).toBe(3)
    expect(lines.slice(1).map((l) => l.split('\t')[0])).toEqual(['1', '2'])
  })

  it('exit 4 when the server cannot be reached, 6 when it answers with an error, 2 for a bad address', async () => {
    const unreachable = await cli(['query', 'pid', '--server', 'http://127.0.0.1:1', '192.0.2.1'])
    expect(unreachable.code).toBe(EXIT_UNREACHABLE)
    expect(unreachable.stderr).toMatch(/^error: cannot reach http:\/\/127\.0\.0\.1:1\/directory/)
    const notFound = await cli([
      'query',
      'pid',
      '--server',
      `${server.base}/no/such/ird`,
      '--json',
      '192.0.2.1',
    ])
    expect(notFound.code).toBe(EXIT_SERVER)
    expect(JSON.parse(notFound.stdout)).toMatchObject({
      ok: false,
      failure: { kind: 'http', status: 404 },
    })
    const noType = await cli([
      'query',
      'cost',
      '--server',
      server.base,
      '--cost-type',
      'num-nothing',
      '192.0.2.1',
      '192.0.2.2',
    ])
    expect(noType.code).toBe(EXIT_SERVER)
    expect(noType.stderr).toContain('num-nothing')
    const bad = await cli(['query', 'pid', '--server', server.base, 'not-an-ip'])
    expect(bad.code).toBe(EXIT_USAGE)
  })
})

describe('docs/client.md examples → wrangler dev', () => {
  const docs = readFileSync(join(root, 'docs/client.md'), 'utf8')

  it('Node: docs/examples/node.ts (as shown in docs/client.md) prints PIDs and the best candidate', async () => {
    const file = join(root, 'docs/examples/node.ts')
    expect(docs).toContain(readFileSync(file, 'utf8').trim())
    const { stdout } = await promisify(execFile)(
      join(root, 'node_modules/.bin/node'),
      [file, server.base],
      {
        cwd: root,
      }
    )
    expect(stdout).toBe(
      "PIDs: { 'ipv4:192.0.2.34': 'PID1', 'ipv4:198.51.100.200': 'PID2' }\nbest candidate: ipv4:192.0.2.77\n"
    )
  })

  // Debian's Chromium through playwright-core (a dev dependency of the dashboard work): the page
  // loads the esbuild bundle of alto-edge/client and asks wrangler dev across origins (CORS).
  const chromium = existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined
  it.skipIf(!chromium)(
    'browser: docs/examples/browser.html asks the server from a page',
    async () => {
      const html = readFileSync(join(root, 'docs/examples/browser.html'), 'utf8')
      expect(docs).toContain(html.trim())
      const dir = mkdtempSync(join(tmpdir(), 'alto-browser-'))
      await build({
        entryPoints: ['alto-edge/client'],
        bundle: true,
        format: 'esm',
        outfile: join(dir, 'alto-client.js'),
        absWorkingDir: root,
        logLevel: 'silent',
      })
      const bundle = readFileSync(join(dir, 'alto-client.js'), 'utf8')
      const files: Record<string, [string, string]> = {
        '/': [html, 'text/html; charset=utf-8'],
        '/alto-client.js': [bundle, 'text/javascript'],
      }
      const page = createServer((req, res) => {
        const file = files[new URL(req.url ?? '/', 'http://x').pathname]
        if (!file) return res.writeHead(404).end()
        res.writeHead(200, { 'Content-Type': file[1] }).end(file[0])
      })
      await new Promise<void>((r) => page.listen(0, '127.0.0.1', r))
      const pageUrl = `http://127.0.0.1:${(page.address() as AddressInfo).port}/?server=${encodeURIComponent(server.base)}`
      const moduleName = 'playwright-core'
      const pw = (await import(moduleName).catch(() => null)) as null | {
        chromium: {
          launch(o: object): Promise<{
            newPage(): Promise<{
              goto(u: string): Promise<unknown>
              waitForFunction(f: string): Promise<unknown>
              textContent(sel: string): Promise<string | null>
            }>
            close(): Promise<void>
          }>
        }
      }
      try {
        if (!pw) {
          console.warn('playwright-core is not installed: the browser example was not run')
          return
        }
        const browser = await pw.chromium.launch({
          executablePath: chromium,
          headless: true,
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--no-first-run',
            '--disable-sync',
          ],
        })
        try {
          const tab = await browser.newPage()
          await tab.goto(pageUrl)
          await tab.waitForFunction("document.getElementById('out').textContent !== 'asking…'")
          expect(await tab.textContent('#out')).toBe(
            '{"ipv4:192.0.2.34":"PID1","ipv6:2001:db8::1":"PID3"}'
          )
        } finally {
          await browser.close()
        }
      } finally {
        page.close()
        rmSync(dir, { recursive: true, force: true })
      }
      // The bundle carries no Node or Workers module (fetch only).
      expect(bundle).not.toMatch(/from ["'](node:|cloudflare:)/)
    }
  )
})
