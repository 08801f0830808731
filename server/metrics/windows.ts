// A table of counter vectors (rows × width Int32) kept per time window, keyed by the day a case was reported.
//
// `all` holds everything. A ring of daily slots holds the last RING_DAYS days (plus one day ahead for clock
// skew), so today / 7 days / this month are maintained incrementally and recomputed from the ring when the
// district's day rolls over at midnight. A slot knows the day it holds; a stale slot is cleared on reuse.
import type { Window } from '../../shared/protocol'
import type { DistrictClock } from '../../shared/clock'

/** Past days the ring keeps: a month is at most 31 days, today included. */
export const PAST_DAYS = 31
/** Slots in the ring: the past days plus one day ahead. */
export const RING_DAYS = PAST_DAYS + 1
const EMPTY = -0x7fffffff

export class WindowTable {
  readonly size: number
  readonly all: Int32Array
  readonly ring: Int32Array
  /** The day each ring slot holds (EMPTY when none). */
  readonly ringDay: Int32Array
  readonly today: Int32Array
  readonly week: Int32Array
  readonly month: Int32Array
  day = EMPTY
  private weekStart = EMPTY
  private monthStart = EMPTY

  constructor(
    readonly rows: number,
    readonly width: number,
    private readonly clock: DistrictClock,
  ) {
    this.size = rows * width
    this.all = new Int32Array(this.size)
    this.ring = new Int32Array(this.size * RING_DAYS)
    this.ringDay = new Int32Array(RING_DAYS).fill(EMPTY)
    this.today = new Int32Array(this.size)
    this.week = new Int32Array(this.size)
    this.month = new Int32Array(this.size)
  }

  window(w: Window): Int32Array {
    return w === 'today' ? this.today : w === '7d' ? this.week : w === 'month' ? this.month : this.all
  }

  /** The ring slot holding `day`, claiming (and clearing) it if needed; -1 when the day is outside the ring. */
  private slot(day: number): number {
    if (day < this.day - (PAST_DAYS - 1) || day > this.day + (RING_DAYS - PAST_DAYS)) return -1
    const s = ((day % RING_DAYS) + RING_DAYS) % RING_DAYS
    if (this.ringDay[s] !== day) {
      this.ring.fill(0, s * this.size, (s + 1) * this.size)
      this.ringDay[s] = day
    }
    return s
  }

  /**
   * Add `sign × vec[k]` to `row` for the columns k in `cols[0..n)`, for a case reported on `day`. The caller
   * lists only the columns where `vec` is not 0: a case counts in a few of its counters, not all of them.
   */
  addVec(row: number, day: number, vec: ArrayLike<number>, sign: number, cols: ArrayLike<number>, n: number): void {
    const w = this.width
    const o = row * w
    this.addAt(this.all, o, vec, sign, cols, n)
    const s = this.slot(day)
    if (s < 0) return
    this.addAt(this.ring, s * this.size + o, vec, sign, cols, n)
    if (day > this.day) return
    if (day === this.day) this.addAt(this.today, o, vec, sign, cols, n)
    if (day >= this.weekStart) this.addAt(this.week, o, vec, sign, cols, n)
    if (day >= this.monthStart) this.addAt(this.month, o, vec, sign, cols, n)
  }

  /** Add `v` to one column of `row`, for a case reported on `day`. */
  addOne(row: number, col: number, day: number, v: number): void {
    const i = row * this.width + col
    this.all[i] += v
    const s = this.slot(day)
    if (s < 0) return
    this.ring[s * this.size + i] += v
    if (day > this.day) return
    if (day === this.day) this.today[i] += v
    if (day >= this.weekStart) this.week[i] += v
    if (day >= this.monthStart) this.month[i] += v
  }

  private addAt(a: Int32Array, o: number, vec: ArrayLike<number>, sign: number, cols: ArrayLike<number>, n: number): void {
    for (let i = 0; i < n; i++) {
      const k = cols[i]
      a[o + k] += sign * vec[k]
    }
  }

  /** Move the clock to `day`: drop slots that left the ring and recompute the windows. Returns true if it moved. */
  setDay(day: number): boolean {
    if (day === this.day) return false
    this.day = day
    this.weekStart = day - 6
    this.monthStart = this.clock.monthStartDay(day)
    for (let s = 0; s < RING_DAYS; s++) {
      const d = this.ringDay[s]
      if (d !== EMPTY && (d < day - (PAST_DAYS - 1) || d > day + (RING_DAYS - PAST_DAYS))) {
        this.ring.fill(0, s * this.size, (s + 1) * this.size)
        this.ringDay[s] = EMPTY
      }
    }
    this.recomputeWindows()
    return true
  }

  private recomputeWindows(): void {
    this.today.fill(0)
    this.week.fill(0)
    this.month.fill(0)
    for (let s = 0; s < RING_DAYS; s++) {
      const d = this.ringDay[s]
      if (d === EMPTY || d > this.day) continue
      const slot = this.ring.subarray(s * this.size, (s + 1) * this.size)
      if (d === this.day) add(this.today, slot)
      if (d >= this.weekStart) add(this.week, slot)
      if (d >= this.monthStart) add(this.month, slot)
    }
  }

  /** Sum rows into their parents (rebuild: contributions were added at leaves only). `parent[r]` < 0 = root. */
  rollUp(order: ArrayLike<number>, parent: (row: number) => number): void {
    const arrays = [this.all, this.today, this.week, this.month]
    for (let s = 0; s < RING_DAYS; s++) if (this.ringDay[s] !== EMPTY) arrays.push(this.ring.subarray(s * this.size, (s + 1) * this.size))
    const w = this.width
    for (let k = 0; k < order.length; k++) {
      const r = order[k]
      const p = parent(r)
      if (p < 0) continue
      for (const a of arrays) for (let c = 0; c < w; c++) a[p * w + c] += a[r * w + c]
    }
  }

  clear(): void {
    for (const a of [this.all, this.ring, this.today, this.week, this.month]) a.fill(0)
    this.ringDay.fill(EMPTY)
    this.day = EMPTY
  }

  /** The arrays that define the state (windows are derived from the ring). */
  parts(): Int32Array[] {
    return [this.all, this.ring, this.ringDay]
  }

  /** Restore from parts, then roll the windows to `today` (slots that left the ring are dropped). */
  restore(parts: Int32Array[], today: number): void {
    this.all.set(parts[0])
    this.ring.set(parts[1])
    this.ringDay.set(parts[2])
    this.day = EMPTY
    this.setDay(today)
  }
}

function add(into: Int32Array, from: Int32Array): void {
  for (let i = 0; i < into.length; i++) into[i] += from[i]
}
