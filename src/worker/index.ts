/** @module Worker entry point (wrangler.toml `main`). */
import { app } from './app.ts'

export default app
