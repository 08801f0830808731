// One replay: a private metrics engine whose clock is a moment in the past, fed the log from there on
// through the same path as live (LogFolder → engine → Feed → WindowGrids/ScopeView → encoded frames). Only
// the clock differs: it moves by `speed` × the real time between frames, or by a step, or jumps (seek).
import type Database from 'better-sqlite3'
import { HEARTBEAT_MS, type Window } from '../../shared/protocol'
import { MAX_SPEED, MIN_SPEED, type ReplayStatus } from '../../shared/replay'
import { encodeDelta } from '../../shared/wire'
import type { CaseFacts } from '../../shared/case'
import type { DistrictClock } from '../../shared/clock'
import type { IndicatorConfig } from '../../shared/indicators'
import { MetricsEngine } from '../metrics/engine'
import type { Layout } from '../metrics/layout'
import { Feed, FEED_RECENT } from '../live/feed'
import { ScopeView, WindowGrids } from '../live/frames'
import { LogFolder, type Folded } from './tail'
import { seek, type SeekStats } from './asof'
import type { SavedStates } from './states'

/** A replay within this much ahead plays there instead of seeking (cheaper than a new state). */
const FAST_FORWARD_MS = 6 * 3_600_000

/** What every session of a host shares: the log, the saved states, the rows, the configuration. */
export interface ReplayContext {
  sql: Database.Database
  layout: Layout
  states: SavedStates | null
  clock: DistrictClock
  indicators: IndicatorConfig
  matterName: (code: string) => string
  /** The first event of the log, and now (a replay cannot pass the present). */
  logStart: () => number
  now: () => number
}

export interface Frame {
  kind: 'snapshot' | 'delta'
  bytes: Uint8Array
}

export interface SessionOptions {
  scope: string
  window: Window
  at: number
  speed?: number
  /** Where the chosen interval ends (the replay pauses there); null: up to the present. */
  until?: number | null
}

export class ReplaySession {
  t: number
  /** The moment the replay was started at. */
  readonly from: number
  speed: number
  playing = false
  until: number | null
  scope: string
  window: Window
  lastSeek: SeekStats | null = null
  private readonly engine: MetricsEngine
  private readonly folder: LogFolder
  private feed!: Feed
  private grids!: WindowGrids
  private view!: ScopeView
  private readonly recentTicker: Database.Statement
  private readonly recentAlerts: Database.Statement

  constructor(
    private readonly ctx: ReplayContext,
    opts: SessionOptions,
  ) {
    this.t = opts.at
    this.from = opts.at
    this.speed = clampSpeed(opts.speed ?? 60)
    this.until = opts.until ?? null
    this.scope = opts.scope
    this.window = opts.window
    this.engine = new MetricsEngine(ctx.layout, { now: () => this.t, indicators: ctx.indicators, clock: ctx.clock })
    this.folder = new LogFolder(ctx.sql, this.engine)
    // The newest ticker and alert events before a moment, so a replay opens with a filled ticker as live does.
    const recent = (actions: string) =>
      ctx.sql
        .prepare(
          `SELECT e.id, e.case_id, e.action, e.at, c.grid, c.special, c.source, c.matter, c.description, c.lon, c.lat
           FROM case_events e JOIN cases c ON c.id = e.case_id
           WHERE e.at <= ? AND e.action IN (${actions}) ORDER BY e.at DESC, e.id DESC LIMIT ${FEED_RECENT}`,
        )
        .raw()
    this.recentTicker = recent("'report', 'close', 'force_close'")
    this.recentAlerts = recent("'warn', 'overdue', 'supervise'")
  }

  /** Jump to `at`: the state as of then, a fresh ticker, and a snapshot of the view. */
  seek(at: number): Frame {
    const t = this.clampTime(at)
    if (t >= this.t && t - this.t <= FAST_FORWARD_MS && this.view) {
      this.advance(t)
      return this.snapshot()
    }
    this.t = t
    this.lastSeek = seek(this.ctx.sql, this.engine, this.ctx.states, this.folder, t)
    this.feed = new Feed(this.engine, this.ctx.matterName)
    this.feed.add(this.recentItems(t))
    this.feed.take(t)
    this.engine.takeDirty()
    this.grids = new WindowGrids(this.engine, this.window)
    this.openView()
    return this.snapshot()
  }

