/**
 * @module Redistribution bundles (issue 11; docs/signing.md): `alto-edge bundle URL --out FILE`
 * asks a server and keeps the question and the whole answer in one file; `alto-edge verify FILE
 * --jwks URL|FILE` checks, for whoever holds the file, that the server whose JWK Set it is gave
 * that answer to that question and until when (RFC 9421 signature, RFC 9530 digests; the
 * profile in src/alto/signing/profile.ts, checked by the client library's verifyAnswer).
 *
 * The file (JSON; bodies as text, ALTO bodies being UTF-8 JSON):
 *
 *     { "alto-edge-bundle": 1,
 *       "request":  { "method": "POST", "uri": "https://…/endpointcost/lookup",
 *                     "content-type": "application/alto-endpointcostparams+json", "body": "{…}" },
 *       "response": { "status": 200, "headers": { "content-type": …, "content-digest": …,
 *                     "signature-input": …, "signature": … , … }, "body": "{…}" } }
 *
 * The JWK Set is never taken from the bundle: trust comes from where the verifier gets it.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { asJwks, fetchJwks, verifyAnswer, type Jwks } from '../client/verify.ts'
import type { Io } from './commands.ts'
import {
  EXIT_BAD_SIGNATURE,
  EXIT_OK,
  EXIT_SERVER,
  EXIT_UNREACHABLE,
  EXIT_UNVERIFIABLE,
} from './exit-codes.ts'

export const BUNDLE_VERSION = 1

export interface Bundle {
  'alto-edge-bundle': typeof BUNDLE_VERSION
  request: { method: string; uri: string; 'content-type'?: string; body?: string }
  response: { status: number; headers: Record<string, string>; body: string }
}

export interface BundleOptions {
  out: string
  body?: string
  contentType?: string
  accept?: string
}

export async function cmdBundle(url: string, o: BundleOptions, io: Io): Promise<number> {
  const method = o.body === undefined ? 'GET' : 'POST'
  const headers: Record<string, string> = {}
  if (o.accept) headers.Accept = o.accept
  if (o.body !== undefined) headers['Content-Type'] = o.contentType ?? 'application/json'
  let res: Response
  try {
    res = await fetch(url, { method, headers, body: o.body })
  } catch (e) {
    io.err(`${url}: unreachable (${(e as Error).message})`)
    return EXIT_UNREACHABLE
  }
  const text = await res.text()
  if (!res.ok) {
    io.err(`${url}: HTTP ${res.status}; no bundle written`)
    return EXIT_SERVER
  }
  const bundle: Bundle = {
    'alto-edge-bundle': BUNDLE_VERSION,
    request: {
      method,
      uri: url,
      ...(o.body === undefined ? {} : { 'content-type': headers['Content-Type'], body: o.body }),
    },
    response: { status: res.status, headers: Object.fromEntries(res.headers), body: text },
  }
  await writeFile(o.out, JSON.stringify(bundle, null, 2) + '\n')
  const signed = res.headers.has('signature')
  io.err(
    `wrote ${o.out} (HTTP ${res.status}, ${text.length} B, ${signed ? 'signed' : 'NOT signed'})`
  )
  return EXIT_OK
}

export interface VerifyOptions {
  jwks: string
  at?: number
  json?: boolean
}

/** Reads a bundle, or says in one line why it is not one. */
export function parseBundle(text: string): Bundle | string {
  let b: unknown
  try {
    b = JSON.parse(text)
  } catch {
    return 'not JSON'
  }
  const x = b as Partial<Bundle>
  if (x?.['alto-edge-bundle'] !== BUNDLE_VERSION)
    return `"alto-edge-bundle" is not ${BUNDLE_VERSION}`
  const q = x.request
  const r = x.response
  if (typeof q?.method !== 'string' || typeof q.uri !== 'string') return 'no request method/uri'
  if (q.body !== undefined && typeof q.body !== 'string') return 'request body is not text'
  if (typeof r?.status !== 'number' || typeof r.body !== 'string' || typeof r.headers !== 'object')
    return 'no response status/headers/body'
  return x as Bundle
}

async function loadJwks(source: string): Promise<Jwks> {
  if (/^https?:\/\//.test(source)) return fetchJwks(source)
  return asJwks(JSON.parse(await readFile(source, 'utf8')), source)
}

export async function cmdVerify(file: string, o: VerifyOptions, io: Io): Promise<number> {
  const report = (doc: Record<string, unknown>, line: string) =>
    o.json ? io.out(JSON.stringify(doc, null, 2)) : io.out(line)
  let bundle: Bundle | string
  let jwks: Jwks
  try {
    bundle = parseBundle(await readFile(file, 'utf8'))
    if (typeof bundle === 'string') throw new Error(`${file}: not a bundle (${bundle})`)
    jwks = await loadJwks(o.jwks)
  } catch (e) {
    const message = (e as Error).message
    report({ ok: false, reason: 'unverifiable', detail: message }, `cannot verify: ${message}`)
    return EXIT_UNVERIFIABLE
  }
  const { request: q, response: r } = bundle
  const result = await verifyAnswer({
    response: new Response(r.status === 204 ? null : r.body, {
      status: r.status,
      headers: r.headers,
    }),
    question: { method: q.method, uri: q.uri, body: q.body },
    jwks,
    now: o.at ?? Math.floor(Date.now() / 1000),
  })
  if (result.ok) {
    const iso = (s: number) => new Date(s * 1000).toISOString()
    report(
      { ok: true, keyid: result.keyid, created: result.created, expires: result.expires },
      `ok: ${q.method} ${q.uri} answered ${r.status}, signed by key ${result.keyid} at ${iso(result.created)}, valid until ${iso(result.expires)}`
    )
    return EXIT_OK
  }
  report(
    { ok: false, reason: result.reason, ...(result.detail ? { detail: result.detail } : {}) },
    `refused: ${result.reason}${result.detail ? ` (${result.detail})` : ''}`
  )
  return EXIT_BAD_SIGNATURE
}
