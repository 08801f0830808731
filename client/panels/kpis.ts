// The seven headline figures: which counter or indicator each shows, over which window, and which
// cases stand behind it. The server sends every number; this file only says where to read it.
import type { CounterName } from '../../shared/counters'
import type { IndicatorName } from '../../shared/indicators'
import type { Panels, Window } from '../../shared/protocol'
import { OPEN_STATES } from '../../shared/workflow'
import { clock } from '../format'
import type { CaseQuery } from '../composables/useCases'

export type KpiId = 'received' | 'todayNew' | 'open' | 'closureRate' | 'onTimeClosureRate' | 'satisfactionRate' | 'overdue'
/** `now` = current state (cases open right now), read from the cumulative counters. */
export type KpiWindow = Window | 'now'

export interface KpiDef {
  id: KpiId
  counter?: CounterName
  indicator?: IndicatorName
  /** A fixed window, or undefined to follow the screen's window switch. */
  window?: KpiWindow
  tone?: 'warn' | 'danger' | 'ok'
  /** The case lists behind the figure (first = the numerator's cases). */
  lists: (scope: string, w: Window, now: number) => { label: string; query: CaseQuery }[]
}

const CLOSED = ['closed', 'rated']
// Window starts come from the district's clock, the one the server's metrics count windows by.
const since = (w: Window, now: number) => clock.windowStart(w, now) ?? undefined

export const KPIS: KpiDef[] = [
  { id: 'received', counter: 'received', window: 'all', lists: (grid) => [{ label: 'received', query: { grid } }] },
  {
    id: 'todayNew', counter: 'received', window: 'today',
    lists: (grid, _w, now) => [{ label: 'received', query: { grid, from: since('today', now) } }],
  },
  { id: 'open', counter: 'open', window: 'now', lists: (grid) => [{ label: 'open', query: { grid, states: OPEN_STATES } }] },
  {
    id: 'closureRate', indicator: 'closureRate', tone: 'ok',
    lists: (grid, w, now) => [
      { label: 'closed', query: { grid, states: CLOSED, from: since(w, now) } },
      { label: 'overdueOpen', query: { grid, overdue: true, from: since(w, now) } },
    ],
  },
  {
    id: 'onTimeClosureRate', indicator: 'onTimeClosureRate', tone: 'ok',
    lists: (grid, w, now) => [
      { label: 'closed', query: { grid, states: CLOSED, from: since(w, now) } },
      { label: 'overdueOpen', query: { grid, overdue: true, from: since(w, now) } },
    ],
  },
  {
    id: 'satisfactionRate', indicator: 'satisfactionRate', tone: 'ok',
    lists: (grid, w, now) => [{ label: 'rated', query: { grid, states: ['rated'], from: since(w, now) } }],
  },
  {
    id: 'overdue', counter: 'overdueOpen', window: 'now', tone: 'danger',
    lists: (grid) => [{ label: 'overdueOpen', query: { grid, overdue: true } }],
  },
]

/** The window a KPI reads from: `now` figures come from the cumulative counters. */
export const dataWindow = (def: KpiDef, screen: Window): Window =>
  def.window === undefined ? screen : def.window === 'now' ? 'all' : def.window
export const shownWindow = (def: KpiDef, screen: Window): KpiWindow => def.window ?? screen

export function kpiValue(def: KpiDef, panels: Panels | null, screen: Window): number | null {
  const kpi = panels?.kpis[dataWindow(def, screen)]
  if (!kpi) return null
  return def.indicator ? kpi.indicators[def.indicator] : kpi.counters[def.counter!]
}
