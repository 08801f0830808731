// Latency histogram with 1 ms buckets up to 60 s: percentiles over millions of samples in fixed memory.
const BUCKETS = 60_001

export interface LatencySummary {
  count: number
  p50: number
  p99: number
  max: number
  mean: number
}

export class Histogram {
  private counts = new Uint32Array(BUCKETS)
  private n = 0
  private sum = 0
  private max = 0

  add(ms: number): void {
    const v = Math.max(0, ms)
    this.counts[Math.min(BUCKETS - 1, Math.round(v))]++
    this.n++
    this.sum += v
    if (v > this.max) this.max = v
  }

  percentile(p: number): number {
    if (this.n === 0) return NaN
    const target = Math.ceil((p / 100) * this.n)
    let seen = 0
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]
      if (seen >= target) return i
    }
    return BUCKETS - 1
  }

  summary(): LatencySummary {
    return { count: this.n, p50: this.percentile(50), p99: this.percentile(99), max: this.max, mean: this.n ? this.sum / this.n : NaN }
  }

  reset(): void {
    this.counts.fill(0)
    this.n = this.sum = this.max = 0
  }
}
