/**
 * Client authentication (issue #5 item 4; RFC 7285 §8.3.5, RFC 7616 Digest, RFC 6750 bearer) and
 * per-client directories. The Worker is called with a custom env (credentials as the secrets an
 * operator would set), never with anything from wrangler.toml.
 */
import { runDurableObjectAlarm } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { MEDIA_TYPES } from '../../src/alto/media-types.ts'
import { createNonce, digestHex, NONCE_LIFETIME_SECONDS } from '../../src/worker/auth/digest.ts'
import type { Env } from '../../src/worker/env.ts'
import type { Manifest } from '../../src/store/manifest.ts'
import worker from '../../src/worker/index.ts'
import { ORIGIN } from './client.ts'
import { compileRealMapSet, publish, testExecutionContext } from './map-set.ts'

const NM = 'rfc-example-network-map'
const REALM = 'alto-test'
const NONCE_KEY = 'test-nonce-key-0123456789abcdef'
const PASSWORDS = { 'cdn-a': 'correct horse battery staple', 'cdn-b': 'hunter2-but-longer' }
const TOKENS = {
  'cdn-a': 'tok_a_8f14e45fceea167a5a36dedd4bea2543',
  'cdn-b': 'tok_b_c9f0f895fb98ab9159f51fd0297e236d',
}
const numericalRouting = { 'cost-mode': 'numerical', 'cost-metric': 'routingcost' }

let manifest: Manifest
let authEnv: Env

beforeAll(async () => {
  manifest = await publish(env.ALTO_KV, await compileRealMapSet(), {
    created: '2026-11-26T18:00:00.000Z',
  })
  const ha1 = async (user: keyof typeof PASSWORDS) => [
    await digestHex('SHA-256', `${user}:${REALM}:${PASSWORDS[user]}`),
    await digestHex('MD5', `${user}:${REALM}:${PASSWORDS[user]}`),
  ]
  const clients = [
    {
      name: 'cdn-a',
      'digest-ha1': await ha1('cdn-a'),
      'token-sha256': await digestHex('SHA-256', TOKENS['cdn-a']),
      resources: '*',
    },
    {
      name: 'cdn-b',
      'digest-ha1': await ha1('cdn-b'),
      'token-sha256': [await digestHex('SHA-256', TOKENS['cdn-b'])],
      // The filtered cost map uses the network map, which is granted with it.
      resources: [`${NM}-costmap-filtered`, 'endpoint-property'],
    },
  ]
  authEnv = {
    ...env,
    ALTO_AUTH: 'both',
    ALTO_REALM: REALM,
    ALTO_NONCE_KEY: NONCE_KEY,
    ALTO_CLIENTS: JSON.stringify(clients),
  }
})

let errorLog: ReturnType<typeof vi.spyOn>
beforeEach(() => {
  errorLog = vi.spyOn(console, 'error').mockImplementation(() => {})
})
afterEach(() => errorLog.mockRestore())

const call = (path: string, init: RequestInit = {}, overrides: Partial<Env> = {}) =>
  worker.fetch(
    new Request(`${ORIGIN}${path}`, init),
    { ...authEnv, ...overrides },
    testExecutionContext()
  )

/** The challenges of a 401, split (workerd joins repeated headers with ", "). */
function challengesOf(res: Response): string[] {
  const header = res.headers.get('WWW-Authenticate') ?? ''
  return header.split(/,\s*(?=(?:Digest|Bearer)\b)/)
}

