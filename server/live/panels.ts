// The panels of one scope (a grid node) and window, from the metrics engine. Rates come from
// shared/indicators; panels only select and sort.
import { C, COUNTER_COUNT, type Counters } from '../../shared/counters'
import { indicators, rate, terms, type IndicatorConfig } from '../../shared/indicators'
import { SHOWN_COUNTERS, SHOWN_INDICATORS, SOURCES, WINDOWS, toPermille, type Kpi, type Panels, type RankItem, type Source, type Window } from '../../shared/protocol'
import { SPECIAL_KINDS } from '../../shared/grid'
import { CLOSED, RECEIVED, TREND_HOURS } from '../metrics/hours'
import type { MetricsEngine } from '../metrics/engine'

const TOP_SPECIALS = 5
const TOP_CATEGORIES = 12

/** The nearest grid at or above `row` that keeps cross panels (level ≤ 2); -1 for none. */
export function crossNodeOf(engine: MetricsEngine, row: number): number {
  const l = engine.layout
  let g = row
  // A special grid's panels are those of the community it lies in.
  while (g >= 0 && l.crossRow[g] < 0) g = l.tree.parentIndex[g]
  return g
}

export function buildPanels(engine: MetricsEngine, row: number, w: Window, specials: ArrayLike<number>): Panels {
  const kpis = kpisOf(engine, row)
  const cross = crossNodeOf(engine, row)
  return {
    kpis,
    trend: trendOf(engine, row),
    ...crossPanels(engine, cross, w),
    ladder: ladderOf(kpis[w].counters),
    specials: specialsPanel(engine, w, specials),
    crossScope: cross < 0 ? undefined : engine.layout.tree.grids[cross].code,
  }
}

function kpisOf(engine: MetricsEngine, row: number): Record<Window, Kpi> {
  const kpis = {} as Record<Window, Kpi>
  for (const win of WINDOWS) {
    const counters = engine.countersOf(row, win)
    kpis[win] = { counters, indicators: indicators(counters, engine.config) }
  }
  return kpis
}

const ladderOf = (c: Counters): Panels['ladder'] => [c.settledGrid, c.settledCommunity, c.settledStreet, c.settledDistrict, c.settledCity]

function trendOf(engine: MetricsEngine, row: number): Panels['trend'] {
  return {
    start: engine.clock.hourStart(engine.hours.hour - TREND_HOURS + 1),
    received: engine.hours.series(row, RECEIVED),
    closed: engine.hours.series(row, CLOSED),
  }
}

/** Column `c` of the cross row at offset `o` (-1: none). Module level: a closure per build would be named anew. */
const colOf = (x: Int32Array, o: number, c: number) => (o < 0 ? 0 : x[o + c])

/** The panels kept per community and up: big classes, sources, departments of the cross node. */
function crossPanels(engine: MetricsEngine, cross: number, w: Window): Pick<Panels, 'categories' | 'sources' | 'departments'> {
  const l = engine.layout
  const x = engine.cross.window(w)
  const o = cross < 0 ? -1 : l.crossRow[cross] * l.crossWidth
  const categories: RankItem[] = l.bigClasses
    .map((c, i) => ({ code: c.code, name: c.name, value: colOf(x, o, i) }))
    .filter((c) => c.value > 0)
    .sort((a, b) => b.value - a.value || (a.code < b.code ? -1 : 1))
    .slice(0, TOP_CATEGORIES)
  const sources = {} as Record<Source, number>
  SOURCES.forEach((s, i) => (sources[s] = colOf(x, o, l.crossSourceBase + i)))
  const departments: RankItem[] = l.departments
    .map((d, i) => {
      const onTime = colOf(x, o, l.crossDeptBase + 2 * i)
      const due = colOf(x, o, l.crossDeptBase + 2 * i + 1)
      return { code: d.code, name: d.name, value: toPermille(rate(onTime, due)), of: due }
    })
    .filter((d) => d.of > 0)
    .sort((a, b) => b.value - a.value || b.of - a.of)
  return { categories, sources, departments }
}

function specialsPanel(engine: MetricsEngine, w: Window, specials: ArrayLike<number>): Panels['specials'] {
  const l = engine.layout
  const byKind: Record<string, number> = Object.fromEntries(SPECIAL_KINDS.map((k) => [k, 0]))
  const top: RankItem[] = []
  for (let k = 0; k < specials.length; k++) {
    const g = specials[k]
    const received = engine.counter(g, w, C.received)
    const kind = l.tree.grids[g].kind
    if (kind) byKind[kind] += received
    if (received > 0) top.push({ code: l.tree.grids[g].code, name: l.tree.grids[g].name, value: received, of: engine.counter(g, w, C.open) })
  }
  top.sort((a, b) => b.value - a.value || (a.code < b.code ? -1 : 1))
  return { byKind, top: top.slice(0, TOP_SPECIALS) }
}

