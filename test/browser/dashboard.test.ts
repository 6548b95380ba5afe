/**
 * The operator dashboard in a real browser: Debian's headless Chromium (playwright-core) against
 * `wrangler dev` serving a small published map set. The page must load without console errors or
 * CSP violations, draw the cost map with the right colour in every cell, answer the lookup and
 * endpoint-cost forms, show a new publication in the live feed (ALTO/SSE, RFC 8895) within
 * seconds, and show which costs it changed (TIPS, RFC 9569). Screenshots go to
 * `$DASHBOARD_SCREENSHOTS` when set (docs/ for the README).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LUT_SIZE, colourAt, lutIndex } from '../../src/dashboard/colours.ts'
import {
  type BrowserRun,
  type DevServer,
  SMALL_COSTS_V1,
  launchBrowser,
  pixelsAt,
  publish,
  publishAsync,
  startDev,
  writeMapSet,
} from './harness.ts'

const OPERATOR_TOKEN = 'dashboard-test-operator-token-0123456789'
const port = 19000 + (process.pid % 1000)
const work = mkdtempSync(join(tmpdir(), 'alto-dash-'))
const persist = join(work, 'state')
const maps = join(work, 'maps')
let dev: DevServer
let browser: BrowserRun
let page: Page

beforeAll(async () => {
  writeMapSet(maps, SMALL_COSTS_V1)
  publish(maps, persist)
  dev = await startDev(port, persist, { ALTO_OPERATOR_TOKEN: OPERATOR_TOKEN })
  browser = await launchBrowser()
  page = await browser.context.newPage()
  // The operator token, as the credentials form stores it.
  await page.goto(`${dev.base}/dashboard`)
  await page.fill('#operator-token', OPERATOR_TOKEN)
  await Promise.all([page.waitForEvent('load'), page.click('#credentials button')])
  await page.waitForSelector('body[data-ready]')
})

afterAll(async () => {
  await browser?.close()
  dev?.stop()
  rmSync(work, { recursive: true, force: true })
})

async function screenshot(name: string): Promise<void> {
  const dir = process.env.DASHBOARD_SCREENSHOTS
  if (dir) await page.screenshot({ path: join(dir, name), fullPage: true })
}

describe('operator dashboard in Chromium against wrangler dev', () => {
  it('loads with no console errors and no CSP violations, and shows the publication', async () => {
    await page.waitForSelector('#heatmap[data-drawn-at]')
    expect(await page.textContent('#status')).toMatch(/\d+ resources/)
    expect(await page.textContent('#version-line')).toMatch(/^current: [0-9a-z]+ \(seq 1\)$/)
    const netRow = await page.locator('#network-maps tr', { hasText: 'dash-net' }).innerText()
    // network map, vtag, PIDs, IPv4 prefixes, IPv6 prefixes, table bytes (operator summary)
    expect(netRow.split('\t').slice(2, 5)).toEqual(['3', '3', '0'])
    expect(netRow).toMatch(/LPM v4 \d+/)
    expect(browser.problems).toEqual([])
  })

  it('is the answer to GET / for a browser, and the IRD stays the answer for ALTO clients', async () => {
    const second = await browser.context.newPage()
    await second.goto(`${dev.base}/`)
    await second.waitForSelector('body[data-ready]')
    expect(await second.title()).toBe('alto-edge dashboard')
    await second.close()
    const ird = await fetch(`${dev.base}/`, {
      headers: { Accept: 'application/alto-directory+json' },
    })
    expect(ird.headers.get('content-type')).toBe('application/alto-directory+json')
    expect(browser.problems).toEqual([])
  })

  it('serves the page with its own CSP, only its own files, and the API with the strict one', async () => {
    const pageRes = await fetch(`${dev.base}/dashboard`)
    expect(pageRes.headers.get('content-security-policy')).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
    expect(pageRes.headers.get('x-frame-options')).toBe('DENY')
    const script = await fetch(`${dev.base}/dashboard/dashboard.js`)
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/)
    expect(script.headers.get('x-content-type-options')).toBe('nosniff')
    const api = await fetch(`${dev.base}/directory`)
    expect(api.headers.get('content-security-policy')).toBe(
      "default-src 'none'; frame-ancestors 'none'"
    )
    for (const path of [
      '/dashboard/index.html',
      '/dashboard/..%2fwrangler.toml',
      '/dashboard.js',
    ]) {
      expect((await fetch(`${dev.base}${path}`)).status, path).toBe(404)
    }
    expect((await fetch(`${dev.base}/dashboard`, { method: 'POST' })).status).toBe(405)
  })

  it('opens GET /_alto/versions to the operator token only, with summaries and no KV keys', async () => {
    for (const auth of [undefined, 'Bearer wrong', `Basic ${btoa(`x:${OPERATOR_TOKEN}`)}`]) {
      const res = await fetch(`${dev.base}/_alto/versions`, {
        headers: auth ? { Authorization: auth } : {},
      })
      expect(res.status, auth).toBe(401)
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="alto-edge-operator"')
    }
    const res = await fetch(`${dev.base}/_alto/versions`, {
      headers: { Authorization: `Bearer ${OPERATOR_TOKEN}` },
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const text = await res.text()
    expect(text).not.toMatch(/blob\/|manifest\/|sha256|"key"/)
    const body = JSON.parse(text) as { versions: { manifest: { 'network-maps': object } }[] }
    expect(Object.keys(body.versions[0].manifest['network-maps'])).toEqual(['dash-net'])
  })

  it('draws every cell of the cost map in the colour of its cost; hover names it', async () => {
    await page.selectOption('#ordering-select', 'name')
    const size = 640
    const n = 3
    const pids = ['pa', 'pb', 'pc'] as const
    const points: [number, number][] = []
    const want: number[][] = []
    for (let r = 0; r < n; r++) {
      for (let k = 0; k < n; k++) {
        points.push([Math.floor(((k + 0.5) * size) / n), Math.floor(((r + 0.5) * size) / n)])
        want.push(colourAt(lutIndex(SMALL_COSTS_V1[pids[r]][pids[k]], 1, 9) / (LUT_SIZE - 1)))
      }
    }
    // The ends of the scale are the first and last colour stops (viridis).
    points.push([10, 10], [size - 10, size - 10])
    want.push([68, 1, 84], [253, 231, 37])
    expect(await pixelsAt(page, 'heatmap', points)).toEqual(want)
    expect(await page.textContent('#legend-min')).toBe('1')
    expect(await page.textContent('#legend-max')).toBe('9')
    expect(await page.textContent('#legend-unit')).toMatch(/routingcost/)
    // Hover the cell of row pb, column pc (in CSS pixels of the shown canvas).
    const box = (await page.locator('#heatmap').boundingBox())!
    await page.mouse.move(box.x + (box.width * 2.5) / 3, box.y + (box.height * 1.5) / 3)
    expect(await page.textContent('#heatmap-readout')).toMatch(/^pb → pc: 6 /)
    await page.click('#zoom-in')
    await page.mouse.move(box.x + 2, box.y + 2)
    // Zoomed 2× around the centre: the top-left pixel now shows pa→pa at a quarter in.
    expect(await page.textContent('#heatmap-readout')).toMatch(/^pa → pa: 1 /)
    await page.click('#zoom-reset')
  })

  it('answers the address → PID lookup and ranks candidates by endpoint cost', async () => {
    await page.fill('#lookup-address', '10.0.1.77')
    await page.click('#lookup-form button')
    await expect.poll(() => page.textContent('#lookup-result')).toBe('ipv4:10.0.1.77 → PID pb')
    await page.fill('#lookup-address', '999.1.1.1')
    await page.click('#lookup-form button')
    await expect
      .poll(() => page.textContent('#lookup-result'))
      .toMatch(/^400 E_INVALID_FIELD_VALUE/)
    // The browser logs the refused request itself: the only console error expected here.
    const refused =
      'console error: Failed to load resource: the server responded with a status of 400 ' +
      `(Bad Request) (${dev.base}/endpointprop/lookup)`
    await expect.poll(() => browser.problems).toContain(refused)
    await page.waitForTimeout(500)
    expect(browser.problems.filter((p) => p !== refused)).toEqual([])
    browser.problems.length = 0

    await page.fill('#cost-source', '10.0.2.9')
    await page.fill('#cost-candidates', '10.0.1.1\n10.0.0.1\n10.0.2.1')
    await page.click('#cost-form button')
    await page.waitForSelector('#cost-result tr:nth-child(4)')
    const rows = await page.locator('#cost-result tr').allInnerTexts()
    expect(rows.slice(1)).toEqual([
      '1\tipv4:10.0.0.1\t7',
      '2\tipv4:10.0.1.1\t8',
      '3\tipv4:10.0.2.1\t9',
    ])
    expect(browser.problems).toEqual([])
  })

  it('shows a publication in the live feed within seconds, and what it changed', async () => {
    await expect.poll(() => page.getAttribute('#feed-state', 'data-state')).toBe('open')
    expect(await page.locator('#feed li').count()).toBe(0) // current tags: no initial full data
    const v2 = { ...SMALL_COSTS_V1, pc: { pa: 1, pb: 8, pc: 2 } }
    writeMapSet(maps, v2)
    // Publishing through local wrangler takes a minute; the feed's latency is measured from the
    // moment the Worker serves the new version (its pointer flipped) to the line in the feed.
    const publishing = publishAsync(maps, persist)
    let servedAt = 0
    while (!servedAt) {
      const res = await fetch(`${dev.base}/_alto/versions`, {
        headers: { Authorization: `Bearer ${OPERATOR_TOKEN}` },
      })
      if (((await res.json()) as { current: { seq: number } }).current.seq === 2)
        servedAt = Date.now()
      else await new Promise((r) => setTimeout(r, 100))
    }
    await page.waitForSelector('#feed li', { timeout: 10_000 })
    const seconds = (Date.now() - servedAt) / 1000
    console.log(`live feed: publication shown ${seconds.toFixed(1)} s after the Worker served it`)
    await publishing
    expect(await page.locator('#feed li').first().innerText()).toMatch(/dash-cost: merge patch/)

    await page.selectOption('#diff-resource', 'dash-cost')
    await expect.poll(() => page.locator('#diff-to option').count()).toBe(2)
    await page.selectOption('#diff-from', '1')
    await page.selectOption('#diff-to', '2')
    await page.click('#diff-form button')
    await expect
      .poll(() => page.textContent('#diff-summary'))
      .toMatch(/^2 costs changed from seq 1 to 2/)
    const rows = await page.locator('#diff-result tr').allInnerTexts()
    expect(rows.slice(1)).toEqual(['pc\tpa\t7\t1', 'pc\tpc\t9\t2'])
    await page.fill('#lookup-address', '10.0.1.77')
    await page.click('#lookup-form button')
    await expect.poll(() => page.textContent('#lookup-result')).toBe('ipv4:10.0.1.77 → PID pb')
    await screenshot('dashboard.png')

    await page.reload()
    await page.waitForSelector('body[data-ready]')
    expect(await page.textContent('#version-line')).toMatch(/\(seq 2\)$/)
    // Rows: header, seq 2 (current), seq 1 — rolling back to 1 restores the old cost map.
    expect(await page.locator('#versions tr').nth(2).innerText()).toMatch(/^1\t.*\tdash-cost$/)
    expect(browser.problems).toEqual([])
  })
})
