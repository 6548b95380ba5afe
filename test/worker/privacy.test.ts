/**
 * Privacy and response hardening (issue #5 item 6; RFC 7285 §15.4): hardening headers on every
 * kind of response, and nothing from a request (addresses, bodies) in any log line — also when
 * the request fails.
 */
import { env } from 'cloudflare:workers'
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { MEDIA_TYPES } from '../../src/alto/media-types.ts'
import { CURRENT_KEY } from '../../src/store/manifest.ts'
import worker from '../../src/worker/index.ts'
import { forgetLastGoodVersion } from '../../src/worker/middleware/last-good.ts'
import { SECURITY_HEADERS } from '../../src/worker/middleware/security-headers.ts'
import { ORIGIN } from './client.ts'
import { compileRealMapSet, publish, testExecutionContext } from './map-set.ts'

const NM = 'rfc-example-network-map'
const ADDRESS = '203.0.113.77'
const logged: string[] = []
const spies: ReturnType<typeof vi.spyOn>[] = []

beforeAll(async () => {
  await publish(env.ALTO_KV, await compileRealMapSet(), { created: '2026-11-26T18:00:00.000Z' })
})
beforeEach(() => {
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    spies.push(
      vi
        .spyOn(console, level)
        .mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' ')))
    )
  }
})
afterEach(() => {
  for (const spy of spies.splice(0)) spy.mockRestore()
})

const eps = (endpoints: unknown, kv: KVNamespace = env.ALTO_KV) =>
  worker.fetch(
    new Request(`${ORIGIN}/endpointprop/lookup`, {
      method: 'POST',
      headers: { 'Content-Type': MEDIA_TYPES.endpointPropParams, 'CF-Connecting-IP': ADDRESS },
      body: JSON.stringify({ properties: [`${NM}.pid`], endpoints }),
    }),
    { ...env, ALTO_KV: kv },
    testExecutionContext()
  )

describe('response headers', () => {
  it('every kind of response carries the hardening headers', async () => {
    const brokenKv = {
      get: async () => Promise.reject(new Error('down')),
    } as unknown as KVNamespace
    const responses = {
      200: await eps([`ipv4:${ADDRESS}`]),
      400: await eps([`ipv4:${ADDRESS}/32`]),
      404: await worker.fetch(new Request(`${ORIGIN}/nothing`), env, testExecutionContext()),
      503: await (async () => {
        forgetLastGoodVersion() // else the isolate answers from its last good version
        return eps([`ipv4:${ADDRESS}`], brokenKv)
      })(),
    }
    for (const [status, res] of Object.entries(responses)) {
      expect(res.status).toBe(Number(status))
      for (const [name, value] of Object.entries(SECURITY_HEADERS))
        expect([status, name, res.headers.get(name)]).toEqual([status, name, value])
      expect(res.headers.get('Server')).toBeNull()
    }
  })
})

describe('logs', () => {
  it('no endpoint address or body in any log line, for answers, bad input and storage faults', async () => {
    const brokenKv = {
      get: async () => Promise.reject(new Error('down')),
    } as unknown as KVNamespace
    await eps([`ipv4:${ADDRESS}`])
    await eps([`ipv4:${ADDRESS}`, 'ipv6:1::2::3'])
    await eps([`ipv4:${ADDRESS}`], brokenKv)
    await eps('{"endpoints":')
    await env.ALTO_KV.put(CURRENT_KEY, 'not json')
    await eps([`ipv4:${ADDRESS}`])
    // Something was logged (the storage faults), and none of it names the request's data.
    expect(logged.length).toBeGreaterThan(0)
    for (const line of logged) {
      expect(line).not.toContain(ADDRESS)
      expect(line).not.toContain('1::2::3')
      expect(line).not.toContain('endpoints')
    }
  })
})
