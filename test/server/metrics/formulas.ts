// A second oracle, written straight from the indicator table of DOMAIN §3 and the workflow of §2: it reads the
// raw `case_events` rows of each case and counts every rate's numerator and denominator itself. It shares no
// code with the engine's counting (no reduce(), no contribute(), no shared/indicators), so a defect there
// cannot hide behind the same defect in the oracle.
import type { Db } from '../../../server/db'
import { isOpenState, type CaseStateName } from '../../../shared/workflow'
import { WINDOWS, type Window } from '../../../shared/protocol'
import { inWindow } from './recompute'

export interface FormulaOptions {
  /** k: the weight of 基本满意 in 满意率. */
  k: number
  /** 延期率's denominator: 应处置数, or 应结案数 in cities that divide by it. */
  extensionOver: 'dueHandle' | 'dueClose'
  threeRate: { response: number; resolution: number; satisfaction: number }
}

interface Row { action: string; at: number; to: CaseStateName; data: Record<string, unknown> | null }

/** What §3 asks of one case, read off its events in log order. */
function facts(events: Row[]) {
  const has = (a: string) => events.some((e) => e.action === a)
  const last = (...as: string[]) => [...events].reverse().find((e) => as.includes(e.action))
  const registered = has('register')
  const closeEvent = last('close', 'force_close')
  const closed = closeEvent !== undefined
  const open = isOpenState(events[events.length - 1].to)
  // The limit in force: the last one set at registration or by an approved extension (延期).
  const deadline = (last('register', 'extend')?.data?.deadline as number | undefined) ?? null
  // Past the limit: the timer's red light, unless an extension came after it.
  const red = last('overdue', 'extend')?.action === 'overdue'
  // Handled: a fix after the last failed check (返工), or closed after registration (a closed case counts as handled).
  const handleEvent = last('handle', 'rework')
  const handledAt = handleEvent?.action === 'handle' ? handleEvent.at : closed && registered ? closeEvent.at : null
  const handled = handledAt !== null
  const dueHandle = handled || (registered && red) // 应处置数
  const dueClose = closed || (registered && open && red) // 应结案数: closed, plus those due to close
  const rating = last('rate')?.data ?? null
  return {
    received: 1,
    registered: +registered,
    dispatched: +has('dispatch'),
    // Never sent back as the wrong department (退回) and so never re-dispatched to another.
    dispatchedAccurate: +(has('dispatch') && !has('return')),
    handled: +handled,
    handledOnTime: +(handled && (deadline === null || handledAt <= deadline)),
    dueHandle: +dueHandle,
    closed: +closed,
    closedOnTime: +(closed && (deadline === null || closeEvent.at <= deadline)),
    dueClose: +dueClose,
    reworked: +(dueClose && has('rework')),
    overdueOpen: +(open && red),
    extended: +(dueHandle && has('extend')),
    rated: +(rating !== null),
    satisfied: +(rating?.rating === 'satisfied'),
    basic: +(rating?.rating === 'basic'),
    contacted: +(rating !== null && (rating.contacted ?? true) === true),
    resolved: +(rating !== null && (rating.resolved ?? rating.rating !== 'unsatisfied') === true),
  }
}
type Sums = ReturnType<typeof facts>

const ratio = (n: number, d: number) => (d === 0 ? null : n / d)

/** §3, row by row. */
export function formulas(s: Sums, o: FormulaOptions): Record<string, number | null> {
  const response = ratio(s.contacted, s.rated)
  const resolution = ratio(s.resolved, s.rated)
  const satisfaction = ratio(s.satisfied + o.k * s.basic, s.rated)
  return {
    registrationRate: ratio(s.registered, s.received),
    dispatchRate: ratio(s.dispatched, s.registered),
    dispatchAccuracy: ratio(s.dispatchedAccurate, s.dispatched),
    handlingRate: ratio(s.handled, s.dueHandle),
    onTimeHandlingRate: ratio(s.handledOnTime, s.dueHandle),
    closureRate: ratio(s.closed, s.dueClose),
    onTimeClosureRate: ratio(s.closedOnTime, s.dueClose),
    reworkRate: ratio(s.reworked, s.dueClose),
    overdueRate: ratio(s.overdueOpen, s.dueHandle),
    extensionRate: ratio(s.extended, s[o.extensionOver]),
    satisfactionRate: satisfaction,
    responseRate: response,
    resolutionRate: resolution,
    threeRateComposite:
      s.rated === 0 ? null : o.threeRate.response * response! + o.threeRate.resolution * resolution! + o.threeRate.satisfaction * satisfaction!,
  }
}

/** `${gridCode}|${window}` → every indicator of that grid node (and its subtree) in that window. */
export function indicatorsByFormula(db: Db, now: number, o: FormulaOptions): Map<string, Record<string, number | null>> {
  const sql = db.$client
  const parent = new Map(
    (sql.prepare('SELECT code, parent FROM grids').all() as { code: string; parent: string | null }[]).map((g) => [g.code, g.parent]),
  )
  const byCase = new Map<number, Row[]>()
  for (const r of sql.prepare('SELECT case_id AS caseId, action, at, to_state AS "to", data FROM case_events ORDER BY id').all() as (Row & { caseId: number; data: string | null })[]) {
    const list = byCase.get(r.caseId) ?? []
    list.push({ action: r.action, at: r.at, to: r.to, data: r.data === null ? null : JSON.parse(r.data) })
    byCase.set(r.caseId, list)
  }
  const where = new Map(
    (sql.prepare('SELECT id, grid, special FROM cases').all() as { id: number; grid: string; special: string | null }[]).map((c) => [c.id, c]),
  )
  const sums = new Map<string, Sums>()
  for (const [id, events] of byCase) {
    const f = facts(events)
    const reportedAt = events[0].at
    for (const w of WINDOWS as readonly Window[]) {
      if (!inWindow(w, reportedAt, now)) continue
      // A case counts in its micro grid and every grid above it, and in its special grid (an enterprise, a school).
      const nodes: string[] = []
      for (let g: string | null | undefined = where.get(id)!.grid; g; g = parent.get(g)) nodes.push(g)
      const special = where.get(id)!.special
      if (special) nodes.push(special)
      for (const g of nodes) {
        const key = `${g}|${w}`
        const s = sums.get(key)
        if (!s) sums.set(key, { ...f })
        else for (const k of Object.keys(f) as (keyof Sums)[]) s[k] += f[k]
      }
    }
  }
  return new Map([...sums].map(([key, s]) => [key, formulas(s, o)]))
}
