// The ticker and alert channels: what happened since the last tick, as plain masked text. New and closed
// cases go to the ticker; a light turning yellow or red, 督办, and a grid whose count this hour jumps far
// above its usual share of the district's activity become alerts. Bounded: a burst keeps the newest items.
import type { AlertItem, TickerItem } from '../../shared/protocol'
import { maskText } from '../../shared/mask'
import type { Action } from '../../shared/workflow'
import type { Db } from '../db'
import type { CaseFacts } from '../cases/log'
import type { Change, LoggedChange, MetricsEngine } from '../metrics/engine'
import { RECEIVED, TREND_HOURS } from '../metrics/hours'

/** Items kept per tick; a burst beyond this (a restart's backlog of missed deadlines) keeps the newest. */
export const FEED_MAX_PER_TICK = 200
const TEXT_MAX = 80

/** An item and where it is, so each scope can pick its own. */
export interface Routed<T> {
  item: T
  /** Stable index of the case's micro grid (or the alert's grid); -1 if unknown. */
  grid: number
  special: number
}

export interface SpikeOptions {
  /** Grid level watched for spikes (3 = the third-level grids). */
  level: number
  /** Fewest cases in the hour before a spike is considered. */
  minCount: number
  /** Poisson tail probability under which the count is a spike. */
  p: number
}

export const DEFAULT_SPIKE: SpikeOptions = { level: 3, minCount: 4, p: 1e-4 }

/** P(X ≥ k) for X ~ Poisson(λ). */
export function poissonTail(k: number, lambda: number): number {
  if (k <= 0) return 1
  let term = Math.exp(-lambda)
  let below = term
  for (let i = 1; i < k; i++) {
    term *= lambda / i
    below += term
  }
  return Math.max(0, 1 - below)
}

/** A grid's count this hour and the district's, now and over the 47 hours before. */
export interface HourCounts {
  k: number
  past: number
  districtNow: number
  districtPast: number
  /** Grids at the watched level. */
  peers: number
}

/**
 * The count a grid could expect this hour when `k` is improbably high for it (a spike), else null. What the
 * rest of the district received this hour, times the grid's usual share relative to it (smoothed): the
 * district's rhythm (night, rush hour, a demo at 100×) moves the expectation along. The replay timeline
 * marks spikes with the same test.
 */
export function spikeExpectation(c: HourCounts, spike: SpikeOptions = DEFAULT_SPIKE): number | null {
  if (c.k < spike.minCount) return null
  const share = Math.min(0.9, (c.past + 1) / (c.districtPast + c.peers))
  const lambda = Math.max(0.2, (share / (1 - share)) * Math.max(0, c.districtNow - c.k))
  return poissonTail(c.k, lambda) < spike.p ? lambda : null
}

const clip = (s: string) => (s.length > TEXT_MAX ? s.slice(0, TEXT_MAX - 1) + '…' : s)

/** Items kept for screens that subscribe later (each takes those in its scope). */
export const FEED_RECENT = 400

export class Feed {
  private ticker: Routed<TickerItem>[] = []
  private alerts: Routed<AlertItem>[] = []
  /** The newest items of all, oldest first: a new screen starts with a filled ticker, not an empty one. */
  readonly recentTicker: Routed<TickerItem>[] = []
  readonly recentAlerts: Routed<AlertItem>[] = []
  private nextId = 1
  /** Spike candidates this tick (grid rows at the watched level that received a case). */
  private readonly touched = new Set<number>()
  /** grid row → hour it last raised a spike alert (one alert per grid per hour). */
  private readonly spiked = new Map<number, number>()
  /** Grids at the watched level (smooths a grid's share of the district). */
  private readonly peers: number

  constructor(
    private readonly engine: MetricsEngine,
    private readonly matterName: (code: string) => string,
    private readonly spike: SpikeOptions = DEFAULT_SPIKE,
  ) {
    this.peers = engine.layout.level.filter((lv) => lv === spike.level).length || 1
  }

