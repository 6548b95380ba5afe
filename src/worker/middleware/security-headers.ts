/**
 * @module Response headers that harden every answer (docs/security.md, "Response headers").
 *
 * The API answers JSON only, so the strictest browser policies cost nothing:
 * - `X-Content-Type-Options: nosniff` — a JSON body is never sniffed into HTML/script;
 * - `Content-Security-Policy: default-src 'none'; frame-ancestors 'none'` and
 *   `X-Frame-Options: DENY` — nothing loads, nothing frames a response;
 * - `Referrer-Policy: no-referrer`;
 * - `Strict-Transport-Security` (ignored by browsers over plain http, RFC 6797 §8.1);
 * - `Cross-Origin-Resource-Policy: cross-origin` — explicit, since CORS is open on purpose
 *   (maps are meant to be fetched by other origins' clients).
 * No `Server` or version header is added.
 *
 * The one HTML document, the operator dashboard (routes/dashboard.ts), gets its own policy: still
 * nothing inline and nothing from elsewhere — scripts, styles, images and connections from the
 * Worker's own origin only, no `<base>`, no form posts, no framing. It is chosen by the response's
 * `Content-Type`, so any HTML the Worker might ever answer gets it, and nothing else does.
 */
import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../env.ts'

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
  'Cross-Origin-Resource-Policy': 'cross-origin',
}

export const DASHBOARD_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

export const securityHeaders: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next()
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(name, value)
  if ((c.res.headers.get('Content-Type') ?? '').toLowerCase().startsWith('text/html')) {
    c.res.headers.set('Content-Security-Policy', DASHBOARD_CSP)
  }
}
