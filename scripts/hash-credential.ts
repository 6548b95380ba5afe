/**
 * Prints the hashed credentials of one ALTO client for the `ALTO_CLIENTS` secret
 * (docs/security.md). Nothing is stored; the clear password/token never leaves this process.
 *
 *   node scripts/hash-credential.ts digest <client-name> [realm]   (password read from stdin)
 *   node scripts/hash-credential.ts token                          (prints a new random token)
 *   node scripts/hash-credential.ts token-hash                     (token read from stdin)
 *
 * Digest: HA1 = H(name ":" realm ":" password) for SHA-256 and MD5 (RFC 7616 §3.4.2); the realm
 * must equal the Worker's `ALTO_REALM` (default `alto-edge`). Bearer: SHA-256 of the token.
 */
import { createHash, randomBytes } from 'node:crypto'

const DEFAULT_REALM = 'alto-edge'

async function readSecret(prompt: string): Promise<string> {
  process.stderr.write(prompt)
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '')
}

const hash = (algorithm: 'sha256' | 'md5', text: string) =>
  createHash(algorithm).update(text, 'utf8').digest('hex')

function usage(): never {
  process.stderr.write(
    'usage: hash-credential.ts digest <client-name> [realm] | token | token-hash\n'
  )
  process.exit(2)
}

const [command, name, realm = DEFAULT_REALM] = process.argv.slice(2)
if (command === 'digest') {
  if (!name || /[:"\\\s]/.test(name)) usage()
  const password = await readSecret(`password for ${name} (realm ${realm}), then end of input: `)
  if (password.length < 12) {
    process.stderr.write('refusing a password shorter than 12 characters\n')
    process.exit(1)
  }
  const ha1 = [
    hash('sha256', `${name}:${realm}:${password}`),
    hash('md5', `${name}:${realm}:${password}`),
  ]
  process.stdout.write(`${JSON.stringify({ name, 'digest-ha1': ha1 })}\n`)
} else if (command === 'token') {
  const token = randomBytes(32).toString('base64url')
  process.stderr.write('give the token to the client; store only the hash:\n')
  process.stdout.write(`${JSON.stringify({ token, 'token-sha256': hash('sha256', token) })}\n`)
} else if (command === 'token-hash') {
  const token = await readSecret('token, then end of input: ')
  process.stdout.write(`${JSON.stringify({ 'token-sha256': hash('sha256', token) })}\n`)
} else usage()
