// The metrics engine: counter vectors for every grid node, department, matter big class and source, per
// window, kept up to date from the ingest's committed changes. A change adds contribute(after) −
// contribute(before) (shared/counters) to every row the case belongs to, so a live update and a replay of
// the log count the same way. Typed arrays only; no per-grid objects.
import { C, COUNTER_COUNT, contribute, named, type Counters } from '../../shared/counters'
import { DEFAULT_INDICATOR_CONFIG, type IndicatorConfig } from '../../shared/indicators'
import type { Window } from '../../shared/protocol'
import type { CaseState } from '../../shared/workflow'
import type { CaseFacts } from '../cases/log'
import { DEFAULT_CLOCK, type DistrictClock } from '../../shared/clock'
import { CLOSED, HourTable, RECEIVED } from './hours'
import type { Layout } from './layout'
import { WindowTable } from './windows'
import type { Committed } from '../cases/types'

/** What a case's facts tell the metrics and the feed (the reporter's name only so the feed can mask it in the text). */
export type ChangeFacts = Pick<CaseFacts, 'grid' | 'special' | 'source' | 'matter' | 'description' | 'lon' | 'lat' | 'reporterName'>

/** One committed workflow step, as the ingest announces it. */
export type Change = Committed

/**
 * What the metrics and the feed need of a committed step: a Change is one, and so is a step a live process of
 * a scaled-out deployment reads from the log stream.
 */
export type LoggedChange = Pick<Committed, 'id' | 'event' | 'before' | 'after'> & { facts: ChangeFacts }

/** The rows a case belongs to (fixed at report time, except its department). */
export interface CaseKeys {
  grid: number
  special: number
  source: number
  bigClass: number
}

export interface MetricsOptions {
  now?: () => number
  indicators?: IndicatorConfig
  /** The district's clock: where days, months and hours begin (the calendar's, see calendarClock). */
  clock?: DistrictClock
}

export class MetricsEngine {
  readonly counters: WindowTable
  readonly cross: WindowTable
  readonly hours: HourTable
  readonly config: IndicatorConfig
  readonly clock: DistrictClock
  readonly now: () => number
  /** Log id of the last change folded in; older ids are ignored (a replayed tail may overlap live changes). */
  lastEventId = 0
  private readonly dirty: Uint8Array
  private dirtyList: number[] = []
  private rolled = true
  private readonly path: number[] = []
  private readonly va = new Int32Array(COUNTER_COUNT)
  private readonly vb = new Int32Array(COUNTER_COUNT)
  private readonly cols = new Int32Array(COUNTER_COUNT)

  constructor(
    readonly layout: Layout,
    opts: MetricsOptions = {},
  ) {
    this.now = opts.now ?? Date.now
    this.config = opts.indicators ?? DEFAULT_INDICATOR_CONFIG
    this.clock = opts.clock ?? DEFAULT_CLOCK
    this.counters = new WindowTable(layout.rows, COUNTER_COUNT, this.clock)
    this.cross = new WindowTable(layout.crossGrid.length, layout.crossWidth, this.clock)
    this.hours = new HourTable(layout.gridCount)
    this.dirty = new Uint8Array(layout.gridCount)
    this.setClock(this.now())
  }

  keysOf(facts: Pick<CaseFacts, 'grid' | 'special' | 'source' | 'matter'>): CaseKeys {
    const l = this.layout
    return {
      grid: l.gridIndex(facts.grid),
      special: l.gridIndex(facts.special),
      source: l.sourceOf(facts.source),
      bigClass: l.classOfMatter(facts.matter),
    }
  }

  /**
   * Fold committed changes in (in log order). A case's consecutive steps telescope: what they add up to is
   * its last state's contribution less its first one's, so they are folded as one change (an imported row's
   * history is eight steps). Steps are joined only where they chain exactly: each one's `before` is the very
   * object that was the previous one's `after`, as the ingest hands them over.
   */
  apply(changes: readonly LoggedChange[]): void {
    const n = changes.length
    for (let i = 0; i < n; ) {
      const first = changes[i]
      if (first.id <= this.lastEventId) {
        i++
        continue
      }
      let last = first
      let j = i + 1
      for (; j < n; j++) {
        const c = changes[j]
        if (c.event.caseId !== first.event.caseId || c.before !== last.after || c.id <= last.id) break
        last = c
      }
      this.applyCase(this.keysOf(first.facts), first.before, last.after)
      this.lastEventId = last.id
      i = j
    }
  }

  /** Replace a case's contribution: `before` out, `after` in. */
  applyCase(keys: CaseKeys, before: CaseState | null, after: CaseState): void {
    if (before !== null && !this.differs(before, after)) return
    if (before !== null) this.add(keys, before, -1, false)
    this.add(keys, after, 1, false)
  }

  private differs(before: CaseState, after: CaseState): boolean {
    if (before.department !== after.department || before.closedAt !== after.closedAt) return true
    this.va.fill(0)
    this.vb.fill(0)
    contribute(after, this.va)
    contribute(before, this.vb)
    for (let k = 0; k < COUNTER_COUNT; k++) if (this.va[k] !== this.vb[k]) return true
    return false
  }

