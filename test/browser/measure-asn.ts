/**
 * Measures the dashboard on the ASN map (README "Dashboard"): publishes maps/ with the generated
 * ASN map (`npm run maps:asn` first) to a fresh local state, serves it with `wrangler dev`, and in
 * headless Chromium times page loads (navigation → panels filled, → 1,240 × 1,240 heatmap drawn),
 * the heatmap's draw, ordering and zoom, and the hover readout. Not a test (no timed
 * assertions): `node test/browser/measure-asn.ts [screenshot.png]`.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { launchBrowser, publish, root, startDev } from './harness.ts'

if (!existsSync(join(root, 'maps/asn/generated/network-map.json'))) {
  console.error('measure-asn: run `npm run maps:asn` first')
  process.exit(2)
}
const work = mkdtempSync(join(tmpdir(), 'alto-dash-asn-'))
const persist = join(work, 'state')
const t0 = Date.now()
publish(join(root, 'maps'), persist)
console.log(`published maps/ with the ASN map in ${((Date.now() - t0) / 1000).toFixed(0)} s`)
const dev = await startDev(18600 + (process.pid % 300), persist, { ALTO_OPERATOR_TOKEN: 'measure' })
const browser = await launchBrowser()
try {
  const ird = (await (
    await fetch(`${dev.base}/directory`, { headers: { Accept: 'application/alto-directory+json' } })
  ).json()) as {
    resources: Record<string, { 'media-type': string; uses?: string[]; accepts?: string }>
  }
  const costMap = Object.entries(ird.resources).find(
    ([, e]) =>
      e['media-type'] === 'application/alto-costmap+json' &&
      !e.accepts &&
      e.uses?.[0] === 'asn-network-map'
  )![0]
  const page = await browser.context.newPage()
  const loads: string[] = []
  for (let run = 1; run <= 4; run++) {
    await page.goto(`${dev.base}/dashboard?costmap=${costMap}`)
    await page.waitForSelector('#heatmap[data-drawn-at]', { timeout: 120_000 })
    await page.waitForSelector('body[data-ready]')
    const t = (await page.evaluate(`(() => {
      const nav = performance.getEntriesByType('navigation')[0]
      const cm = performance.getEntriesByType('resource').find((e) => e.name.includes('/costmap/'))
      return { dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd,
        cmStart: cm.requestStart, cmEnd: cm.responseEnd, cmBytes: cm.decodedBodySize,
        heatmap: Number(document.getElementById('heatmap').dataset.drawnAt),
        draw: Number(document.getElementById('heatmap').dataset.drawMs),
        info: document.getElementById('heatmap-info').textContent }
    })()`)) as {
      dcl: number
      load: number
      cmStart: number
      cmEnd: number
      cmBytes: number
      heatmap: number
      draw: number
      info: string
    }
    loads.push(
      `load ${run}: DOMContentLoaded ${t.dcl.toFixed(0)} ms, load ${t.load.toFixed(0)} ms, ` +
        `cost map (${(t.cmBytes / 1048576).toFixed(1)} MiB JSON) fetched ${t.cmStart.toFixed(0)}–` +
        `${t.cmEnd.toFixed(0)} ms, heatmap drawn ${t.heatmap} ms (image ${t.draw} ms) — ${t.info}`
    )
  }
  console.log(loads.join('\n'))
  // Hover: synthetic mousemoves over the canvas, each timed around its (synchronous) handler.
  const hover = (await page.evaluate(`(() => {
    const c = document.getElementById('heatmap')
    const r = c.getBoundingClientRect()
    const times = []
    for (let i = 0; i < 500; i++) {
      const x = r.left + ((i * 37) % r.width), y = r.top + ((i * 61) % r.height)
      const t = performance.now()
      c.dispatchEvent(new MouseEvent('mousemove', { clientX: x, clientY: y, bubbles: true }))
      times.push(performance.now() - t)
    }
    times.sort((a, b) => a - b)
    return { median: times[250], p95: times[475], max: times[499],
      readout: document.getElementById('heatmap-readout').textContent }
  })()`)) as { median: number; p95: number; max: number; readout: string }
  console.log(
    `hover (500 moves): median ${hover.median.toFixed(3)} ms, p95 ${hover.p95.toFixed(3)} ms, ` +
      `max ${hover.max.toFixed(3)} ms; e.g. "${hover.readout}"`
  )
  const zoom = (await page.evaluate(`(() => {
    const times = []
    for (const id of ['zoom-in', 'zoom-in', 'zoom-in', 'zoom-out', 'zoom-reset']) {
      const t = performance.now()
      document.getElementById(id).click()
      times.push(performance.now() - t)
    }
    return times.map((t) => t.toFixed(1)).join(', ')
  })()`)) as string
  console.log(`zoom redraws (in, in, in, out, fit): ${zoom} ms`)
  for (const ordering of ['name', 'mean', 'cluster']) {
    await page.selectOption('#ordering-select', ordering)
    console.log(`ordering ${ordering}: ${await page.textContent('#heatmap-info')}`)
  }
  // Hover while zoomed in, then a screenshot of the whole page.
  await page.click('#zoom-reset')
  const box = (await page.locator('#heatmap').boundingBox())!
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.6)
  if (process.argv[2]) await page.screenshot({ path: process.argv[2], fullPage: true })
  console.log(`console errors / CSP violations: ${JSON.stringify(browser.problems)}`)
} finally {
  await browser.close()
  dev.stop()
  rmSync(work, { recursive: true, force: true })
}
