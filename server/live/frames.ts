// Frames: per window, the map values of every grid (recomputed only for grids whose counters changed); per
// scope view (a Socket.IO room: scope × window), what changed in its scope since its last frame, so its next
// delta holds exactly that, however many updates it spans. A view's snapshot is exactly the state at its seq,
// so a delta never needs a past snapshot.
import { GRID_METRICS, encodeGridRuns, encodeGridValues, type AlertItem, type Delta, type GridMetric, type Panels, type Snapshot, type TickerItem, type Window } from '../../shared/protocol'
import { encodeSnapshot } from '../../shared/wire'
import type { MetricsEngine } from '../metrics/engine'
import type { Routed } from './feed'
import { isDeepStrictEqual } from 'node:util'
import { PanelParts, crossNodeOf, gridMetrics, sameShown } from './panels'

/** Ticker and alert items a snapshot carries (the newest). */
export const RECENT_ITEMS = 30
/** Above this many grids a frame packs them as runs (whole subtrees); below, as sparse indices. */
const RUNS_FROM = 48
const M = GRID_METRICS.length

export interface Dirty {
  all: boolean
  grids: number[]
}

/** The map values of all grids in one window: metric-major Int32Arrays, full length. */
export class WindowGrids {
  readonly values: Record<GridMetric, Int32Array>
  /** The same arrays in GRID_METRICS order: compute() reads them by index, not by a name per metric and grid. */
  private readonly columns: Int32Array[]
  /** Grids whose values changed in the last update, ascending. */
  changed: number[] = []
  private readonly scratch = new Int32Array(M)

  constructor(
    private readonly engine: MetricsEngine,
    readonly window: Window,
  ) {
    const n = engine.layout.gridCount
    this.values = Object.fromEntries(GRID_METRICS.map((m) => [m, new Int32Array(n)])) as Record<GridMetric, Int32Array>
    this.columns = GRID_METRICS.map((m) => this.values[m])
    for (let g = 0; g < n; g++) this.compute(g)
  }

  private compute(g: number): boolean {
    gridMetrics(this.engine, g, this.window, this.scratch)
    let changed = false
    for (let k = 0; k < M; k++) {
      const a = this.columns[k]
      if (a[g] !== this.scratch[k]) {
        a[g] = this.scratch[k]
        changed = true
      }
    }
    return changed
  }

  update(dirty: Dirty): void {
    const changed: number[] = []
    if (dirty.all) {
      for (let g = 0; g < this.engine.layout.gridCount; g++) if (this.compute(g)) changed.push(g)
    } else {
      for (const g of dirty.grids) if (this.compute(g)) changed.push(g)
      changed.sort((a, b) => a - b)
    }
    this.changed = changed
  }

  encode(indices: ArrayLike<number>) {
    const rows = {} as Record<GridMetric, Int32Array>
    for (const m of GRID_METRICS) {
      const a = this.values[m]
      rows[m] = Int32Array.from(indices as ArrayLike<number>, (g) => a[g])
    }
    return indices.length >= RUNS_FROM ? encodeGridRuns(indices, rows) : encodeGridValues(indices, rows)
  }
}

type PanelKey = keyof Panels

export class ScopeView {
  seq = 0
  /** When the last frame (delta or heartbeat) went out. */
  lastSentAt = 0
  /** The hub's round that sent the last frame. */
  lastRound = 0
  readonly scopeCode: string
  /** inScope[g] = 1 when grid g is in the view's subtree. */
  private readonly inScope: Uint8Array
  private readonly members: Int32Array
  private readonly specials: Int32Array
  private readonly crossNode: number
  /** The panels last sent (what the room's screens hold), and the builder of the current ones. */
  private panels: Panels
  private readonly parts: PanelParts
  private ticker: TickerItem[] = []
  private alerts: AlertItem[] = []
  private snapshotCache: { seq: number; bytes: Uint8Array } | null = null
  /** Noted since the last frame: grids in scope whose values changed (and a mark per grid), panels, items. */
  private pendingGrids: number[] = []
  private readonly pendingMark: Uint8Array
  private pendingPanels = false
  private pendingTicker: TickerItem[] = []
  private pendingAlerts: AlertItem[] = []
  /** When the oldest change waiting for the next frame was noted (Infinity: none waits). */
  pendingSince = Infinity

  constructor(
    private readonly engine: MetricsEngine,
    readonly grids: WindowGrids,
    readonly row: number,
    readonly key: string,
    recent: { ticker: readonly Routed<TickerItem>[]; alerts: readonly Routed<AlertItem>[] } = { ticker: [], alerts: [] },
  ) {
    const l = engine.layout
    this.scopeCode = l.tree.grids[row].code
    this.inScope = new Uint8Array(l.gridCount)
    this.pendingMark = new Uint8Array(l.gridCount)
    const stack = [row]
    while (stack.length) {
      const g = stack.pop()!
      this.inScope[g] = 1
      if (!l.isSpecial(row)) for (const c of l.tree.children[g]) stack.push(c)
    }
    const members: number[] = []
    const specials: number[] = []
    for (let g = 0; g < l.gridCount; g++)
      if (this.inScope[g]) {
        members.push(g)
        if (l.isSpecial(g)) specials.push(g)
      }
    this.members = Int32Array.from(members)
    this.specials = Int32Array.from(specials)
    this.crossNode = crossNodeOf(engine, row)
    this.parts = new PanelParts(engine, row, this.window, this.specials)
    this.panels = this.parts.build()
    this.ticker = recent.ticker.filter((r) => this.covers(r)).slice(-RECENT_ITEMS).map((r) => r.item)
    this.alerts = recent.alerts.filter((r) => this.covers(r)).slice(-RECENT_ITEMS).map((r) => r.item)
  }