  /**
   * Add a case's contribution with `sign` to every row it belongs to; with `leafOnly`, to its own grid row
   * only (a rebuild rolls the grid tree up once at the end instead).
   */
  add(keys: CaseKeys, s: CaseState, sign: number, leafOnly: boolean): void {
    const l = this.layout
    const v = this.va
    v.fill(0)
    contribute(s, v)
    // The counters this case counts in (a handful of the COUNTER_COUNT): only those are added below.
    const cols = this.cols
    let n = 0
    for (let k = 0; k < COUNTER_COUNT; k++) if (v[k] !== 0) cols[n++] = k
    const clock = this.clock
    const day = clock.dayOf(s.reportedAt)
    const t = this.counters
    const path = l.pathOf(keys.grid, this.path)
    if (leafOnly && path.length > 1) path.length = 1
    if (keys.special >= 0) path.push(keys.special)
    const received = clock.hourOf(s.reportedAt)
    const closed = s.closedAt === null ? 0 : clock.hourOf(s.closedAt)
    const dept = l.deptOf(s.department)
    let crossDone = false
    for (const g of path) {
      t.addVec(g, day, v, sign, cols, n)
      this.hours.add(g, RECEIVED, received, sign)
      if (s.closedAt !== null) this.hours.add(g, CLOSED, closed, sign)
      if (!this.dirty[g]) {
        this.dirty[g] = 1
        this.dirtyList.push(g)
      }
      if (l.level[g] === 5 || crossDone) continue
      // The nearest cross row on the path; a rebuild reaches the upper ones by rolling up.
      const anc = leafOnly ? this.crossAncestor(g) : g
      const cr = anc < 0 ? -1 : l.crossRow[anc]
      if (cr < 0) continue
      this.addCross(cr, day, keys, dept, v, sign)
      if (leafOnly) crossDone = true
    }
    if (keys.source >= 0) t.addVec(l.sourceBase + keys.source, day, v, sign, cols, n)
    if (keys.bigClass >= 0) t.addVec(l.classBase + keys.bigClass, day, v, sign, cols, n)
    if (dept >= 0) t.addVec(l.deptBase + dept, day, v, sign, cols, n)
  }

  private crossAncestor(g: number): number {
    const l = this.layout
    let i = g
    while (i >= 0 && l.crossRow[i] < 0) i = l.tree.parentIndex[i]
    return i
  }

  private addCross(row: number, day: number, keys: CaseKeys, dept: number, v: Int32Array, sign: number): void {
    const l = this.layout
    const x = this.cross
    const r = v[C.received] * sign
    if (keys.bigClass >= 0) x.addOne(row, keys.bigClass, day, r)
    if (keys.source >= 0) x.addOne(row, l.crossSourceBase + keys.source, day, r)
    if (dept >= 0) {
      x.addOne(row, l.crossDeptBase + 2 * dept, day, v[C.closedOnTime] * sign)
      x.addOne(row, l.crossDeptBase + 2 * dept + 1, day, v[C.dueClose] * sign)
    }
  }

  /** After a leaf-only load: sum every ordinary grid row into its ancestors. */
  rollUp(): void {
    const l = this.layout
    const order: number[] = []
    for (let i = l.gridCount - 1; i > 0; i--) if (l.level[i] !== 5) order.push(i)
    const parent = (r: number) => l.tree.parentIndex[r]
    this.counters.rollUp(order, parent)
    this.hours.rollUp(order, parent)
    const crossOrder: number[] = []
    for (let k = l.crossGrid.length - 1; k >= 0; k--) crossOrder.push(k)
    this.cross.rollUp(crossOrder, (k) => {
      const p = l.tree.parentIndex[l.crossGrid[k]]
      return p < 0 ? -1 : l.crossRow[p]
    })
    this.markAllDirty()
  }

  /** Move the windows to the clock's day and hour. True when a window rolled (every frame must be rebuilt). */
  setClock(now: number): boolean {
    const day = this.clock.dayOf(now)
    const d = this.counters.setDay(day)
    this.cross.setDay(day)
    const h = this.hours.setHour(this.clock.hourOf(now))
    if (d || h) this.markAllDirty()
    return d || h
  }

  markAllDirty(): void {
    this.rolled = true
  }

  /**
   * Grid rows changed since the last call (and whether everything must be treated as changed, after a
   * window rolled or a reload). Resets the tracking.
   */
  takeDirty(): { all: boolean; grids: number[] } {
    const grids = this.dirtyList
    for (const g of grids) this.dirty[g] = 0
    this.dirtyList = []
    const all = this.rolled
    this.rolled = false
    return { all, grids }
  }

  reset(): void {
    this.counters.clear()
    this.cross.clear()
    this.hours.clear()
    this.lastEventId = 0
    this.setClock(this.now())
  }

  // ---- reading ---------------------------------------------------------------------------------

  /** The counters vector of a row in a window (a view; copy before keeping it). */
  vector(row: number, w: Window): Int32Array {
    const o = row * COUNTER_COUNT
    return this.counters.window(w).subarray(o, o + COUNTER_COUNT)
  }

  countersOf(row: number, w: Window): Counters {
    return named(this.vector(row, w))
  }

  /** One counter of a row in a window, without building a record. */
  counter(row: number, w: Window, counter: number): number {
    return this.counters.window(w)[row * COUNTER_COUNT + counter]
  }
}
