// Departments and matters, held in memory: every report and dispatch checks them, and they change only
// when the catalogue is re-imported (then call reload()).
import type { Db } from '../db'
import type { Department, StoredMatter } from '../../shared/catalogue'

/** A matter as the server holds it: the catalogue's Matter (shared/catalogue) as stored. */
export type Matter = StoredMatter
export type { Department }

export class Catalogue {
  matters = new Map<string, Matter>()
  departments = new Map<string, Department>()

  constructor(private readonly db: Db) {
    this.reload()
  }

  reload(): void {
    const sql = this.db.$client
    this.departments = new Map(
      (sql.prepare('SELECT code, name FROM departments ORDER BY code').all() as Department[]).map((d) => [d.code, d]),
    )
    const rows = sql
      .prepare(
        `SELECT code, name, kind, big_class AS bigClass, big_class_name AS bigClassName, small_class AS smallClass,
          small_class_name AS smallClassName, department, limit_kind AS limitKind, limit_value AS limitValue,
          settle_level AS settleLevel, keywords, attributes FROM matters ORDER BY code`,
      )
      .all() as Matter[]
    this.matters = new Map(rows.map((m) => [m.code, m]))
  }
}
