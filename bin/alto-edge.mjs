#!/usr/bin/env node
// `npx alto-edge …`: runs src/cli/main.ts (Node >= 22.12 strips the TypeScript types).
import { main } from '../src/cli/main.ts'
main(process.argv.slice(2)).then((code) => process.exit(code))
