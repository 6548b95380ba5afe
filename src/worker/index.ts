import { Hono } from 'hono'

type Env = { ALTO_KV: KVNamespace }
const app = new Hono<{ Bindings: Env }>()
app.get('/health', (c) => c.text('ok'))
export default app
