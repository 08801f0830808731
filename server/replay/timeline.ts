// The replay timeline of an interval: cases received per hour in a scope, and marks where a replay would
// raise a spike alert or a light would turn red, so the controls can jump there. Spikes use the live feed's
// own test (spikeExpectation), counted report by report as the live feed sees them arrive.
import type Database from 'better-sqlite3'
import type { Timeline, TimelineMark } from '../../shared/replay'
import { DEFAULT_SPIKE, spikeExpectation } from '../live/feed'
import { TREND_HOURS } from '../metrics/hours'
import type { Layout } from '../metrics/layout'
import type { DistrictClock } from '../../shared/clock'

/** The longest interval a timeline covers (hourly bars). */
export const TIMELINE_MAX_DAYS = 31

type Report = [at: number, grid: string, special: string | null]
type Red = [at: number, grid: string, special: string | null]

export function timeline(sql: Database.Database, layout: Layout, clock: DistrictClock, scope: string, from: number, to: number): Timeline {
  const row = layout.gridIndex(scope)
  if (row < 0) throw new RangeError(`scope "${scope}" is not a grid code`)
  const first = clock.hourOf(from)
  const last = clock.hourOf(to)
  const inScope = (grid: string, special: string | null) =>
    layout.level[row] === 0 || (layout.isSpecial(row) ? special === scope : grid.startsWith(scope))
  const received = new Array<number>(last - first + 1).fill(0)
  const reports = sql
    .prepare(
      `SELECT e.at, c.grid, c.special FROM case_events e JOIN cases c ON c.id = e.case_id
       WHERE e.action = 'report' AND e.at > ? AND e.at <= ? ORDER BY e.at, e.id`,
    )
    .raw()
    .all(clock.hourStart(first - TREND_HOURS + 1) - 1, to) as Report[]
  for (const [at, grid, special] of reports) if (at >= from && inScope(grid, special)) received[clock.hourOf(at) - first]++

  const marks: TimelineMark[] = []
  // Spikes, as the live feed finds them: each report raises its third-level grid's count this hour.
  const level = DEFAULT_SPIKE.level
  const peers = layout.level.filter((lv) => lv === level).length || 1
  const perGrid = new Map<number, Map<number, number>>()
  const district = new Map<number, number>()
  const spiked = new Set<string>()
  const sum = (m: Map<number, number> | undefined, h: number) => {
    let n = 0
    for (let x = h - TREND_HOURS + 1; x < h; x++) n += m?.get(x) ?? 0
    return n
  }
  for (const [at, grid, special] of reports) {
    const h = clock.hourOf(at)
    district.set(h, (district.get(h) ?? 0) + 1)
    let g = layout.gridIndex(grid)
    while (g >= 0 && layout.level[g] !== level) g = layout.tree.parentIndex[g]
    if (g < 0) continue
    let counts = perGrid.get(g)
    if (!counts) perGrid.set(g, (counts = new Map()))
    const k = (counts.get(h) ?? 0) + 1
    counts.set(h, k)
    if (at < from || spiked.has(`${g}@${h}`) || !inScope(grid, special)) continue
    const lambda = spikeExpectation({ k, past: sum(counts, h), districtNow: district.get(h)!, districtPast: sum(district, h), peers })
    if (lambda === null) continue
    spiked.add(`${g}@${h}`)
    const name = layout.tree.grids[g].name
    marks.push({ at, kind: 'spike', grid: layout.tree.grids[g].code, gridName: name, text: `${name} 本小时受理 ${k} 件，远高于常态（约 ${lambda.toFixed(1)} 件）` })
  }

  // Red lights, one mark per hour (a busy night turns dozens red).
  const reds = sql
    .prepare(
      `SELECT e.at, c.grid, c.special FROM case_events e JOIN cases c ON c.id = e.case_id
       WHERE e.action = 'overdue' AND e.at >= ? AND e.at <= ? ORDER BY e.at, e.id`,
    )
    .raw()
    .all(from, to) as Red[]
  let hour = Number.NaN
  let mark: TimelineMark | null = null
  let n = 0
  const close = () => mark && (mark.text = `${n} 件超过处置时限（红灯）`)
  for (const [at, grid, special] of reds) {
    if (!inScope(grid, special)) continue
    if (clock.hourOf(at) !== hour) {
      close()
      hour = clock.hourOf(at)
      mark = { at, kind: 'red', grid, gridName: placeName(layout, grid), text: '' }
      marks.push(mark)
      n = 0
    }
    n++
  }
  close()
  marks.sort((a, b) => a.at - b.at)
  return { from, to, start: clock.hourStart(first), received, marks }
}

/** A micro grid's own name is only a number within its grid ("第4微网格"): say which grid it is in. */
function placeName(layout: Layout, code: string): string {
  const g = layout.gridIndex(code)
  if (g < 0) return code
  const p = layout.tree.parentIndex[g]
  return layout.level[g] === 4 && p >= 0 ? `${layout.tree.grids[p].name}·${layout.tree.grids[g].name}` : layout.tree.grids[g].name
}