function digestParams(challenge: string): Record<string, string> {
  return Object.fromEntries(
    [...challenge.matchAll(/(\w+)=(?:"([^"]*)"|([^\s,]+))/g)].map((m) => [m[1], m[2] ?? m[3]])
  )
}

/** An RFC 7616 §3.4 Authorization header answering `challenge`. */
async function digestAuthorization(
  challenge: Record<string, string>,
  opts: {
    user: string
    password: string
    method: string
    uri: string
    algorithm: 'SHA-256' | 'MD5'
    /** RFC 7616 nc-value: the client's count of requests with this nonce (default 1). */
    nc?: number
  }
): Promise<string> {
  const cnonce = 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ'
  const nc = (opts.nc ?? 1).toString(16).padStart(8, '0')
  const ha1 = await digestHex(opts.algorithm, `${opts.user}:${challenge.realm}:${opts.password}`)
  const ha2 = await digestHex(opts.algorithm, `${opts.method}:${opts.uri}`)
  const response = await digestHex(
    opts.algorithm,
    `${ha1}:${challenge.nonce}:${nc}:${cnonce}:auth:${ha2}`
  )
  return (
    `Digest username="${opts.user}", realm="${challenge.realm}", uri="${opts.uri}", algorithm=${opts.algorithm}, ` +
    `nonce="${challenge.nonce}", nc=${nc}, cnonce="${cnonce}", qop=auth, response="${response}"`
  )
}

async function challengeFor(algorithm: 'SHA-256' | 'MD5'): Promise<Record<string, string>> {
  const res = await call('/directory')
  const challenge = challengesOf(res).find(
    (c) => c.startsWith('Digest') && c.includes(`algorithm=${algorithm}`)
  )
  if (!challenge) throw new Error(`no ${algorithm} challenge`)
  return digestParams(challenge)
}

describe('401 with the right challenges', () => {
  it('no credentials: 401, Digest SHA-256 then MD5 (qop=auth), then Bearer', async () => {
    const res = await call(`/networkmap/${NM}`)
    expect(res.status).toBe(401)
    expect(res.headers.get('Content-Type')).toMatch(/^text\/plain/)
    expect(res.headers.get('Cache-Control')).toBe('no-store')
    const challenges = challengesOf(res)
    expect(challenges).toHaveLength(3)
    expect(challenges[0]).toMatch(
      new RegExp(`^Digest realm="${REALM}", qop="auth", algorithm=SHA-256, nonce="[^"]+"$`)
    )
    expect(challenges[1]).toMatch(/^Digest .*algorithm=MD5/)
    expect(challenges[2]).toBe(`Bearer realm="${REALM}"`)
  })

  it('only the configured schemes are offered and accepted', async () => {
    const digestOnly = await call(
      '/directory',
      { headers: { Authorization: `Bearer ${TOKENS['cdn-a']}` } },
      { ALTO_AUTH: 'digest' }
    )
    expect(digestOnly.status).toBe(401)
    expect(challengesOf(digestOnly).every((c) => c.startsWith('Digest'))).toBe(true)
    const bearerOnly = await call('/directory', {}, { ALTO_AUTH: 'bearer' })
    expect(challengesOf(bearerOnly)).toEqual([`Bearer realm="${REALM}"`])
  })

  it('/health and CORS preflights need no credentials', async () => {
    expect((await call('/health')).status).toBe(200)
    const preflight = await call('/directory', {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://x.example',
        'Access-Control-Request-Method': 'GET',
        'Access-Control-Request-Headers': 'authorization',
      },
    })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('Access-Control-Allow-Headers')?.toLowerCase()).toContain(
      'authorization'
    )
  })
})

