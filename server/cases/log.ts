// The case log: append events to `case_events` and write the `cases` projection, with prepared
// statements. Every writer (ingest, the history seed) goes through here, so the log and the
// projection are always written together, in the caller's transaction.
import type Database from 'better-sqlite3'
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
// the insert itself. STATE_FIELDS and stateValues() list the same columns in the same order.
/** The workflow state's fields, in stateValues() order (reportedAt never changes). */
const STATE_FIELDS = [
  'state', 'level', 'light', 'department', 'deadline', 'registeredAt', 'dispatchedAt', 'handledAt', 'closedAt',
  'reworks', 'returns', 'extensions', 'supervised', 'forced', 'rating', 'contacted', 'resolved',
] as const satisfies readonly (keyof CaseState)[]
/** Their columns: the field names in snake case, as the schema names them. */
const STATE_COLUMN_NAMES = STATE_FIELDS.map((f) => f.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`))

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

const EVENT_COLUMNS = 'case_id, action, from_state, to_state, level, actor, at, reason, data'
/** Most events one INSERT statement appends; a longer run is split. A report with an import row's whole
 * history has eight. */
const EVENTS_PER_INSERT = 16

export class CaseLog {
  private readonly insertEvent
  /** INSERT statements of n events (index n), prepared when first needed. */
  private readonly insertEvents: (Database.Statement | undefined)[] = []
  private readonly insertCase
  /** UPDATE statements by the set of state columns they write (a bit per STATE_FIELDS entry), prepared when first needed. */
  private readonly updateCase = new Map<number, Database.Statement>()
  private readonly selectCase
  private readonly selectCaseValues
  private readonly maxCaseId
  private nextId: number

  constructor(readonly db: Db) {
    const sql = db.$client
    this.insertEvent = sql.prepare(
      `INSERT INTO case_events (${EVENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    this.insertCase = sql.prepare(
      `INSERT INTO cases (id, external_id, source, matter, grid, special, lon, lat, address, description,
        reporter_name, reporter_phone, media_url, reported_at, state, level, light, department, deadline,
        registered_at, dispatched_at, handled_at, closed_at, reworks, returns, extensions, supervised, forced,
        rating, contacted, resolved, updated_at, last_event_id)
       VALUES (${Array(33).fill('?').join(', ')})`,
    )
    this.selectCase = sql.prepare(`${SELECT_CASE} WHERE id = ?`)
    this.selectCaseValues = sql.prepare(`${SELECT_CASE} WHERE id = ?`).raw()
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

  /**
   * Append up to EVENTS_PER_INSERT events (events[from], …) in ONE statement: a statement per event cost a
   * report with its history more than the rows themselves. Returns how many it appended and the first one's
   * log id; the ids are consecutive (one statement's rows get the next ids, in order).
   */
  appendEvents(events: readonly CaseEvent[], from = 0): { n: number; firstId: number } {
    const n = Math.min(EVENTS_PER_INSERT, events.length - from)
    const values: unknown[] = new Array(n * 9)
    for (let k = 0; k < n; k++) {
      const e = events[from + k]
      const o = k * 9
      values[o] = e.caseId
      values[o + 1] = e.action
      values[o + 2] = e.from
      values[o + 3] = e.to
      values[o + 4] = e.level
      values[o + 5] = e.actor
      values[o + 6] = e.at
      values[o + 7] = e.reason ?? null
      values[o + 8] = e.data === undefined ? null : JSON.stringify(e.data)
    }
    const last = Number(this.insertEventsOf(n).run(values).lastInsertRowid)
    return { n, firstId: last - n + 1 }
  }

  private insertEventsOf(n: number): Database.Statement {
    return (this.insertEvents[n] ??= this.db.$client.prepare(
      `INSERT INTO case_events (${EVENT_COLUMNS}) VALUES ${Array(n).fill('(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
    ))
  }

  /** Write a new case's projection row (after its events are appended). */
  insertProjection(id: number, facts: CaseFacts, s: CaseState, updatedAt: number, lastEventId: number): void {
    const f = facts
    this.insertCase.run(
      id, f.externalId, f.source, f.matter, f.grid, f.special, f.lon, f.lat, f.address, f.description, f.reporterName,
      f.reporterPhone, f.mediaUrl, s.reportedAt, ...stateValues(s, updatedAt, lastEventId),
    )
  }

  /**
   * Update an existing case's projection row from `before` (what the row holds) to `s`. Only the columns that
   * changed are written: SQLite rewrites the index entries of every indexed column an UPDATE sets, changed or
   * not, and a deadline crossing changes only the light (3.5× less per update than setting all of them).
   */
  updateProjection(id: number, before: CaseState, s: CaseState, updatedAt: number, lastEventId: number): void {
    const all = stateValues(s, updatedAt, lastEventId)
    const values: unknown[] = []
    let columns = 0
    for (let k = 0; k < STATE_FIELDS.length; k++)
      if (before[STATE_FIELDS[k]] !== s[STATE_FIELDS[k]]) {
        columns |= 1 << k
        values.push(all[k])
      }
    values.push(updatedAt, lastEventId, id)
    this.updateOf(columns).run(values)
  }

  private updateOf(columns: number): Database.Statement {
    let st = this.updateCase.get(columns)
    if (!st) {
      const set = STATE_COLUMN_NAMES.filter((_, k) => columns & (1 << k)).map((c) => `${c} = ?, `).join('')
      this.updateCase.set(columns, (st = this.db.$client.prepare(`UPDATE cases SET ${set}updated_at = ?, last_event_id = ? WHERE id = ?`)))
    }
    return st
  }

  get(id: number): CaseRow | undefined {
    return this.selectCase.get(id) as CaseRow | undefined
  }

  /**
   * What a command needs of a case: its state, its facts (an object of their own, which listeners may keep)
   * and when it last changed, built straight from the row's values (SELECT_CASE's order) rather than from a
   * row object of 33 named columns made only to be copied into them (every deadline crossing reads one).
   */
  current(id: number): { state: CaseState; facts: CaseFacts; updatedAt: number } | undefined {
    // The values, typed by the fields they fill (the test compares the result with get()).
    const r = this.selectCaseValues.get(id) as any[] | undefined
    if (r === undefined) return undefined
    return {
      facts: {
        externalId: r[1], source: r[2], matter: r[3], grid: r[4], special: r[5], lon: r[6], lat: r[7], address: r[8],
        description: r[9], reporterName: r[10], reporterPhone: r[11], mediaUrl: r[12],
      },
      state: {
        state: r[13], level: r[14], department: r[16], deadline: r[17], light: r[15], reportedAt: r[18],
        registeredAt: r[19], dispatchedAt: r[20], handledAt: r[21], closedAt: r[22], reworks: r[23], returns: r[24],
        extensions: r[25], supervised: !!r[26], forced: !!r[27], rating: r[28], contacted: !!r[29], resolved: !!r[30],
      },
      updatedAt: r[31],
    }
  }

  /** Run `fn` in one SQLite transaction: committed when it returns, rolled back if it throws. */
  transaction<T>(fn: () => T): T {
    return this.db.$client.transaction(fn)()
  }
}
