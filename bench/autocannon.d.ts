/** The part of autocannon's API (v8, untyped package) that bench/throughput.ts uses. */
declare module 'autocannon' {
  interface Histogram {
    average: number
    p50: number
    p99: number
    total: number
  }
  interface AutocannonOptions {
    url: string
    method?: string
    headers?: Record<string, string>
    body?: string
    connections?: number
    duration?: number
  }
  interface AutocannonResult {
    requests: Histogram
    latency: Histogram
    non2xx: number
    errors: number
  }
  function autocannon(opts: AutocannonOptions): Promise<AutocannonResult>
  export default autocannon
}
