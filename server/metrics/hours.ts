// Hourly counts per grid node over the last TREND_HOURS hours, for the trend panel and spike alerts:
// column 0 = cases received (by report hour), column 1 = cases closed (by close hour). A ring of hour
// slots, each knowing the hour it holds, with a little room ahead for clock skew.
export const TREND_HOURS = 48
const AHEAD_HOURS = 16
export const RING_HOURS = TREND_HOURS + AHEAD_HOURS
export const RECEIVED = 0
export const CLOSED = 1
const WIDTH = 2
const EMPTY = -0x7fffffff

export class HourTable {
  readonly size: number
  readonly ring: Int32Array
  readonly ringHour: Int32Array
  hour = EMPTY

  constructor(readonly rows: number) {
    this.size = rows * WIDTH
    this.ring = new Int32Array(this.size * RING_HOURS)
    this.ringHour = new Int32Array(RING_HOURS).fill(EMPTY)
  }

  private slot(hour: number): number {
    if (hour <= this.hour - TREND_HOURS || hour > this.hour + AHEAD_HOURS) return -1
    const s = ((hour % RING_HOURS) + RING_HOURS) % RING_HOURS
    if (this.ringHour[s] !== hour) {
      this.ring.fill(0, s * this.size, (s + 1) * this.size)
      this.ringHour[s] = hour
    }
    return s
  }

  add(row: number, col: number, hour: number, v: number): void {
    const s = this.slot(hour)
    if (s >= 0) this.ring[s * this.size + row * WIDTH + col] += v
  }

  /** Count in one hour (0 outside the ring). */
  get(row: number, col: number, hour: number): number {
    const s = ((hour % RING_HOURS) + RING_HOURS) % RING_HOURS
    return this.ringHour[s] === hour ? this.ring[s * this.size + row * WIDTH + col] : 0
  }

  /** The trend of one row: TREND_HOURS values ending with the current hour. */
  series(row: number, col: number): number[] {
    const out = new Array<number>(TREND_HOURS)
    for (let k = 0; k < TREND_HOURS; k++) out[k] = this.get(row, col, this.hour - TREND_HOURS + 1 + k)
    return out
  }

  setHour(hour: number): boolean {
    if (hour === this.hour) return false
    this.hour = hour
    for (let s = 0; s < RING_HOURS; s++) {
      const h = this.ringHour[s]
      if (h !== EMPTY && (h <= hour - TREND_HOURS || h > hour + AHEAD_HOURS)) {
        this.ring.fill(0, s * this.size, (s + 1) * this.size)
        this.ringHour[s] = EMPTY
      }
    }
    return true
  }

  rollUp(order: ArrayLike<number>, parent: (row: number) => number): void {
    for (let s = 0; s < RING_HOURS; s++) {
      if (this.ringHour[s] === EMPTY) continue
      const o = s * this.size
      for (let k = 0; k < order.length; k++) {
        const r = order[k]
        const p = parent(r)
        if (p < 0) continue
        this.ring[o + p * WIDTH] += this.ring[o + r * WIDTH]
        this.ring[o + p * WIDTH + 1] += this.ring[o + r * WIDTH + 1]
      }
    }
  }

  clear(): void {
    this.ring.fill(0)
    this.ringHour.fill(EMPTY)
    this.hour = EMPTY
  }

  parts(): Int32Array[] {
    return [this.ring, this.ringHour]
  }

  restore(parts: Int32Array[], hour: number): void {
    this.ring.set(parts[0])
    this.ringHour.set(parts[1])
    this.hour = EMPTY
    this.setHour(hour)
  }
}