  /** Watch another scope or window within the replay. */
  setView(scope: string, window: Window): Frame {
    this.scope = scope
    if (window !== this.window) {
      this.window = window
      this.grids = new WindowGrids(this.engine, window)
    }
    this.openView()
    return this.snapshot()
  }

  snapshot(): Frame {
    return { kind: 'snapshot', bytes: this.view.snapshotBytes(this.t) }
  }

  /** One frame after `elapsedMs` of real time: played forward when playing, else a heartbeat now and then. */
  frame(elapsedMs: number, realNow: number): Frame | null {
    if (this.playing) {
      const to = this.clampTime(this.t + Math.round(this.speed * elapsedMs))
      const d = this.advance(to)
      if (to >= this.end()) this.playing = false
      // A frame even when nothing changed: the screen's replayed clock moves with it.
      if (d) return d
      this.view.lastSentAt = realNow
      return { kind: 'delta', bytes: encodeDelta(this.view.heartbeat(this.t)) }
    }
    if (realNow - this.view.lastSentAt < HEARTBEAT_MS) return null
    this.view.lastSentAt = realNow
    return { kind: 'delta', bytes: encodeDelta(this.view.heartbeat(this.t)) }
  }

  /** Move on by `ms` of replayed time at once (paused or not). */
  step(ms: number): Frame | null {
    return this.advance(this.clampTime(this.t + ms))
  }

  status(): ReplayStatus {
    return {
      at: this.t, from: this.from, speed: this.speed, playing: this.playing, until: this.until, scope: this.scope, window: this.window,
      logStart: this.ctx.logStart(), end: this.end(),
    }
  }

  /** Bytes of typed arrays this session holds: its engine's tables and its map values. */
  bytes(): number {
    const e = this.engine
    const tables = [e.counters, e.cross].reduce((n, t) => n + (t.all.byteLength + t.ring.byteLength + t.today.byteLength * 3), 0)
    return tables + e.hours.ring.byteLength + Object.values(this.grids?.values ?? {}).reduce((n, a) => n + a.byteLength, 0)
  }

  setSpeed(speed: number): void {
    this.speed = clampSpeed(speed)
  }

  /** The replay stops here: the end of the chosen interval, or the present. */
  end(): number {
    const now = this.ctx.now()
    return this.until === null ? now : Math.min(this.until, now)
  }

  private clampTime(t: number): number {
    return Math.max(this.ctx.logStart() - 1, Math.min(t, this.end()))
  }

  private openView(): void {
    const row = this.ctx.layout.gridIndex(this.scope)
    if (row < 0) throw new RangeError(`scope "${this.scope}" is not a grid code`)
    this.view = new ScopeView(this.engine, this.grids, row, `${this.scope}|${this.window}`, {
      ticker: this.feed.recentTicker, alerts: this.feed.recentAlerts,
    })
  }

  /** Play the log from the current moment to `to`, as the live hub's tick does after a commit. */
  private advance(to: number): Frame | null {
    if (to <= this.t) return null
    const from = this.t
    this.t = to
    this.engine.setClock(to)
    const folded: Folded[] = []
    this.folder.fold(from, to, (f) => folded.push(f))
    this.feed.add(folded)
    const dirty = this.engine.takeDirty()
    const items = this.feed.take(to)
    this.grids.update(dirty)
    const delta = this.view.advance(dirty, items, to)
    if (!delta) return null
    this.view.lastSentAt = Date.now()
    return { kind: 'delta', bytes: encodeDelta(delta) }
  }

  private recentItems(t: number): Folded[] {
    type Row = [number, number, Folded['event']['action'], number, string, string | null, string, string, string, number, number]
    const rows = [...(this.recentTicker.all(t) as Row[]), ...(this.recentAlerts.all(t) as Row[])]
    rows.sort((a, b) => a[3] - b[3] || a[0] - b[0])
    return rows.map((r) => {
      const facts: CaseFacts = {
        grid: r[4], special: r[5], source: r[6], matter: r[7], description: r[8], lon: r[9], lat: r[10],
        externalId: null, address: null, reporterName: null, reporterPhone: null, mediaUrl: null,
      }
      return { id: r[0], event: { caseId: r[1], action: r[2], at: r[3] } as Folded['event'], facts }
    })
  }
}

export const clampSpeed = (s: number) => (Number.isFinite(s) ? Math.max(MIN_SPEED, Math.min(MAX_SPEED, s)) : 60)
