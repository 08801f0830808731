// The read side of cases: one case with its history, and filtered, paginated lists. Prepared statements are
// cached per filter combination, so a wall polling the same list reuses its plan.
import type { Statement } from 'better-sqlite3'
import type { Db } from '../db'
import { SELECT_CASE, type CaseRow } from './log'
import { OPEN_STATES_SQL } from './states'
import { isSpecialCode } from '../../shared/grid'

export interface EventRow {
  id: number
  caseId: number
  action: string
  fromState: string | null
  toState: string
  level: string
  actor: string
  at: number
  reason: string | null
  data: string | null
}

export interface CaseFilter {
  /** Grid subtree (ordinary code prefix) or a special grid code. */
  grid?: string
  /** A special grid, besides `grid` (a street viewer asking about a special grid in its street). */
  special?: string
  states?: string[]
  matter?: string
  department?: string
  source?: string
  /** reportedAt window [from, to), ms. */
  from?: number
  to?: number
  overdue?: boolean
  /** Ids below this (the next page of a newest-first list). */
  cursor?: number
  offset?: number
  limit: number
}

export class CaseReader {
  private readonly statements = new Map<string, Statement>()
  private readonly selectCase
  private readonly selectEvents

  constructor(private readonly db: Db) {
    this.selectCase = db.$client.prepare(`${SELECT_CASE} WHERE id = ?`)
    this.selectEvents = db.$client.prepare(
      `SELECT id, case_id AS caseId, action, from_state AS fromState, to_state AS toState, level, actor, at, reason, data
       FROM case_events WHERE case_id = ? ORDER BY id`,
    )
  }

  get(id: number): CaseRow | undefined {
    return this.selectCase.get(id) as CaseRow | undefined
  }

  events(id: number): EventRow[] {
    return this.selectEvents.all(id) as EventRow[]
  }

  list(f: CaseFilter): { total: number; rows: CaseRow[] } {
    const where: string[] = []
    const params: Record<string, unknown> = {}
    if (f.grid !== undefined) {
      if (isSpecialCode(f.grid)) {
        where.push('special = @grid')
        params.grid = f.grid
      } else {
        // A subtree is a code prefix: a range scan on the grid index. ':' sorts right after '9'.
        where.push('grid >= @gridLo AND grid < @gridHi')
        params.gridLo = f.grid
        params.gridHi = f.grid + ':'
      }
    }
    if (f.special !== undefined) {
      where.push('special = @special')
      params.special = f.special
    }
    if (f.states?.length) {
      where.push(`state IN (${f.states.map((_, i) => `@state${i}`).join(', ')})`)
      f.states.forEach((s, i) => (params[`state${i}`] = s))
    }
    for (const k of ['matter', 'department', 'source'] as const)
      if (f[k] !== undefined) {
        where.push(`${k} = @${k}`)
        params[k] = f[k]
      }
    if (f.from !== undefined) {
      where.push('reported_at >= @from')
      params.from = f.from
    }
    if (f.to !== undefined) {
      where.push('reported_at < @to')
      params.to = f.to
    }
    if (f.overdue !== undefined)
      where.push(f.overdue ? `(light = 'red' AND state IN ${OPEN_STATES_SQL})` : `NOT (light = 'red' AND state IN ${OPEN_STATES_SQL})`)
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : ''
    const total = this.prepare(`SELECT COUNT(*) FROM cases ${filter}`).pluck().get(params) as number
    const page = [...where]
    if (f.cursor !== undefined) {
      page.push('id < @cursor')
      params.cursor = f.cursor
    }
    params.limit = f.limit
    params.offset = f.cursor === undefined ? (f.offset ?? 0) : 0
    const sql = `${SELECT_CASE} ${page.length ? `WHERE ${page.join(' AND ')}` : ''} ORDER BY id DESC LIMIT @limit OFFSET @offset`
    return { total, rows: this.prepare(sql).all(params) as CaseRow[] }
  }

  private prepare(sql: string): Statement {
    let s = this.statements.get(sql)
    if (!s) {
      s = this.db.$client.prepare(sql)
      // Filters combine in a bounded number of ways; the cap only guards against surprises.
      if (this.statements.size < 512) this.statements.set(sql, s)
    }
    return s
  }
}
