// The case log: append events to `case_events` and write the `cases` projection, with prepared
// statements. Every writer (ingest, the history seed) goes through here, so the log and the
// projection are always written together, in the caller's transaction.
import type { Db } from '../db'
import type { CaseEvent, CaseState } from '../../shared/workflow'
import type { CaseFacts } from '../../shared/case'

export type { CaseFacts }

/** A case as SQLite stores it: its facts and its state (booleans as 0/1), with the row's bookkeeping. */
export type CaseRow = CaseFacts & { [K in keyof CaseState]: CaseState[K] extends boolean ? number : CaseState[K] } & {
  id: number
  updatedAt: number
  lastEventId: number
}

// Positional parameters: binding 33 named parameters from a freshly spread object cost the ingest more than
// the insert itself. STATE_COLUMNS and stateValues() list the same columns in the same order.
const STATE_COLUMNS = `state = ?, level = ?, light = ?, department = ?, deadline = ?, registered_at = ?, dispatched_at = ?,
  handled_at = ?, closed_at = ?, reworks = ?, returns = ?, extensions = ?, supervised = ?, forced = ?, rating = ?,
  contacted = ?, resolved = ?, updated_at = ?, last_event_id = ?`

function stateValues(s: CaseState, updatedAt: number, lastEventId: number) {
  return [
    s.state, s.level, s.light, s.department, s.deadline, s.registeredAt, s.dispatchedAt, s.handledAt, s.closedAt,
    s.reworks, s.returns, s.extensions, +s.supervised, +s.forced, s.rating, +s.contacted, +s.resolved, updatedAt, lastEventId,
  ] as const
}

export const SELECT_CASE = `SELECT id, external_id AS externalId, source, matter, grid, special, lon, lat, address, description,
  reporter_name AS reporterName, reporter_phone AS reporterPhone, media_url AS mediaUrl, state, level, light, department,
  deadline, reported_at AS reportedAt, registered_at AS registeredAt, dispatched_at AS dispatchedAt,
  handled_at AS handledAt, closed_at AS closedAt, reworks, returns, extensions, supervised, forced, rating,
  contacted, resolved, updated_at AS updatedAt, last_event_id AS lastEventId FROM cases`

/** The workflow state held in a projection row. */
export function stateOfRow(r: CaseRow): CaseState {
  return {
    state: r.state, level: r.level, department: r.department, deadline: r.deadline, light: r.light,
    reportedAt: r.reportedAt, registeredAt: r.registeredAt, dispatchedAt: r.dispatchedAt, handledAt: r.handledAt,
    closedAt: r.closedAt, reworks: r.reworks, returns: r.returns, extensions: r.extensions,
    supervised: !!r.supervised, forced: !!r.forced, rating: r.rating, contacted: !!r.contacted, resolved: !!r.resolved,
  }
}

export class CaseLog {
  private readonly insertEvent
  private readonly insertCase
  private readonly updateCase
  private readonly selectCase
  private readonly maxCaseId
  private nextId: number

  constructor(readonly db: Db) {
    const sql = db.$client
    this.insertEvent = sql.prepare(
      `INSERT INTO case_events (case_id, action, from_state, to_state, level, actor, at, reason, data)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    this.insertCase = sql.prepare(
      `INSERT INTO cases (id, external_id, source, matter, grid, special, lon, lat, address, description,
        reporter_name, reporter_phone, media_url, reported_at, state, level, light, department, deadline,
        registered_at, dispatched_at, handled_at, closed_at, reworks, returns, extensions, supervised, forced,
        rating, contacted, resolved, updated_at, last_event_id)
       VALUES (${Array(33).fill('?').join(', ')})`,
    )
    this.updateCase = sql.prepare(`UPDATE cases SET ${STATE_COLUMNS} WHERE id = ?`)
    this.selectCase = sql.prepare(`${SELECT_CASE} WHERE id = ?`)
    this.maxCaseId = sql.prepare('SELECT COALESCE(MAX(id), 0) AS m FROM cases').pluck()
    this.nextId = (this.maxCaseId.get() as number) + 1
  }

  /** Reserve the next case id (ids are dense and increase with report order). */
  newCaseId(): number {
    return this.nextId++
  }

  /** Re-read the next case id from the table, e.g. after a rolled-back transaction reserved ids it never used. */
  resyncIds(): void {
    this.nextId = (this.maxCaseId.get() as number) + 1
  }

  /** Append one event; returns its log id. */
  appendEvent(e: CaseEvent): number {
    return Number(
      this.insertEvent.run(e.caseId, e.action, e.from, e.to, e.level, e.actor, e.at, e.reason ?? null,
        e.data === undefined ? null : JSON.stringify(e.data)).lastInsertRowid,
    )
  }

  /** Write a new case's projection row (after its events are appended). */
  insertProjection(id: number, facts: CaseFacts, s: CaseState, updatedAt: number, lastEventId: number): void {
    const f = facts
    this.insertCase.run(
      id, f.externalId, f.source, f.matter, f.grid, f.special, f.lon, f.lat, f.address, f.description, f.reporterName,
      f.reporterPhone, f.mediaUrl, s.reportedAt, ...stateValues(s, updatedAt, lastEventId),
    )
  }

  /** Update an existing case's projection row. */
  updateProjection(id: number, s: CaseState, updatedAt: number, lastEventId: number): void {
    this.updateCase.run(...stateValues(s, updatedAt, lastEventId), id)
  }

  get(id: number): CaseRow | undefined {
    return this.selectCase.get(id) as CaseRow | undefined
  }

  /** Run `fn` in one SQLite transaction: committed when it returns, rolled back if it throws. */
  transaction<T>(fn: () => T): T {
    return this.db.$client.transaction(fn)()
  }
}