describe('HTTP Digest (RFC 7616)', () => {
  for (const algorithm of ['SHA-256', 'MD5'] as const) {
    it(`${algorithm}: a correct response is accepted for GET and POST`, async () => {
      const challenge = await challengeFor(algorithm)
      const user = { user: 'cdn-a', password: PASSWORDS['cdn-a'], algorithm }
      const get = await call(`/networkmap/${NM}`, {
        headers: {
          Authorization: await digestAuthorization(challenge, {
            ...user,
            method: 'GET',
            uri: `/networkmap/${NM}`,
          }),
        },
      })
      expect(get.status).toBe(200)
      expect(get.headers.get('Cache-Control')).toMatch(/^private, /) // never stored by shared caches
      expect(get.headers.get('Vary')).toBe('Accept, Authorization') // views differ per client
      const path = `/costmap/${NM}/filtered`
      const post = await call(path, {
        method: 'POST',
        headers: {
          'Content-Type': MEDIA_TYPES.costMapFilter,
          Authorization: await digestAuthorization(challenge, {
            ...user,
            method: 'POST',
            uri: path,
            nc: 2, // the second request with this nonce
          }),
        },
        body: JSON.stringify({ 'cost-type': numericalRouting }),
      })
      expect(post.status).toBe(200)
    })
  }

  it('wrong password, wrong uri, wrong method, unknown user, forged nonce: 401', async () => {
    const challenge = await challengeFor('SHA-256')
    const base = {
      user: 'cdn-a',
      password: PASSWORDS['cdn-a'],
      algorithm: 'SHA-256' as const,
      method: 'GET',
      uri: '/directory',
    }
    const attempts = [
      await digestAuthorization(challenge, { ...base, password: 'wrong' }),
      await digestAuthorization(challenge, { ...base, uri: `/networkmap/${NM}` }), // signed for another resource
      await digestAuthorization(challenge, { ...base, method: 'POST' }),
      await digestAuthorization(challenge, { ...base, user: 'nobody' }),
      await digestAuthorization(
        {
          ...challenge,
          nonce: `${challenge.nonce.split('.').slice(0, 2).join('.')}.${'A'.repeat(43)}`,
        },
        base
      ),
      await digestAuthorization({ ...challenge, realm: 'other' }, base),
      (await digestAuthorization(challenge, base)).replace('qop=auth', 'qop=auth-int'),
      'Digest garbage',
    ]
    for (const authorization of attempts) {
      const res = await call('/directory', { headers: { Authorization: authorization } })
      expect([authorization, res.status]).toEqual([authorization, 401])
    }
    // Control: the same construction with the right inputs passes.
    expect(
      (
        await call('/directory', {
          headers: { Authorization: await digestAuthorization(challenge, base) },
        })
      ).status
    ).toBe(200)
  })

  it('RFC 7616 §3.4 replay: an nc-value seen twice with a nonce is refused (stale=true); each nonce counts apart', async () => {
    const challenge = await challengeFor('SHA-256')
    const base = {
      user: 'cdn-a',
      password: PASSWORDS['cdn-a'],
      algorithm: 'SHA-256' as const,
      method: 'GET',
      uri: '/directory',
    }
    const first = await digestAuthorization(challenge, base)
    const status = async (authorization: string) =>
      (await call('/directory', { headers: { Authorization: authorization } })).status
    expect(await status(first)).toBe(200)
    // The captured request, sent again: refused, with a fresh nonce marked stale so an honest
    // client retries without asking its user.
    const replay = await call('/directory', { headers: { Authorization: first } })
    expect(replay.status).toBe(401)
    expect(challengesOf(replay)[0]).toMatch(/stale=true$/)
    expect(challengesOf(replay)[0]).not.toContain(challenge.nonce)
    // The same nc on another resource is a replay too (the count is per nonce, not per URI).
    const other = await digestAuthorization(challenge, { ...base, uri: `/networkmap/${NM}` })
    const otherRes = await call(`/networkmap/${NM}`, { headers: { Authorization: other } })
    expect(otherRes.status).toBe(401)
    // The next counts are accepted, in any order (concurrent requests may arrive out of order).
    expect(await status(await digestAuthorization(challenge, { ...base, nc: 3 }))).toBe(200)
    expect(await status(await digestAuthorization(challenge, { ...base, nc: 2 }))).toBe(200)
    expect(await status(await digestAuthorization(challenge, { ...base, nc: 3 }))).toBe(401)
    // Another nonce has its own count: nc=1 is fresh there.
    const second = await challengeFor('SHA-256')
    expect(second.nonce).not.toBe(challenge.nonce)
    expect(await status(await digestAuthorization(second, base))).toBe(200)
  })

  it('an expired nonce gets a new challenge with stale=true', async () => {
    const key = await crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(NONCE_KEY),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign']
    )
    const old = await createNonce(key, REALM, Date.now() / 1000 - NONCE_LIFETIME_SECONDS - 10)
    const authorization = await digestAuthorization(
      { realm: REALM, nonce: old },
      {
        user: 'cdn-a',
        password: PASSWORDS['cdn-a'],
        algorithm: 'SHA-256',
        method: 'GET',
        uri: '/directory',
      }
    )
    const res = await call('/directory', { headers: { Authorization: authorization } })
    expect(res.status).toBe(401)
    expect(challengesOf(res)[0]).toMatch(/stale=true$/)
    // A wrong password with the old nonce is not "stale": the client must ask the user again.
    const wrong = authorization.replace(/response="[0-9a-f]+"/, `response="${'0'.repeat(64)}"`)
    expect(
      challengesOf(await call('/directory', { headers: { Authorization: wrong } }))[0]
    ).not.toMatch(/stale/)
  })
})

describe('bearer tokens (RFC 6750)', () => {
  it('a known token is accepted; an unknown one is 401 invalid_token', async () => {
    expect(
      (await call('/directory', { headers: { Authorization: `Bearer ${TOKENS['cdn-a']}` } })).status
    ).toBe(200)
    const res = await call('/directory', {
      headers: { Authorization: `Bearer ${TOKENS['cdn-a']}x` },
    })
    expect(res.status).toBe(401)
    expect(challengesOf(res)).toContain(`Bearer realm="${REALM}", error="invalid_token"`)
  })
})

