// The cases table's indexes on columns a new report leaves empty (external_id, department) are partial: a
// report without them writes no entry there (one index page fewer per group commit in the WAL), while the
// lookups that use them still do, and an external id stays unique.
import { afterEach, beforeEach, expect, test } from 'vitest'
import { openDb, type Db } from '../../../server/db'
import { GridIndex } from '../../../server/geo'
import { Ingest } from '../../../server/cases/ingest'
import { AT, MATTERS, seedSmall } from '../helpers'

let db: Db
let ingest: Ingest
beforeEach(() => {
  db = openDb(':memory:')
  seedSmall(db)
  ingest = new Ingest(db, GridIndex.load(db))
})
afterEach(() => db.$client.close())

const report = (extra: Record<string, unknown> = {}) => ({
  source: 'patrol', matter: MATTERS.litter, lon: AT.a1[0], lat: AT.a1[1], description: '暴露垃圾', actor: 'patrol:1', ...extra,
})
/** Rows found through the index (forced), to check a partial index still finds what it must. */
const entries = (index: string, column: string) =>
  db.$client.prepare(`SELECT COUNT(*) FROM cases INDEXED BY ${index} WHERE ${column} IS NOT NULL`).pluck().get() as number
const plan = (sql: string, ...params: unknown[]) =>
  (db.$client.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ')

test('a report without an external id or a department writes no entry in their indexes', () => {
  ingest.report(report())
  ingest.report(report({ externalId: 'ZZ-1' }))
  const t = Date.now()
  const dispatched = ingest.report(report({ reportedAt: t - 3000, then: [{ action: 'verify', actor: 'c', at: t - 2000 }, { action: 'register', actor: 'c', at: t - 1000 }, { action: 'dispatch', actor: 'c', at: t }] }))
  expect(dispatched.state.department).not.toBeNull()
  expect(entries('cases_external', 'external_id')).toBe(1)
  expect(entries('cases_department', 'department')).toBe(1)
  // Both are partial: rows with NULL have no entry.
  const sql = db.$client.prepare("SELECT sql FROM sqlite_master WHERE name IN ('cases_external', 'cases_department') ORDER BY name").pluck().all()
  expect(sql).toEqual([expect.stringMatching(/WHERE .*department.* IS NOT NULL/), expect.stringMatching(/UNIQUE INDEX .*WHERE .*external_id.* IS NOT NULL/)])
})

test('an external id stays unique, and the lookups still use the indexes', () => {
  ingest.report(report({ externalId: 'ZZ-1' }))
  ingest.report(report())
  expect(() => ingest.report(report({ externalId: 'ZZ-1' }))).toThrow(/already exists/)
  expect(() => db.$client.prepare("UPDATE cases SET external_id = 'ZZ-1' WHERE external_id IS NULL").run()).toThrow(/UNIQUE/)
  expect(plan('SELECT id FROM cases WHERE external_id = ?', 'x')).toMatch(/INDEX cases_external/)
  expect(plan('SELECT external_id FROM cases WHERE external_id IN (SELECT value FROM json_each(?))', '[]')).toMatch(/INDEX cases_external/)
  expect(plan('SELECT COUNT(*) FROM cases WHERE department = ?', 'D01')).toMatch(/INDEX cases_department/)
})
