/**
 * @module The publisher's hook `POST /_alto/notify` (not an ALTO resource, not in the IRD): the
 * CLI calls it right after flipping `current`, with the update logs it just wrote, so long polls
 * and update streams learn of the publication at once instead of at the hub's next pointer poll
 * (and without waiting for KV's edge caches to expire).
 *
 * Authentication: `Authorization: Bearer <ALTO_OPERATOR_TOKEN>` (a secret). Both sides are
 * SHA-256 hashed, then compared in constant time, so neither the token's length nor the position
 * of the first difference leaks. Unset secret → the route does not exist (404).
 *
 * Body: `{ "logs": UpdateLog[] }` (may be `{}`: then the hub just re-reads the pointer). 202 with
 * `{ "advanced": [resource ids whose end-seq moved] }`.
 */
import { Hono } from 'hono'
import { altoFail, httpFail } from '../../alto/errors.ts'
import { MAX_BODY_BYTES } from '../../alto/limits.ts'
import type { UpdateLog } from '../../store/update-log.ts'
import type { AppEnv } from '../env.ts'
import { requireOperator } from '../routes/operator.ts'
import { hubStub, parseUpdateLog } from './common.ts'

export const NOTIFY_PATH = '/_alto/notify'

export const notifyRoutes = new Hono<AppEnv>().post(NOTIFY_PATH, async (c) => {
  const env = c.env
  await requireOperator(c)
  if (Number(c.req.header('Content-Length') ?? '0') > MAX_BODY_BYTES)
    httpFail({ kind: 'payload-too-large', limitBytes: MAX_BODY_BYTES })
  let body: unknown
  try {
    body = JSON.parse((await c.req.text()) || '{}')
  } catch (error) {
    altoFail({
      code: 'E_SYNTAX',
      syntaxError: `the body must be JSON { "logs": [...] }: ${(error as Error).message}`,
    })
  }
  const raw =
    typeof body === 'object' && body !== null ? ((body as { logs?: unknown }).logs ?? []) : body
  if (!Array.isArray(raw)) altoFail({ code: 'E_INVALID_FIELD_TYPE', field: 'logs' })
  const logs: UpdateLog[] = []
  for (const [i, item] of raw.entries()) {
    const log = parseUpdateLog(item)
    if (!log)
      altoFail({
        code: 'E_INVALID_FIELD_VALUE',
        field: `logs/${i}`,
        value: 'not a valid update log',
      })
    logs.push(log)
  }
  const result = await hubStub(env).notify(logs)
  return new Response(JSON.stringify(result), {
    status: 202,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
  })
})
