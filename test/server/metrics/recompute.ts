// A deliberately naive full recompute from the `case_events` table: objects and maps, no typed arrays, no
// shared code with the engine but the domain's own reduce/contribute. The property tests hold the engine
// (incremental, rebuilt and checkpointed) to it.
import type { Db } from '../../../server/db'
import { COUNTER_COUNT, C, contribute } from '../../../shared/counters'
import { reduce, type CaseEvent, type CaseState } from '../../../shared/workflow'
import { SOURCES, WINDOWS, type Window } from '../../../shared/protocol'

const DAY = 86_400_000
const HOUR = 3_600_000
const localDay = (t: number) => Math.floor((t + 8 * HOUR) / DAY)

export interface Recomputed {
  /** `${key}|${window}` → counters; key = grid code, `d:`dept, `c:`big class, `s:`source. */
  counters: Map<string, number[]>
  /** `${gridCode}|${hour}` → [received, closed]. */
  hours: Map<string, number[]>
  /** `${gridCode}|${window}|${column}` → value, for grid nodes of level ≤ 2. */
  cross: Map<string, number>
}

export function inWindow(w: Window, reportedAt: number, now: number): boolean {
  const d = localDay(reportedAt)
  const today = localDay(now)
  if (w === 'all') return true
  if (d > today) return false
  if (w === 'today') return d === today
  if (w === '7d') return d >= today - 6
  const local = new Date(now + 8 * HOUR)
  const monthStart = Math.floor(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), 1) / DAY)
  return d >= monthStart
}

export function recompute(db: Db, now: number): Recomputed {
  const sql = db.$client
  const grids = sql.prepare('SELECT code, level, parent FROM grids').all() as { code: string; level: number; parent: string | null }[]
  const byCode = new Map(grids.map((g) => [g.code, g]))
  const matters = new Map(
    // A class is its kind and its code: big-class codes restart in each kind.
    (sql.prepare("SELECT code, (CASE kind WHEN '部件' THEN '1' ELSE '2' END) || big_class AS bigClass FROM matters").all() as { code: string; bigClass: string }[]).map((m) => [m.code, m.bigClass]),
  )
  const rows = sql.prepare('SELECT * FROM case_events ORDER BY id').all() as Record<string, unknown>[]
  const states = new Map<number, CaseState | null>()
  for (const r of rows) {
    const e: CaseEvent = {
      caseId: r.case_id as number, action: r.action as CaseEvent['action'], actor: r.actor as string, at: r.at as number,
      from: r.from_state as CaseEvent['from'], to: r.to_state as CaseEvent['to'], level: r.level as CaseEvent['level'],
    }
    if (r.data !== null) e.data = JSON.parse(r.data as string)
    states.set(e.caseId, reduce(states.get(e.caseId) ?? null, e))
  }
  const facts = new Map(
    (sql.prepare('SELECT id, grid, special, source, matter FROM cases').all() as {
      id: number; grid: string; special: string | null; source: string; matter: string
    }[]).map((f) => [f.id, f]),
  )
  const out: Recomputed = { counters: new Map(), hours: new Map(), cross: new Map() }
  const bump = (key: string, vec: number[]) => {
    const cur = out.counters.get(key) ?? new Array(COUNTER_COUNT).fill(0)
    vec.forEach((v, i) => (cur[i] += v))
    out.counters.set(key, cur)
  }
  const hour = (key: string, col: number, t: number | null) => {
    if (t === null) return
    const h = Math.floor(t / HOUR)
    const nowH = Math.floor(now / HOUR)
    if (h <= nowH - 48 || h > nowH) return
    const cur = out.hours.get(`${key}|${h}`) ?? [0, 0]
    cur[col]++
    out.hours.set(`${key}|${h}`, cur)
  }
  const crossAdd = (key: string, v: number) => out.cross.set(key, (out.cross.get(key) ?? 0) + v)
  for (const [id, s] of states) {
    if (!s) continue
    const f = facts.get(id)!
    const vec = new Array(COUNTER_COUNT).fill(0)
    contribute(s, vec)
    const nodes: string[] = []
    for (let g = byCode.get(f.grid); g; g = g.parent ? byCode.get(g.parent) : undefined) nodes.push(g.code)
    if (!byCode.has('410103') && nodes.length) nodes.push('410103')
    const all = f.special ? [...nodes, f.special] : nodes
    for (const w of WINDOWS) {
      if (!inWindow(w, s.reportedAt, now)) continue
      for (const n of all) bump(`${n}|${w}`, vec)
      if (s.department) bump(`d:${s.department}|${w}`, vec)
      bump(`c:${matters.get(f.matter)}|${w}`, vec)
      if ((SOURCES as readonly string[]).includes(f.source)) bump(`s:${f.source}|${w}`, vec)
      for (const n of nodes) {
        const level = byCode.get(n)?.level ?? 0
        if (level > 2) continue
        crossAdd(`${n}|${w}|class:${matters.get(f.matter)}`, vec[C.received])
        crossAdd(`${n}|${w}|source:${f.source}`, vec[C.received])
        if (s.department) {
          crossAdd(`${n}|${w}|onTime:${s.department}`, vec[C.closedOnTime])
          crossAdd(`${n}|${w}|dueClose:${s.department}`, vec[C.dueClose])
        }
      }
    }
    for (const n of all) {
      hour(n, 0, s.reportedAt)
      hour(n, 1, s.closedAt)
    }
  }
  return out
}
