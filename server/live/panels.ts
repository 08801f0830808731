// The panels of one scope (a grid node) and window, from the metrics engine. Rates come from
// shared/indicators; panels only select and sort.
import { C } from '../../shared/counters'
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
  const l = engine.layout
  const kpis = {} as Record<Window, Kpi>
  for (const win of WINDOWS) {
    const counters = engine.countersOf(row, win)
    kpis[win] = { counters, indicators: indicators(counters, engine.config) }
  }
  const cross = crossNodeOf(engine, row)
  const x = engine.cross.window(w)
  const o = cross < 0 ? -1 : l.crossRow[cross] * l.crossWidth
  const col = (c: number) => (o < 0 ? 0 : x[o + c])

  const categories: RankItem[] = l.bigClasses
    .map((c, i) => ({ code: c.code, name: c.name, value: col(i) }))
    .filter((c) => c.value > 0)
    .sort((a, b) => b.value - a.value || (a.code < b.code ? -1 : 1))
    .slice(0, TOP_CATEGORIES)
  const sources = {} as Record<Source, number>
  SOURCES.forEach((s, i) => (sources[s] = col(l.crossSourceBase + i)))
  const departments: RankItem[] = l.departments
    .map((d, i) => {
      const onTime = col(l.crossDeptBase + 2 * i)
      const due = col(l.crossDeptBase + 2 * i + 1)
      return { code: d.code, name: d.name, value: toPermille(rate(onTime, due)), of: due }
    })
    .filter((d) => d.of > 0)
    .sort((a, b) => b.value - a.value || b.of - a.of)

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

  const c = kpis[w].counters
  return {
    kpis,
    trend: {
      start: engine.clock.hourStart(engine.hours.hour - TREND_HOURS + 1),
      received: engine.hours.series(row, RECEIVED),
      closed: engine.hours.series(row, CLOSED),
    },
    categories,
    sources,
    ladder: [c.settledGrid, c.settledCommunity, c.settledStreet, c.settledDistrict, c.settledCity],
    departments,
    specials: { byKind, top: top.slice(0, TOP_SPECIALS) },
    crossScope: cross < 0 ? undefined : l.tree.grids[cross].code,
  }
}

/** What screens show of the KPIs (shared/protocol SHOWN_*), in every window, as one comparable string. */
export function shownKpis(kpis: Record<Window, Kpi>, cfg: IndicatorConfig): string {
  const out: number[] = []
  for (const w of WINDOWS) {
    const c = kpis[w].counters
    for (const n of SHOWN_COUNTERS) out.push(c[n])
    for (const i of SHOWN_INDICATORS) out.push(...terms(i, c, cfg))
  }
  return out.join(',')
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
