/**
 * The dashboard with client authentication on (docs/security.md §4): bearer mode, two clients —
 * `ops` sees everything, `partner` only `dash-cost` (and what it uses), the endpoint property
 * service and the update stream. The page itself loads without credentials (it holds no data) and
 * asks for a token; with the partner's token it shows only the partner's maps (RFC 7285 §9.1
 * per-client views), and the operator endpoint stays closed to client credentials.
 */
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type BrowserRun,
  type DevServer,
  SMALL_COSTS_V1,
  launchBrowser,
  publish,
  startDev,
  writeMapSet,
} from './harness.ts'

const OPS_TOKEN = 'ops-token-0123456789abcdef0123456789abcdef'
const PARTNER_TOKEN = 'partner-token-0123456789abcdef0123456789ab'
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex')
const port = 20000 + (process.pid % 1000)
const work = mkdtempSync(join(tmpdir(), 'alto-dash-auth-'))
const persist = join(work, 'state')
let dev: DevServer
let browser: BrowserRun
let page: Page

beforeAll(async () => {
  writeMapSet(join(work, 'maps'), SMALL_COSTS_V1, true)
  publish(join(work, 'maps'), persist)
  dev = await startDev(port, persist, {
    ALTO_AUTH: 'bearer',
    ALTO_NONCE_KEY: 'browser-test-nonce-key-0123456789',
    ALTO_CLIENTS: JSON.stringify([
      { name: 'ops', 'token-sha256': sha256(OPS_TOKEN), resources: '*' },
      {
        name: 'partner',
        'token-sha256': sha256(PARTNER_TOKEN),
        resources: ['dash-cost', 'endpoint-property'],
      },
    ]),
  })
  browser = await launchBrowser()
  page = await browser.context.newPage()
})

afterAll(async () => {
  await browser?.close()
  dev?.stop()
  rmSync(work, { recursive: true, force: true })
})

const options = (id: string) => page.locator(`#${id} option`).allInnerTexts()

describe('dashboard with client authentication on (bearer)', () => {
  it('loads without credentials and asks for a client token (the IRD answers 401)', async () => {
    await page.goto(`${dev.base}/dashboard`)
    await expect
      .poll(() => page.textContent('#status'))
      .toBe('credentials needed: enter a client token')
    const unauthorized =
      'console error: Failed to load resource: the server responded with a status of 401 ' +
      `(Unauthorized) (${dev.base}/directory)`
    await expect.poll(() => browser.problems).toContain(unauthorized)
    expect(browser.problems.filter((p) => p !== unauthorized)).toEqual([])
    browser.problems.length = 0
  })

  it('shows only what the partner may see, with its token (RFC 7285 §9.1)', async () => {
    await page.fill('#client-token', PARTNER_TOKEN)
    await Promise.all([page.waitForEvent('load'), page.click('#credentials button')])
    await page.waitForSelector('body[data-ready]')
    await page.waitForSelector('#heatmap[data-drawn-at]')
    expect(await options('cost-map-select')).toEqual(['dash-cost'])
    expect(await page.locator('#network-maps tr').allInnerTexts()).toHaveLength(2) // header, dash-net
    await page.fill('#lookup-address', '10.0.0.9')
    await page.click('#lookup-form button')
    await expect.poll(() => page.textContent('#lookup-result')).toBe('ipv4:10.0.0.9 → PID pa')
    expect(await page.textContent('#feed-state')).toBe('no update stream service in the directory')
    expect(await page.textContent('#version-line')).toMatch(/needs the operator token/)
    expect(browser.problems).toEqual([])
  })

  it('shows every map with the ops token', async () => {
    await page.fill('#client-token', OPS_TOKEN)
    await Promise.all([page.waitForEvent('load'), page.click('#credentials button')])
    await page.waitForSelector('body[data-ready]')
    expect(await options('cost-map-select')).toEqual(['dash-cost', 'dash-hops'])
    await expect.poll(() => page.getAttribute('#feed-state', 'data-state')).toBe('open')
    expect(browser.problems).toEqual([])
  })

  it('keeps the operator endpoint closed: 404 without its secret, whatever the client token', async () => {
    for (const token of [OPS_TOKEN, PARTNER_TOKEN, '']) {
      const res = await fetch(`${dev.base}/_alto/versions`, {
        headers: token ? { Authorization: `Bearer ${token}` } : {},
      })
      expect(res.status).toBe(404)
    }
  })
})