  /** Fill the recent items from the end of the log, so a restarted wall shows what happened lately. */
  prime(db: Db, scan = 50_000): void {
    const pick = (actions: string) =>
      db.$client
        .prepare(
          `SELECT e.id, e.case_id AS caseId, e.action, e.at, c.grid, c.special, c.source, c.matter, c.description, c.reporter_name AS reporterName, c.lon, c.lat
           FROM case_events e JOIN cases c ON c.id = e.case_id
           WHERE e.id > (SELECT COALESCE(MAX(id), 0) FROM case_events) - ? AND e.action IN (${actions})
           ORDER BY e.id DESC LIMIT ?`,
        )
        .all(scan, FEED_RECENT) as (Pick<CaseFacts, 'grid' | 'special' | 'source' | 'matter' | 'description' | 'reporterName' | 'lon' | 'lat'> & {
          id: number; caseId: number; action: Action; at: number
        })[]
    // Only the newest of each channel are kept, so only those are read (and masked).
    const rows = [...pick("'report', 'close', 'force_close'"), ...pick("'warn', 'overdue', 'supervise'")].sort((a, b) => a.id - b.id)
    this.add(rows.map((r) => ({ event: { caseId: r.caseId, action: r.action, at: r.at } as Change['event'], facts: r as unknown as CaseFacts })))
    this.ticker = []
    this.alerts = []
  }

  /** Start with another process's recent items (a live process of a scaled-out deployment, its writer's). */
  seed(recent: { ticker: readonly Routed<TickerItem>[]; alerts: readonly Routed<AlertItem>[] }): void {
    this.recentTicker.push(...recent.ticker.slice(-FEED_RECENT))
    this.recentAlerts.push(...recent.alerts.slice(-FEED_RECENT))
    for (const r of [...this.recentTicker, ...this.recentAlerts]) this.nextId = Math.max(this.nextId, r.item.id + 1)
  }

  /** Turn committed changes into ticker items and alerts. */
  add(changes: readonly Pick<LoggedChange, 'event' | 'facts'>[]): void {
    const l = this.engine.layout
    for (const c of changes) {
      const e = c.event
      const ticker = e.action === 'report' || e.action === 'close' || e.action === 'force_close'
      const alert = e.action === 'warn' ? 'yellow' : e.action === 'overdue' ? 'red' : e.action === 'supervise' ? 'supervise' : null
      // Most steps of a case (register, dispatch, handle…) are neither: an import's rows are eight steps each.
      if (!ticker && !alert) continue
      const facts = c.facts
      const grid = l.gridIndex(facts.grid)
      const special = l.gridIndex(facts.special)
      const matter = this.matterName(facts.matter)
      if (ticker) {
        const kind = e.action === 'report' ? 'new' : 'closed'
        const place = this.place(grid)
        this.push(this.ticker, this.recentTicker, {
          item: {
            id: this.nextId++, caseId: e.caseId, at: e.at, kind, matter, grid: facts.grid,
            // Masked when first read: at thousands of reports a second most items are dropped unread (a tick
            // sends the newest FEED_MAX_PER_TICK), and masking is the dearest part of an item.
            get text() {
              const text = clip(`${place}${matter}：${maskText(facts.description, { names: [facts.reporterName] }) ?? ''}`.replace(/\s+/g, ' '))
              Object.defineProperty(this, 'text', { value: text, enumerable: true, writable: true, configurable: true })
              return text
            },
            lon: facts.lon, lat: facts.lat,
          },
          grid, special,
        })
        if (kind === 'new') this.touchSpike(grid)
      }
      if (alert) {
        const what = alert === 'yellow' ? '临近处置时限（黄灯）' : alert === 'red' ? '已超过处置时限（红灯）' : '被督办'
        this.push(this.alerts, this.recentAlerts, {
          item: { id: this.nextId++, at: e.at, kind: alert, grid: facts.grid, gridName: grid >= 0 ? this.gridName(grid) : facts.grid, caseId: e.caseId, text: clip(`${matter} ${what}`) },
          grid, special,
        })
      }
    }
  }

