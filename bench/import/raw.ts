// The raw SQLite baseline of bench:import: the very case_events and cases rows an import wrote, inserted with
// better-sqlite3 prepared statements in the same batches, into a fresh copy of the same database. The import
// is measured against this: its price for parsing, checking, locating, the workflow and the live pipeline.
import { copyFileSync, rmSync } from 'node:fs'
import Database from 'better-sqlite3'
import { openDb } from '../../server/db'

export interface Captured {
  events: unknown[][]
  cases: Record<string, unknown>[]
}

/** The imported cases (source hotline) and their events, from a database an import wrote; not the deadline
 * timer's warn and overdue that followed, which the import does not write. */
export function capture(dbFile: string): Captured {
  const sql = new Database(dbFile, { readonly: true })
  try {
    return {
      events: sql.prepare(
        `SELECT e.case_id, e.action, e.from_state, e.to_state, e.level, e.actor, e.at, e.reason, e.data FROM case_events e
         JOIN cases c ON c.id = e.case_id WHERE c.source = 'hotline' AND e.actor <> 'system' ORDER BY e.id`,
      ).raw().all() as unknown[][],
      cases: sql.prepare("SELECT * FROM cases WHERE source = 'hotline' ORDER BY id").all() as Record<string, unknown>[],
    }
  } finally {
    sql.close()
  }
}

/** Insert the captured rows into a copy of `template`; wall and CPU milliseconds. */
export function rawInsert(template: string, into: string, { events, cases }: Captured, batch: number) {
  copyFileSync(template, into)
  const db = openDb(into)
  const sql = db.$client
  const columns = Object.keys(cases[0])
  const insertCase = sql.prepare(`INSERT INTO cases (${columns.join(', ')}) VALUES (${columns.map((c) => '@' + c).join(', ')})`)
  const insertEvent = sql.prepare('INSERT INTO case_events (case_id, action, from_state, to_state, level, actor, at, reason, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
  const t = performance.now()
  const c0 = process.cpuUsage()
  let e = 0
  for (let i = 0; i < cases.length; i += batch) {
    const last = cases[Math.min(i + batch, cases.length) - 1].id as number
    sql.transaction(() => {
      while (e < events.length && (events[e][0] as number) <= last) insertEvent.run(...events[e++])
      for (let k = i; k < Math.min(i + batch, cases.length); k++) insertCase.run(cases[k])
    })()
  }
  const ms = performance.now() - t
  const c1 = process.cpuUsage(c0)
  sql.close()
  for (const ext of ['', '-wal', '-shm']) rmSync(into + ext, { force: true })
  return { ms, cpuMs: (c1.user + c1.system) / 1000 }
}