  get window(): Window {
    return this.grids.window
  }

  private covers(r: Routed<unknown>): boolean {
    return (r.grid >= 0 && this.inScope[r.grid] === 1) || (r.special >= 0 && r.special === this.row)
  }

  /**
   * Note what one update of the window grids changed in this view's scope (`grids.update` must have run):
   * it waits here until the view's next frame, so a view whose frame rate is capped loses nothing.
   */
  note(dirty: Dirty, items: { ticker: Routed<TickerItem>[]; alerts: Routed<AlertItem>[] }, now = 0): void {
    for (const g of this.grids.changed)
      if (this.inScope[g] === 1 && this.pendingMark[g] === 0) {
        this.pendingMark[g] = 1
        this.pendingGrids.push(g)
      }
    if (!this.pendingPanels && (dirty.all || dirty.grids.some((g) => g === this.row || g === this.crossNode || (this.inScope[g] === 1 && this.engine.layout.isSpecial(g)))))
      this.pendingPanels = true
    for (const r of items.ticker) if (this.covers(r)) this.pendingTicker.push(r.item)
    for (const r of items.alerts) if (this.covers(r)) this.pendingAlerts.push(r.item)
    // A burst keeps only what a frame would carry anyway.
    if (this.pendingTicker.length > 2 * RECENT_ITEMS) this.pendingTicker.splice(0, this.pendingTicker.length - RECENT_ITEMS)
    if (this.pendingAlerts.length > 2 * RECENT_ITEMS) this.pendingAlerts.splice(0, this.pendingAlerts.length - RECENT_ITEMS)
    if (this.pendingSince === Infinity && this.pending) this.pendingSince = now
  }

  /** Has anything been noted since the last frame? (Panels may still turn out unchanged.) */
  get pending(): boolean {
    return this.pendingGrids.length > 0 || this.pendingPanels || this.pendingTicker.length > 0 || this.pendingAlerts.length > 0
  }

  /** Is a new case or an alert among what was noted? That is news; counts alone can ride along later. */
  get news(): boolean {
    return this.pendingTicker.length > 0 || this.pendingAlerts.length > 0
  }

  /**
   * The delta of everything noted since the last frame (seq advanced), or null when nothing a screen shows
   * changed: KPI counters no screen shows (shared/protocol SHOWN_*) then stay unsent, with the panels they were
   * last sent in (a snapshot at this seq stays what the room's screens hold), and go out with the next frame.
   */
  take(now: number): Delta | null {
    this.pendingSince = Infinity
    let panels: { fresh: Panels; diff: Partial<Panels> } | null = null
    let shows = this.pendingGrids.length > 0 || this.pendingTicker.length > 0 || this.pendingAlerts.length > 0
    if (this.pendingPanels) {
      this.pendingPanels = false
      const fresh = this.parts.build()
      const diff: Partial<Panels> = {}
      for (const k of PANEL_KEYS)
        if (fresh[k] !== this.panels[k] && !isDeepStrictEqual(fresh[k], this.panels[k])) {
          ;(diff as Record<string, unknown>)[k] = fresh[k]
          // KPI counters no screen shows make no frame by themselves.
          if (k !== 'kpis' || !sameShown(fresh.kpis, this.panels.kpis, this.engine.config)) shows = true
        }
      panels = { fresh, diff }
    }
    if (!shows) return null
    const d: Delta = { seq: this.seq + 1, base: this.seq, at: now }
    if (this.pendingGrids.length) {
      const changed = this.pendingGrids.sort((a, b) => a - b)
      for (const g of changed) this.pendingMark[g] = 0
      this.pendingGrids = []
      d.grids = this.grids.encode(changed)
    }
    if (panels) {
      this.panels = panels.fresh
      if (Object.keys(panels.diff).length) d.panels = panels.diff
    }
    if (this.pendingTicker.length) {
      d.ticker = this.pendingTicker.slice(-RECENT_ITEMS)
      this.ticker = [...this.ticker, ...d.ticker].slice(-RECENT_ITEMS)
      this.pendingTicker = []
    }
    if (this.pendingAlerts.length) {
      d.alerts = this.pendingAlerts.slice(-RECENT_ITEMS)
      this.alerts = [...this.alerts, ...d.alerts].slice(-RECENT_ITEMS)
      this.pendingAlerts = []
    }
    this.seq++
    return d
  }

  /** note + take: one update folded in and framed at once. */
  advance(dirty: Dirty, items: { ticker: Routed<TickerItem>[]; alerts: Routed<AlertItem>[] }, now: number): Delta | null {
    this.note(dirty, items, now)
    return this.take(now)
  }

  /** A frame that only says "still here, still at seq": keeps screens from going stale on a quiet night. */
  heartbeat(now: number): Delta {
    return { seq: this.seq, base: this.seq, at: now }
  }

  snapshot(now: number): Snapshot {
    return {
      seq: this.seq, scope: this.scopeCode, window: this.window, at: now, gridCount: this.engine.layout.gridCount,
      panels: this.panels, grids: this.grids.encode(this.members), alerts: this.alerts, ticker: this.ticker,
    }
  }

  /** The encoded snapshot at the current seq, built once per seq however many screens ask. */
  snapshotBytes(now: number): Uint8Array {
    if (this.snapshotCache?.seq !== this.seq) this.snapshotCache = { seq: this.seq, bytes: encodeSnapshot(this.snapshot(now)) }
    return this.snapshotCache.bytes
  }
}

const PANEL_KEYS: readonly PanelKey[] = ['kpis', 'trend', 'categories', 'sources', 'ladder', 'departments', 'specials', 'crossScope']
