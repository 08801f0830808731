// What the Open311 reads need from the database: cases by id list or by the GeoReport query, inside the
// caller's grid subtree, newest first. Read-only; statements are prepared once per query shape.
import type { Statement } from 'better-sqlite3'
import type { Db } from '../db'
import { SELECT_CASE, type CaseRow } from '../cases/log'
import { OPEN_STATES_SQL } from '../cases/states'
import { DISTRICT_CODE, isSpecialCode } from '../../shared/grid'
import { MAX_RESULTS, type RequestQuery } from './query'

export class RequestStore {
  private readonly statements = new Map<string, Statement>()
  private readonly tokenAnswer: Statement

  constructor(private readonly db: Db) {
    this.tokenAnswer = db.$client.prepare('SELECT response FROM idempotency WHERE key = ?').pluck()
  }

  private prepared(sql: string): Statement {
    let s = this.statements.get(sql)
    if (!s) {
      s = this.db.$client.prepare(sql)
      // Shapes vary only by list lengths; keep the cache from growing without bound.
      if (this.statements.size > 200) this.statements.clear()
      this.statements.set(sql, s)
    }
    return s
  }

  find(q: RequestQuery, scope: string): CaseRow[] {
    const where: string[] = []
    const params: unknown[] = []
    if (scope !== DISTRICT_CODE) {
      if (isSpecialCode(scope)) {
        where.push('special = ?')
        params.push(scope)
      } else {
        where.push('grid >= ? AND grid < ?')
        params.push(scope, scope + ':')
      }
    }
    if (q.kind === 'ids') {
      where.push(`id IN (${q.ids.map(() => '?').join(', ')})`)
      params.push(...q.ids)
    } else {
      where.push('reported_at >= ? AND reported_at <= ?')
      params.push(q.start, q.end)
      if (q.serviceCodes.length) {
        where.push(`matter IN (${q.serviceCodes.map(() => '?').join(', ')})`)
        params.push(...q.serviceCodes)
      }
      if (q.statuses.length === 1) where.push(`state ${q.statuses[0] === 'closed' ? 'NOT ' : ''}IN ${OPEN_STATES_SQL}`)
    }
    const sql = `${SELECT_CASE} WHERE ${where.join(' AND ')} ORDER BY reported_at DESC, id DESC LIMIT ${MAX_RESULTS}`
    return this.prepared(sql).all(...params) as CaseRow[]
  }

  /** The stored answer of an Open311 POST made with this idempotency key (the request's token). */
  answerFor(key: string): string | undefined {
    return this.tokenAnswer.get(key) as string | undefined
  }
}
