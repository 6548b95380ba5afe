/**
 * @module RFC 6902 JSON Patch (`application/json-patch+json`) with RFC 6901 JSON Pointers.
 * Pure: no Node or Workers imports.
 *
 * Used where merge patch cannot speak (RFC 8895 §3 / RFC 9569 "Capabilities": "when null and
 * undefined have different semantics for the resource ... the server MUST choose JSON patch over
 * JSON merge patch if JSON patch is indicated as a capability"): JSON Patch tells `replace` with
 * null apart from `remove`, and can edit arrays element-wise (e.g. move one prefix between PIDs of
 * a network map, RFC 8895 §9.1).
 *
 * `createJsonPatch` emits add / remove / replace only; `applyJsonPatch` implements all six
 * operations (add, remove, replace, move, copy, test) of RFC 6902 §4.
 */

import { cloneJson, hasOwn, isJsonObject, jsonEqual, setOwn } from './json.ts'

export type JsonPatchOperation =
  | { op: 'add'; path: string; value: unknown }
  | { op: 'remove'; path: string }
  | { op: 'replace'; path: string; value: unknown }
  | { op: 'move'; from: string; path: string }
  | { op: 'copy'; from: string; path: string }
  | { op: 'test'; path: string; value: unknown }

export class JsonPatchError extends Error {
  /** Index of the failing operation in the patch document, -1 for pointer syntax errors. */
  readonly operationIndex: number
  constructor(message: string, operationIndex = -1) {
    super(message)
    this.name = 'JsonPatchError'
    this.operationIndex = operationIndex
  }
}

// ---------------------------------------------------------------------------------------------
// RFC 6901 JSON Pointer

/**
 * RFC 6901 §4: "first transforming any occurrence of the sequence '~1' to '/', and then
 * transforming any occurrence of the sequence '~0' to '~'" (so `~01` is `~1`, not `/`).
 */
export function parseJsonPointer(pointer: string): string[] {
  if (pointer === '') return []
  if (!pointer.startsWith('/'))
    throw new JsonPatchError(`JSON pointer must start with "/": ${pointer}`)
  return pointer
    .slice(1)
    .split('/')
    .map((token) => {
      if (/~[^01]|~$/.test(token))
        throw new JsonPatchError(`bad escape in JSON pointer: ${pointer}`)
      return token.replace(/~1/g, '/').replace(/~0/g, '~')
    })
}

