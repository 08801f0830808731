// The figures of a scope as they stood at a moment (GET /api/snapshot): its KPI counters and indicators in
// one window, and the map values of its child grids, as JSON, CSV or XLSX. Built from the same engine
// readers as the live frames (buildPanels, gridMetrics); the files only lay them out.
import ExcelJS from 'exceljs'
import Papa from 'papaparse'
import { COUNTERS, type Counters } from '../../shared/counters'
import { INDICATORS, FORMULAS, indicators, type Indicators } from '../../shared/indicators'
import { GRID_METRICS, fromPermille, type Window } from '../../shared/protocol'
import type { DistrictClock } from '../../shared/clock'
import type { MetricsEngine } from '../metrics/engine'
import { gridMetrics } from '../live/panels'

export interface AsOfRow {
  code: string
  name: string
  level: number
  counters: Counters
  indicators: Indicators
  /** The map's values: counts, and rates 0–1 (null = no data). */
  map: { received: number; open: number; overdue: number; closureRate: number | null; satisfaction: number | null }
}

export interface AsOfReport {
  /** The moment, as local ISO 8601 with its offset. */
  at: string
  window: Window
  scope: AsOfRow
  children: AsOfRow[]
}

function rowOf(engine: MetricsEngine, g: number, w: Window, scratch: Int32Array): AsOfRow {
  const grid = engine.layout.tree.grids[g]
  const counters = engine.countersOf(g, w)
  gridMetrics(engine, g, w, scratch)
  return {
    code: grid.code, name: grid.name, level: grid.level, counters, indicators: indicators(counters, engine.config),
    map: {
      received: scratch[0], open: scratch[1], overdue: scratch[2], closureRate: fromPermille(scratch[3]), satisfaction: fromPermille(scratch[4]),
    },
  }
}

/** The report of grid row `g` from an engine standing at the moment. */
export function asOfReport(engine: MetricsEngine, clock: DistrictClock, g: number, w: Window, at: number): AsOfReport {
  const scratch = new Int32Array(GRID_METRICS.length)
  return {
    at: clock.iso(at), window: w, scope: rowOf(engine, g, w, scratch),
    children: engine.layout.tree.children[g].map((c) => rowOf(engine, c, w, scratch)),
  }
}

const HEAD = ['code', 'name', 'level', 'at', 'window', ...COUNTERS, ...INDICATORS]
const LABELS = ['编码', '名称', '层级', '时点', '时间窗', ...COUNTERS, ...INDICATORS.map((i) => FORMULAS[i].label)]

function table(r: AsOfReport): (string | number | null)[][] {
  return [r.scope, ...r.children].map((x) => [
    x.code, x.name, x.level, r.at, r.window, ...COUNTERS.map((c) => x.counters[c]), ...INDICATORS.map((i) => x.indicators[i]),
  ])
}

/** One row per grid (the scope first, then its children); a rate with no data is an empty cell. */
export function reportCsv(r: AsOfReport): string {
  const rows = table(r).map((x) => x.map((v) => (v === null ? '' : v)))
  return '\ufeff' + Papa.unparse({ fields: HEAD, data: rows })
}

export async function reportXlsx(r: AsOfReport): Promise<Buffer> {
  const book = new ExcelJS.Workbook()
  const sheet = book.addWorksheet(`${r.scope.name} ${r.window}`.slice(0, 31))
  sheet.addRow(LABELS).font = { bold: true }
  sheet.addRow(HEAD).font = { italic: true, color: { argb: 'FF777777' } }
  for (const row of table(r)) sheet.addRow(row)
  sheet.views = [{ state: 'frozen', ySplit: 2, xSplit: 2 }]
  sheet.getColumn(2).width = 18
  INDICATORS.forEach((_, i) => (sheet.getColumn(HEAD.length - INDICATORS.length + i + 1).numFmt = '0.00%'))
  return Buffer.from(await book.xlsx.writeBuffer())
}