describe('per-client directories and access', () => {
  const asB = { Authorization: `Bearer ${TOKENS['cdn-b']}` }
  const asA = { Authorization: `Bearer ${TOKENS['cdn-a']}` }

  it('a restricted client sees only its resources (and what they use) in its IRD', async () => {
    const full = (await (await call('/directory', { headers: asA })).json()) as {
      resources: Record<string, unknown>
    }
    const res = await call('/directory', { headers: asB })
    expect(res.status).toBe(200)
    const ird = (await res.json()) as {
      meta: { 'default-alto-network-map': string; 'cost-types': Record<string, unknown> }
      resources: Record<string, { capabilities?: { 'prop-types'?: string[] } }>
    }
    expect(Object.keys(ird.resources).sort()).toEqual(
      [NM, `${NM}-costmap-filtered`, 'endpoint-property'].sort()
    )
    expect(Object.keys(full.resources).length).toBeGreaterThan(3)
    expect(ird.meta['default-alto-network-map']).toBe(NM)
    expect(ird.resources['endpoint-property'].capabilities?.['prop-types']).toEqual(
      expect.arrayContaining([`${NM}.pid`, ...Object.keys(manifest.properties)])
    )
    expect(ird.resources['endpoint-property'].capabilities?.['prop-types']).not.toContain(
      'my-default-network-map.pid'
    )
    // Its own validator: a client never revalidates one view with another's ETag.
    const etagB = res.headers.get('ETag')
    expect(etagB).not.toBe((await call('/directory', { headers: asA })).headers.get('ETag'))
    expect(
      (await call('/directory', { headers: { ...asB, 'If-None-Match': etagB! } })).status
    ).toBe(304)
  })

  it('resources outside the view are 404, like missing ones; inside the view they work', async () => {
    expect((await call('/networkmap/my-default-network-map', { headers: asB })).status).toBe(404)
    expect((await call('/costmap/rfc-example-num-routingcost', { headers: asB })).status).toBe(404)
    expect((await call(`/networkmap/${NM}`, { headers: asB })).status).toBe(200)
    const ecs = await call(`/endpointcost/${NM}/lookup`, {
      method: 'POST',
      headers: { ...asB, 'Content-Type': MEDIA_TYPES.endpointCostParams },
      body: JSON.stringify({
        'cost-type': numericalRouting,
        endpoints: { srcs: ['ipv4:192.0.2.1'], dsts: ['ipv4:192.0.2.2'] },
      }),
    })
    expect(ecs.status).toBe(404)
    const eps = (properties: string[]) =>
      call('/endpointprop/lookup', {
        method: 'POST',
        headers: { ...asB, 'Content-Type': MEDIA_TYPES.endpointPropParams },
        body: JSON.stringify({ properties, endpoints: ['ipv4:192.0.2.1'] }),
      })
    expect((await eps([`${NM}.pid`])).status).toBe(200)
    const hidden = await eps(['my-default-network-map.pid'])
    expect(hidden.status).toBe(400)
    expect(await hidden.json()).toEqual({
      meta: {
        code: 'E_INVALID_FIELD_VALUE',
        field: 'properties',
        value: 'my-default-network-map.pid',
      },
    })
  })
})

describe('configuration errors fail closed', () => {
  it('auth on without the nonce key or clients, or an unknown mode: 503 for everyone, logged', async () => {
    for (const overrides of [
      { ALTO_NONCE_KEY: undefined },
      { ALTO_CLIENTS: undefined },
      { ALTO_CLIENTS: '[{"name":"x"}]' },
      { ALTO_AUTH: 'maybe' },
    ]) {
      errorLog.mockClear()
      const res = await call(
        '/directory',
        { headers: { Authorization: `Bearer ${TOKENS['cdn-a']}` } },
        overrides
      )
      expect([JSON.stringify(overrides), res.status]).toEqual([JSON.stringify(overrides), 503])
      expect(errorLog).toHaveBeenCalledTimes(1)
      expect(String(errorLog.mock.calls[0][0])).toMatch(
        /^alto-edge: client authentication is misconfigured/
      )
      expect(String(errorLog.mock.calls[0][0])).not.toContain(TOKENS['cdn-a'])
    }
  })

  it('auth off (the default) needs no credentials', async () => {
    expect((await call('/directory', {}, { ALTO_AUTH: undefined })).status).toBe(200)
    expect((await call('/directory', {}, { ALTO_AUTH: 'off' })).status).toBe(200)
  })
})

describe('DigestNonceCounter (one object per nonce)', () => {
  it('records each nc once, and forgets everything when its alarm (the nonce expiry) fires', async () => {
    const counters = env.ALTO_DIGEST_NONCES
    const stub = counters.get(counters.idFromName('test-nonce-expiry'))
    const expiry = Date.now() + 60_000
    expect(await stub.use(1, expiry)).toBe('fresh')
    expect(await stub.use(1, expiry)).toBe('replayed')
    expect(await stub.use(7, expiry)).toBe('fresh')
    expect(await runDurableObjectAlarm(stub)).toBe(true)
    expect(await stub.use(1, expiry)).toBe('fresh')
  })
})