/** RFC 6901 §3: `~` is written `~0` and `/` is written `~1` (escape `~` first). */
export function formatJsonPointer(tokens: readonly string[]): string {
  return tokens.map((t) => `/${t.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('')
}

// ---------------------------------------------------------------------------------------------
// Create

/**
 * A JSON Patch that turns `from` into `to` (`applyJsonPatch(from, patch)` equals `to`).
 * Objects are diffed member-wise (null is a value like any other: `replace` with null differs from
 * `remove`). Arrays: the common prefix and suffix are kept; an equal-length middle is diffed
 * element-wise, otherwise the old middle is removed and the new one added (so moving one prefix of
 * a network map costs one `remove` in one PID's array and one `add` in the other's).
 */
export function createJsonPatch(from: unknown, to: unknown): JsonPatchOperation[] {
  const ops: JsonPatchOperation[] = []
  diffValue(from, to, [], ops)
  return ops
}

function diffValue(from: unknown, to: unknown, path: string[], ops: JsonPatchOperation[]): void {
  if (from === to) return
  if (isJsonObject(from) && isJsonObject(to)) {
    diffObject(from, to, path, ops)
  } else if (Array.isArray(from) && Array.isArray(to)) {
    diffArray(from, to, path, ops)
  } else if (!jsonEqual(from, to)) {
    ops.push({ op: 'replace', path: formatJsonPointer(path), value: to })
  }
}

function diffObject(
  from: Record<string, unknown>,
  to: Record<string, unknown>,
  path: string[],
  ops: JsonPatchOperation[]
): void {
  for (const key in from) {
    if (hasOwn(from, key) && !hasOwn(to, key))
      ops.push({ op: 'remove', path: formatJsonPointer([...path, key]) })
  }
  for (const key in to) {
    if (!hasOwn(to, key)) continue
    if (!hasOwn(from, key)) {
      ops.push({ op: 'add', path: formatJsonPointer([...path, key]), value: to[key] })
    } else {
      path.push(key)
      diffValue(from[key], to[key], path, ops)
      path.pop()
    }
  }
}

function diffArray(
  from: unknown[],
  to: unknown[],
  path: string[],
  ops: JsonPatchOperation[]
): void {
  let head = 0
  const maxHead = Math.min(from.length, to.length)
  while (head < maxHead && jsonEqual(from[head], to[head])) head++
  let tail = 0
  while (
    tail < maxHead - head &&
    jsonEqual(from[from.length - 1 - tail], to[to.length - 1 - tail])
  ) {
    tail++
  }
  const fromMid = from.length - head - tail
  const toMid = to.length - head - tail
  if (fromMid === toMid) {
    for (let k = 0; k < fromMid; k++) {
      path.push(String(head + k))
      diffValue(from[head + k], to[head + k], path, ops)
      path.pop()
    }
    return
  }
  // Removing at index `head` repeatedly shifts the next old element into place.
  for (let k = 0; k < fromMid; k++)
    ops.push({ op: 'remove', path: formatJsonPointer([...path, String(head)]) })
  for (let k = 0; k < toMid; k++) {
    ops.push({
      op: 'add',
      path: formatJsonPointer([...path, String(head + k)]),
      value: to[head + k],
    })
  }
}

// ---------------------------------------------------------------------------------------------
// Apply

/**
 * RFC 6902 §3: "Evaluation of a JSON Patch document begins against a target JSON document.
 * Operations are applied sequentially in the order they appear in the array." and §5: if an
 * operation fails, "processing of the entire patch document SHALL terminate" — here: throw
 * `JsonPatchError`, leaving `target` untouched (the patch is applied to a copy).
 */
export function applyJsonPatch(target: unknown, patch: readonly JsonPatchOperation[]): unknown {
  if (!Array.isArray(patch))
    throw new JsonPatchError('a JSON patch document is an array of operations')
  let doc = cloneJson(target)
  patch.forEach((operation, index) => {
    try {
      doc = applyOperation(doc, operation)
    } catch (err) {
      if (err instanceof JsonPatchError)
        throw new JsonPatchError(`operation ${index}: ${err.message}`, index)
      throw err
    }
  })
  return doc
}

function applyOperation(doc: unknown, operation: JsonPatchOperation): unknown {
  if (!isJsonObject(operation) || typeof operation.path !== 'string') {
    throw new JsonPatchError('operation must be an object with a string "path"')
  }
  const path = parseJsonPointer(operation.path)
  switch (operation.op) {
    case 'add':
      requireMember(operation, 'value')
      return addValue(doc, path, cloneJson(operation.value))
    case 'remove':
      return removeValue(doc, path).doc
    case 'replace': {
      requireMember(operation, 'value')
      // §4.3: "functionally identical to a 'remove' operation for a value, followed immediately
      // by an 'add' operation at the same location"; the target location MUST exist.
      const removed = removeValue(doc, path).doc
      return addValue(removed, path, cloneJson(operation.value))
    }
    case 'move': {
      const from = parseJsonPointer(requireString(operation, 'from'))
      // §4.4: "The 'from' location MUST NOT be a proper prefix of the 'path' location".
      if (from.length < path.length && from.every((t, i) => t === path[i])) {
        throw new JsonPatchError('move: "from" is a proper prefix of "path"')
      }
      const { doc: without, value } = removeValue(doc, from)
      return addValue(without, path, value)
    }
    case 'copy': {
      const from = parseJsonPointer(requireString(operation, 'from'))
      return addValue(doc, path, cloneJson(getValue(doc, from)))
    }
    case 'test':
      requireMember(operation, 'value')
      if (!jsonEqual(getValue(doc, path), operation.value))
        throw new JsonPatchError(`test failed at ${operation.path}`)
      return doc
    default:
      throw new JsonPatchError(`unknown op ${JSON.stringify((operation as { op: unknown }).op)}`)
  }
}

function requireMember(operation: object, member: string): void {
  if (!hasOwn(operation, member)) throw new JsonPatchError(`missing "${member}"`)
}

function requireString(operation: object, member: string): string {
  const value = (operation as Record<string, unknown>)[member]
  if (typeof value !== 'string') throw new JsonPatchError(`"${member}" must be a string`)
  return value
}

/** RFC 6901 §4 array index: "0" or digits without a leading zero. */
function arrayIndex(token: string, length: number, allowEnd: boolean): number {
  if (allowEnd && token === '-') return length
  if (!/^(0|[1-9][0-9]*)$/.test(token)) throw new JsonPatchError(`bad array index "${token}"`)
  const index = Number(token)
  if (index > length || (!allowEnd && index === length))
    throw new JsonPatchError(`array index ${index} out of bounds`)
  return index
}

function getValue(doc: unknown, path: readonly string[]): unknown {
  let node = doc
  for (const token of path) {
    if (Array.isArray(node)) node = node[arrayIndex(token, node.length, false)]
    else if (isJsonObject(node) && hasOwn(node, token)) node = node[token]
    else throw new JsonPatchError(`path ${formatJsonPointer(path)} does not exist`)
  }
  return node
}

function addValue(doc: unknown, path: readonly string[], value: unknown): unknown {
  if (path.length === 0) return value // §4.1: the root is replaced
  const parent = getValue(doc, path.slice(0, -1))
  const last = path[path.length - 1]
  if (Array.isArray(parent)) {
    parent.splice(arrayIndex(last, parent.length, true), 0, value)
  } else if (isJsonObject(parent)) {
    setOwn(parent, last, value)
  } else {
    throw new JsonPatchError(`parent of ${formatJsonPointer(path)} is not a container`)
  }
  return doc
}

function removeValue(doc: unknown, path: readonly string[]): { doc: unknown; value: unknown } {
  if (path.length === 0) return { doc: undefined, value: doc }
  const parent = getValue(doc, path.slice(0, -1))
  const last = path[path.length - 1]
  if (Array.isArray(parent)) {
    const [value] = parent.splice(arrayIndex(last, parent.length, false), 1)
    return { doc, value }
  }
  if (isJsonObject(parent) && hasOwn(parent, last)) {
    const value = parent[last]
    delete parent[last]
    return { doc, value }
  }
  throw new JsonPatchError(`path ${formatJsonPointer(path)} does not exist`)
}
