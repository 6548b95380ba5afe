#!/usr/bin/env node
// `npx alto-edge …`: runs src/cli/main.ts (Node >= 22.12 strips the TypeScript types).
import { run } from '../src/cli/main.ts'
run(process.argv.slice(2))
