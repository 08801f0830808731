// Rebuild the metrics from the event log, and replay the log's tail after a checkpoint.
//
// The full rebuild folds every event into flat per-case arrays (fold.ts), then adds each case's final
// contribution to its own rows and rolls the grid tree up once: the same counters the live path reaches
// event by event, at a fraction of the cost.
import type { Db } from '../db'
import { reduce, type CaseEvent, type CaseState, type Level, type CaseStateName, type Action } from '../../shared/workflow'
import type { CaseKeys, MetricsEngine } from './engine'
import { CaseFold } from './fold'

const PAGE = 10_000

export interface RebuildStats {
  events: number
  cases: number
  ms: number
  /** Where the time went: folding the log, reading case facts, adding contributions, rolling up. */
  phases: { fold: number; facts: number; add: number; rollUp: number }
}

/** The rows of every case, by case id. */
function loadKeys(db: Pick<Db, '$client'>, engine: MetricsEngine, capacity: number) {
  const keys = {
    grid: new Int32Array(capacity).fill(-1),
    special: new Int32Array(capacity).fill(-1),
    source: new Int32Array(capacity).fill(-1),
    bigClass: new Int32Array(capacity).fill(-1),
  }
  const l = engine.layout
  const page = db.$client.prepare('SELECT id, grid, special, source, matter FROM cases WHERE id > ? ORDER BY id LIMIT ?').raw()
  for (let after = 0; ; ) {
    const rows = page.all(after, PAGE) as [number, string, string | null, string, string][]
    for (const [id, grid, special, source, matter] of rows) {
      if (id >= capacity) continue
      keys.grid[id] = l.gridIndex(grid)
      keys.special[id] = l.gridIndex(special)
      keys.source[id] = l.sourceOf(source)
      keys.bigClass[id] = l.classOfMatter(matter)
    }
    if (rows.length < PAGE) break
    after = rows[rows.length - 1][0]
  }
  return keys
}

/**
 * Replace the engine's state with a full recompute from `case_events` (up to event `upTo`, for tests and
 * benchmarks of the tail replay; only events dated at or before `atMost`, for the state as of a past
 * moment: a case's events never go back in time, so that is a prefix of each case's story).
 */
export function rebuild(db: Pick<Db, '$client'>, engine: MetricsEngine, upTo = Number.MAX_SAFE_INTEGER, atMost = Number.MAX_SAFE_INTEGER): RebuildStats {
  const t0 = performance.now()
  const sql = db.$client
  const maxCase = (sql.prepare('SELECT COALESCE(MAX(case_id), 0) FROM case_events').pluck().get() as number) + 1
  const fold = new CaseFold(maxCase)
  let events = 0
  // Pages of rows by id range (.all costs less per row than stepping an iterator, and keeps memory flat). Not
  // even the id is read per row; the level column neither: it changes only on escalate, and fold derives it
  // as decide does.
  const lastId = sql.prepare('SELECT COALESCE(MAX(id), 0) FROM case_events WHERE id <= ?').pluck().get(upTo) as number
  const page = sql.prepare('SELECT case_id, action, at, data FROM case_events WHERE id > ? AND id <= ? AND at <= ?').raw()
  for (let lo = 0; lo < lastId; lo += PAGE) {
    const rows = page.all(lo, Math.min(lo + PAGE, lastId), atMost) as [number, string, number, string | null][]
    for (const r of rows) fold.fold(r[0], r[1], r[2], r[3])
    events += rows.length
  }
  const t1 = performance.now()
  const keys = loadKeys(db, engine, maxCase)
  const t2 = performance.now()
  engine.reset()
  let cases = 0
  const k: CaseKeys = { grid: -1, special: -1, source: -1, bigClass: -1 }
  for (let id = 0; id < maxCase; id++) {
    if (!fold.exists(id)) continue
    k.grid = keys.grid[id]
    k.special = keys.special[id]
    k.source = keys.source[id]
    k.bigClass = keys.bigClass[id]
    engine.add(k, fold.stateOf(id), 1, true)
    cases++
  }
  const t3 = performance.now()
  engine.rollUp()
  engine.lastEventId = lastId
  const t4 = performance.now()
  return { events, cases, ms: t4 - t0, phases: { fold: t1 - t0, facts: t2 - t1, add: t3 - t2, rollUp: t4 - t3 } }
}

type TailRow = [id: number, caseId: number, action: string, level: string, at: number, data: string | null, to: CaseStateName, from: CaseStateName | null, actor: string]

/** A log row as an event (the same event the ingest announced when it committed it). */
function eventOf(r: TailRow): CaseEvent {
  const [, caseId, action, level, at, data, to, from, actor] = r
  const e: CaseEvent = { caseId, action: action as Action, actor, at, from, to, level: level as Level }
  if (data !== null) e.data = JSON.parse(data)
  return e
}

/** One logged event with the case's state before and after it. */
export interface LoggedStep {
  id: number
  event: CaseEvent
  before: CaseState | null
  after: CaseState
}

/**
 * The log after `afterId` (at most `limit` events), each step with its case's state before and after, the
 * earlier states rebuilt from each touched case's earlier events in one pass: what the ingest announced
 * when it committed them, read back from the log.
 */
export function* stepsAfter(db: Db, afterId: number, limit = -1): Generator<LoggedStep> {
  const sql = db.$client
  const COLUMNS = 'e.id, e.case_id, e.action, e.level, e.at, e.data, e.to_state, e.from_state, e.actor'
  const tail = sql.prepare(`SELECT ${COLUMNS} FROM case_events e WHERE e.id > ? ORDER BY e.id LIMIT ?`).raw().all(afterId, limit) as TailRow[]
  if (tail.length === 0) return
  const last = tail[tail.length - 1][0]
  const states = new Map<number, CaseState | null>()
  const prior = sql
    .prepare(
      `SELECT ${COLUMNS} FROM case_events e
       WHERE e.case_id IN (SELECT DISTINCT case_id FROM case_events WHERE id > @after AND id <= @last) AND e.id <= @after ORDER BY e.id`,
    )
    .raw()
    .iterate({ after: afterId, last }) as IterableIterator<TailRow>
  for (const p of prior) states.set(p[1], reduce(states.get(p[1]) ?? null, eventOf(p)))
  for (const r of tail) {
    const event = eventOf(r)
    const before = states.get(event.caseId) ?? null
    const after = reduce(before, event)
    states.set(event.caseId, after)
    yield { id: r[0], event, before, after }
  }
}

/**
 * Fold the events after `afterId` into the engine, case by case, with each case's state before the tail
 * rebuilt from its earlier events. Returns the number of events replayed.
 */
export function replayTail(db: Db, engine: MetricsEngine, afterId: number): number {
  const keys = new Map<number, CaseKeys>()
  const factsOf = db.$client.prepare('SELECT grid, special, source, matter FROM cases WHERE id = ?')
  let n = 0
  for (const step of stepsAfter(db, afterId)) {
    const caseId = step.event.caseId
    if (!keys.has(caseId)) {
      const f = factsOf.get(caseId) as { grid: string; special: string | null; source: string; matter: string }
      keys.set(caseId, engine.keysOf(f))
    }
    engine.applyCase(keys.get(caseId)!, step.before, step.after)
    engine.lastEventId = step.id
    n++
  }
  return n
}