  /** A micro grid's own name is only a number within its grid ("第4微网格"): say which grid it is in. */
  private gridName(g: number): string {
    const l = this.engine.layout
    const p = l.tree.parentIndex[g]
    return l.level[g] === 4 && p >= 0 ? `${l.tree.grids[p].name}·${l.tree.grids[g].name}` : l.tree.grids[g].name
  }

  /** Each grid's place text, made once (the layout does not change): a ticker item needs it for every report. */
  private readonly places = new Map<number, string>()

  private place(grid: number): string {
    if (grid < 0) return ''
    let place = this.places.get(grid)
    if (place === undefined) {
      const l = this.engine.layout
      // Street · community: what an operator recognises at a glance.
      const path = l.pathOf(grid, [])
      const names = path.filter((g) => l.level[g] === 1 || l.level[g] === 2).reverse().map((g) => l.tree.grids[g].name)
      this.places.set(grid, (place = names.length ? `${names.join('·')} ` : ''))
    }
    return place
  }

  private touchSpike(grid: number): void {
    const l = this.engine.layout
    for (let g = grid; g >= 0; g = l.tree.parentIndex[g])
      if (l.level[g] === this.spike.level) {
        this.touched.add(g)
        return
      }
  }

  /** Spike test for the grids that received cases this tick: their count this hour against their share. */
  private checkSpikes(now: number): void {
    const e = this.engine
    const hours = e.hours
    const hour = hours.hour
    if (this.touched.size === 0) return this.forget(hour)
    const districtNow = hours.get(0, RECEIVED, hour)
    let districtPast = 0
    for (let h = hour - TREND_HOURS + 1; h < hour; h++) districtPast += hours.get(0, RECEIVED, h)
    for (const g of this.touched) {
      const k = hours.get(g, RECEIVED, hour)
      if (k < this.spike.minCount || this.spiked.get(g) === hour) continue
      let past = 0
      for (let h = hour - TREND_HOURS + 1; h < hour; h++) past += hours.get(g, RECEIVED, h)
      const lambda = spikeExpectation({ k, past, districtNow, districtPast, peers: this.peers }, this.spike)
      if (lambda === null) continue
      this.spiked.set(g, hour)
      const name = e.layout.tree.grids[g].name
      this.push(this.alerts, this.recentAlerts, {
        item: {
          id: this.nextId++, at: now, kind: 'spike', grid: e.layout.tree.grids[g].code, gridName: name,
          text: clip(`${name} 本小时受理 ${k} 件，远高于常态（约 ${lambda.toFixed(1)} 件）`),
        },
        grid: g, special: -1,
      })
    }
    this.touched.clear()
    this.forget(hour)
  }

  private forget(hour: number): void {
    for (const [g, h] of this.spiked) if (h !== hour) this.spiked.delete(g)
  }

  private push<T>(list: Routed<T>[], recent: Routed<T>[], r: Routed<T>): void {
    list.push(r)
    if (list.length > 2 * FEED_MAX_PER_TICK) list.splice(0, list.length - FEED_MAX_PER_TICK)
    recent.push(r)
    if (recent.length > 2 * FEED_RECENT) recent.splice(0, recent.length - FEED_RECENT)
  }

  /** Everything since the last call (newest last), at most FEED_MAX_PER_TICK of each. */
  take(now: number): { ticker: Routed<TickerItem>[]; alerts: Routed<AlertItem>[] } {
    this.checkSpikes(now)
    const ticker = this.ticker.slice(-FEED_MAX_PER_TICK)
    const alerts = this.alerts.slice(-FEED_MAX_PER_TICK)
    this.ticker = []
    this.alerts = []
    return { ticker, alerts }
  }
}
