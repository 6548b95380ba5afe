/**
 * @module An incremental `text/event-stream` reader (WHATWG HTML "Server-sent events",
 * §9.2.6 "Interpreting an event stream"), for ALTO/SSE (RFC 8895 §5: the `event` field is
 * `<media-type>[,<substream-id>]`, the `data` field the JSON). Chunks go in as bytes, complete
 * events come out; a line split across chunks (even a CR LF pair) is held until it is whole.
 */

export interface StreamEvent {
  /** The `event` field (`message` when absent). */
  event: string
  /** The `data` lines joined with LF. */
  data: string
}

export class EventStreamReader {
  readonly #decoder = new TextDecoder()
  #pending = ''
  #event = ''
  #data: string[] | null = null

  /** Feeds one chunk; returns the events it completes. */
  push(chunk: Uint8Array): StreamEvent[] {
    this.#pending += this.#decoder.decode(chunk, { stream: true })
    const out: StreamEvent[] = []
    for (;;) {
      const end = this.#pending.search(/[\r\n]/)
      if (end < 0) break
      const lf = this.#pending[end] === '\r' ? this.#pending[end + 1] : ''
      if (lf === undefined) break // a CR at the end of the chunk: the LF may follow
      const line = this.#pending.slice(0, end)
      this.#pending = this.#pending.slice(end + 1 + (lf === '\n' ? 1 : 0))
      const event = this.#line(line)
      if (event) out.push(event)
    }
    return out
  }

  #line(line: string): StreamEvent | null {
    if (line === '') {
      // "If the data buffer is an empty string, set the data buffer and the event type buffer to
      // the empty string and return" — no data field means no event.
      const event = this.#data && { event: this.#event || 'message', data: this.#data.join('\n') }
      this.#event = ''
      this.#data = null
      return event
    }
    if (line[0] === ':') return null // a comment (keep-alive)
    const colon = line.indexOf(':')
    const name = colon < 0 ? line : line.slice(0, colon)
    const value = colon < 0 ? '' : line.slice(line[colon + 1] === ' ' ? colon + 2 : colon + 1)
    if (name === 'event') this.#event = value
    else if (name === 'data') (this.#data ??= []).push(value)
    return null
  }
}
