/**
 * @module Per-request resource limits. RFC 7285 §15.5.2: "an ALTO server may be the target of
 * a denial-of-service attack ... an n×m query is cheap to send and costly to serve". Every limit
 * the Worker enforces is a constant here, so operators find them in one place.
 */

/** Largest request body read; a larger body is refused with 413 before it is parsed. */
export const MAX_BODY_BYTES = 1024 * 1024

/** Largest number of entries in one address or PID list (`endpoints`, `srcs`, `dsts`, `pids`). */
export const MAX_LIST_ENTRIES = 10_000

/** Largest number of requested properties in one endpoint property query. */
export const MAX_PROPERTIES = 64

/** Largest number of cost constraints in one request. */
export const MAX_CONSTRAINTS = 16

/**
 * Largest number of cost types in one request's `multi-cost-types` or `testable-cost-types`
 * (RFC 8189 §4.1.2). A resource's own `max-cost-types` (the number of cost types its network map
 * has) is the tighter bound and is checked against the IRD; this only bounds the parse.
 */
export const MAX_COST_TYPES = 64

/**
 * Largest number of (source, destination) address pairs one endpoint cost query may evaluate
 * (after duplicates are removed): the pairs are the client's own lists (up to
 * {@link MAX_LIST_ENTRIES} each, 10⁸ pairs), so this bounds the CPU a cheap request can cost —
 * 100,000 pairs render to about 5 MB. A filtered cost map has no pair limit: its pairs are the
 * map's own PIDs, never more than the full map the server serves by GET, and large answers are
 * streamed (routes/cost-map.ts).
 */
export const MAX_ENDPOINT_COST_PAIRS = 100_000

/**
 * Deepest nesting of JSON arrays/objects in a request body. ALTO requests nest three levels
 * (`{"pids": {"srcs": [...]}}`); unknown members (ignored, §8.3.7) may add a few. RFC 8259 §9:
 * "An implementation may set limits on the maximum depth of nesting." Deeper is `E_SYNTAX`.
 */
export const MAX_JSON_DEPTH = 32
