// Folds a stretch of the log, in time order, into a metrics engine through the live path: each event is
// reduced onto its case's state (shared/workflow) and the engine replaces the case's contribution
// (applyCase), exactly as for a committed change. A case's state before the stretch comes from its earlier
// events. Kept per case while a replay plays on, bounded: a forgotten case is read back from the log.
import type Database from 'better-sqlite3'
import { reduce, type Action, type CaseEvent, type CaseState, type CaseStateName, type Level } from '../../shared/workflow'
import type { CaseFacts } from '../../shared/case'
import type { CaseKeys, MetricsEngine } from '../metrics/engine'

/** Case states (and their rows) kept between stretches; about 0.5 KB each. */
export const MAX_CASES = 20_000

type Row = [id: number, caseId: number, action: string, level: string, at: number, data: string | null, to: CaseStateName]
type FactRow = [caseId: number, grid: string, special: string | null, source: string, matter: string, description: string, lon: number, lat: number]


/** One folded event, for the ticker and alerts (server/live/feed). */
export interface Folded {
  id: number
  event: CaseEvent
  facts: CaseFacts
}

const COLUMNS = 'e.id, e.case_id, e.action, e.level, e.at, e.data, e.to_state'

function eventOf(r: Row): CaseEvent {
  const e: CaseEvent = { caseId: r[1], action: r[2] as Action, actor: '', at: r[4], from: null, to: r[6], level: r[3] as Level }
  if (r[5] !== null) e.data = JSON.parse(r[5])
  return e
}

export class LogFolder {
  private readonly states = new Map<number, CaseState>()
  private readonly facts = new Map<number, { keys: CaseKeys; facts: CaseFacts }>()
  private readonly stretch: Database.Statement
  private readonly prior: Database.Statement
  private readonly factsOf: Database.Statement
  /** Events folded since construction (diagnostics). */
  events = 0

  constructor(
    sql: Database.Database,
    private readonly engine: MetricsEngine,
    private readonly maxCases = MAX_CASES,
  ) {
    // (at, id): a case's own events are in id order and never go back in time, so this is also each
    // case's order; across cases the order does not change the sums.
    this.stretch = sql.prepare(`SELECT ${COLUMNS} FROM case_events e WHERE e.at > ? AND e.at <= ? ORDER BY e.at, e.id`).raw()
    this.prior = sql
      .prepare(`SELECT ${COLUMNS} FROM case_events e WHERE e.case_id IN (SELECT value FROM json_each(?)) AND e.at <= ? ORDER BY e.id`)
      .raw()
    this.factsOf = sql
      .prepare('SELECT id, grid, special, source, matter, description, lon, lat FROM cases WHERE id IN (SELECT value FROM json_each(?))')
      .raw()
  }

  /** Forget every case (after the replay jumped: the kept states belong to another moment). */
  forget(): void {
    this.states.clear()
  }

  /**
   * Fold the events with `after` < at ≤ `upTo` (the engine's clock must already stand at `upTo`, or later
   * within the day ring). `each` sees every event with its case's facts; without it (a seek) each case's
   * contribution is replaced once, by its state after its last event in the stretch, which leaves the same
   * sums at a fraction of the cost. Returns the number of events folded.
   */
  fold(after: number, upTo: number, each?: (f: Folded) => void): number {
    const rows = this.stretch.all(after, upTo) as Row[]
    if (rows.length === 0) return 0
    const missing = new Set<number>()
    const unknown = new Set<number>()
    for (const r of rows) {
      if (!this.states.has(r[1])) missing.add(r[1])
      if (!this.facts.has(r[1])) unknown.add(r[1])
    }
    // A case's state before the stretch. A report inside the stretch starts from nothing, which its own
    // earlier events (none) also give.
    if (missing.size) {
      const before = new Map<number, CaseState>()
      for (const p of this.prior.iterate(JSON.stringify([...missing]), after) as IterableIterator<Row>)
        before.set(p[1], reduce(before.get(p[1]) ?? null, eventOf(p)))
      for (const [id, s] of before) this.states.set(id, s)
    }
    if (unknown.size) {
      for (const f of this.factsOf.all(JSON.stringify([...unknown])) as FactRow[]) {
        // What the ticker shows; a replay never reads personal data.
        const facts: CaseFacts = {
          grid: f[1], special: f[2], source: f[3], matter: f[4], description: f[5], lon: f[6], lat: f[7],
          externalId: null, address: null, reporterName: null, reporterPhone: null, mediaUrl: null,
        }
        this.facts.set(f[0], { keys: this.engine.keysOf(facts), facts })
      }
    }
    const engine = this.engine
    const start = each ? null : new Map<number, CaseState | null>()
    for (const r of rows) {
      const event = eventOf(r)
      const id = event.caseId
      const before = this.states.get(id) ?? null
      const after = reduce(before, event)
      const known = this.facts.get(id)
      // A case without facts (a log written without its projection) cannot be placed: it counts nowhere.
      if (known && start) {
        if (!start.has(id)) start.set(id, before)
      } else if (known) {
        engine.applyCase(known.keys, before, after)
        each!({ id: r[0], event, facts: known.facts })
        this.facts.delete(id)
        this.facts.set(id, known)
      }
      // Re-inserted, so the Map's order is the order of last use.
      this.states.delete(id)
      this.states.set(id, after)
    }
    if (start) for (const [id, before] of start) engine.applyCase(this.facts.get(id)!.keys, before, this.states.get(id)!)
    this.events += rows.length
    this.bound()
    return rows.length
  }

  /** Keep the cases used last (a Map iterates in insertion order, and a used case is re-inserted). */
  private bound(): void {
    for (const map of [this.states, this.facts] as Map<number, unknown>[]) {
      if (map.size <= this.maxCases) continue
      let drop = map.size - Math.floor(this.maxCases * 0.75)
      for (const id of map.keys()) {
        if (drop-- <= 0) break
        map.delete(id)
      }
    }
  }
}