/**
 * A view's panels, each part built again only when the figures it is read from changed since the last build:
 * the scope's counters (KPIs, ladder), its trend hours, its cross node's columns, its special grids' counts.
 * A part whose figures are the same is the very object of the last build, so comparing panels is mostly `===`.
 * (A frame used to build, stringify and compare every part; most frames change the KPIs and the trend only.)
 */
export class PanelParts {
  private readonly cross: number
  private readonly crossScope: string | undefined
  /** What the last build read: the scope's counters in every window, its cross columns, its specials' counts. */
  private readonly kpiIn = new Int32Array(WINDOWS.length * COUNTER_COUNT)
  private readonly crossIn: Int32Array
  private readonly specialsIn: Int32Array
  private last: Panels

  constructor(
    private readonly engine: MetricsEngine,
    private readonly row: number,
    private readonly w: Window,
    private readonly specials: ArrayLike<number>,
  ) {
    this.cross = crossNodeOf(engine, row)
    this.crossScope = this.cross < 0 ? undefined : engine.layout.tree.grids[this.cross].code
    this.crossIn = new Int32Array(this.cross < 0 ? 0 : engine.layout.crossWidth)
    this.specialsIn = new Int32Array(2 * specials.length)
    this.kpisChanged()
    this.crossChanged()
    this.specialsChanged()
    this.last = buildPanels(engine, row, w, specials)
  }

  /** The panels now; parts whose figures did not change since the last build are its objects. */
  build(): Panels {
    const { engine, row, w, last } = this
    const kpis = this.kpisChanged() ? kpisOf(engine, row) : last.kpis
    const trend = trendOf(engine, row)
    const cross = this.crossChanged() ? crossPanels(engine, this.cross, w) : last
    this.last = {
      kpis,
      trend: sameTrend(trend, last.trend) ? last.trend : trend,
      categories: cross.categories,
      sources: cross.sources,
      ladder: kpis === last.kpis ? last.ladder : ladderOf(kpis[w].counters),
      departments: cross.departments,
      specials: this.specialsChanged() ? specialsPanel(engine, w, this.specials) : last.specials,
      crossScope: this.crossScope,
    }
    return this.last
  }

  private kpisChanged(): boolean {
    let changed = false
    WINDOWS.forEach((win, i) => (changed = copyIfChanged(this.engine.vector(this.row, win), this.kpiIn, i * COUNTER_COUNT) || changed))
    return changed
  }

  private crossChanged(): boolean {
    if (this.cross < 0) return false
    const l = this.engine.layout
    const o = l.crossRow[this.cross] * l.crossWidth
    return copyIfChanged(this.engine.cross.window(this.w).subarray(o, o + l.crossWidth), this.crossIn, 0)
  }

  private specialsChanged(): boolean {
    const { engine, w, specials, specialsIn } = this
    let changed = false
    for (let k = 0; k < specials.length; k++) {
      const received = engine.counter(specials[k], w, C.received)
      const open = engine.counter(specials[k], w, C.open)
      if (specialsIn[2 * k] !== received || specialsIn[2 * k + 1] !== open) {
        specialsIn[2 * k] = received
        specialsIn[2 * k + 1] = open
        changed = true
      }
    }
    return changed
  }
}

/** Copy `from` into `to` at `at` when they differ; true when they did. */
function copyIfChanged(from: Int32Array, to: Int32Array, at: number): boolean {
  for (let k = 0; k < from.length; k++)
    if (to[at + k] !== from[k]) {
      to.set(from, at)
      return true
    }
  return false
}

const sameList = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, k) => v === b[k])
const sameTrend = (a: Panels['trend'], b: Panels['trend']) => a.start === b.start && sameList(a.received, b.received) && sameList(a.closed, b.closed)

/** Do screens show the same of these KPIs (shared/protocol SHOWN_*) in every window? */
export function sameShown(a: Record<Window, Kpi>, b: Record<Window, Kpi>, cfg: IndicatorConfig): boolean {
  for (const w of WINDOWS) {
    const x = a[w].counters
    const y = b[w].counters
    for (const n of SHOWN_COUNTERS) if (x[n] !== y[n]) return false
    for (const i of SHOWN_INDICATORS) {
      const [p, q] = terms(i, x, cfg)
      const [r, t] = terms(i, y, cfg)
      if (p !== r || q !== t) return false
    }
  }
  return true
}

/** The map's per-grid values of one grid row in a window: counts, and rates in per-mille (-1 = no data). */
export function gridMetrics(engine: MetricsEngine, row: number, w: Window, out: Int32Array): void {
  const counters = engine.countersOf(row, w)
  out[0] = counters.received
  out[1] = counters.open
  out[2] = counters.overdueOpen
  const [closed, dueClose] = terms('closureRate', counters, engine.config)
  out[3] = toPermille(rate(closed, dueClose))
  const [satisfied, rated] = terms('satisfactionRate', counters, engine.config)
  out[4] = toPermille(rate(satisfied, rated))
}
