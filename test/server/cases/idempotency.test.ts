// Forgetting old idempotency answers (hourly, after the TTL) must not hold the event loop: a busy week is
// millions of rows, and a DELETE by `created_at`, which has no index, scanned all of them at once.
import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { openDb, type Db } from '../../../server/db'
import { IdempotencyStore } from '../../../server/cases/idempotency'

let db: Db
beforeEach(() => {
  db = openDb(':memory:')
})
afterEach(() => {
  if (db.$client.open) db.$client.close()
})

const T0 = Date.parse('2026-11-26T10:00:00+08:00')
const answer = { status: 201, body: '{"id":1}' }
/** `n` answers stored at T0 + i·step ms, in that order. */
function store(s: IdempotencyStore, n: number, from = 0, step = 1) {
  db.$client.transaction(() => {
    for (let i = 0; i < n; i++) s.save(`k${from + i}`, 'h', answer, T0 + (from + i) * step)
  })()
}
const left = () => db.$client.prepare('SELECT COUNT(*) FROM idempotency').pluck().get() as number

test('forgets the answers stored before the cut, keeps the rest, and a forgotten key is new again', async () => {
  const s = new IdempotencyStore(db)
  store(s, 10)
  expect(await s.forgetBefore(T0 + 4)).toBe(4)
  expect(left()).toBe(6)
  expect(s.lookup('k3', 'other')).toBeNull()
  expect(s.lookup('k4', 'h')).toEqual(answer)
  expect(() => s.lookup('k4', 'other')).toThrow(/different request body/)
  expect(await s.forgetBefore(T0)).toBe(0)
  expect(await s.forgetBefore(T0 + 100)).toBe(6)
})

test('a long backlog is forgotten a chunk at a time, with turns of the event loop between chunks', async () => {
  const s = new IdempotencyStore(db)
  store(s, 2500)
  store(s, 10, 10_000)
  const tick = () => new Promise<void>((r) => setImmediate(r))
  const forgetting = s.forgetBefore(T0 + 5000, 1000)
  let ticks = 0
  let done = false
  void forgetting.then(() => (done = true))
  while (!done) {
    await tick()
    ticks++
  }
  expect(await forgetting).toBe(2500)
  expect(left()).toBe(10)
  // Three chunks (1,000, 1,000, 500): the loop ran other callbacks in between.
  expect(ticks).toBeGreaterThanOrEqual(2)
})

test('an answer stored out of time order is not forgotten before the ones stored ahead of it expire', async () => {
  const s = new IdempotencyStore(db)
  s.save('a', 'h', answer, T0)
  s.save('b', 'h', answer, T0 + 1000) // stored, then the clock was set back
  s.save('c', 'h', answer, T0 + 10)
  expect(await s.forgetBefore(T0 + 500)).toBe(1)
  expect(s.lookup('c', 'h')).toEqual(answer)
  expect(await s.forgetBefore(T0 + 2000)).toBe(2)
})

test('forgetting reads the oldest answers by rowid, never the whole table', () => {
  const prepare = vi.spyOn(db.$client, 'prepare')
  new IdempotencyStore(db)
  const sources = prepare.mock.results.map((r) => (r.value as { source: string }).source)
  prepare.mockRestore()
  const plan = (sql: string) =>
    (db.$client.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...Array(sql.split('?').length - 1).fill(0)) as { detail: string }[])
      .map((r) => r.detail)
      .join(' | ')
  const deletes = sources.filter((sql) => /^DELETE/i.test(sql))
  expect(deletes.length).toBeGreaterThan(0)
  for (const sql of deletes) expect(plan(sql)).toMatch(/SEARCH idempotency USING INTEGER PRIMARY KEY \(rowid<\?\)/)
  // A statement that scans must be in rowid order with a limit: it stops at what it reads.
  for (const sql of sources.filter((sql) => /SCAN idempotency/.test(plan(sql)))) expect(sql).toMatch(/ORDER BY rowid LIMIT \?/)
})

test('stops when the database is closed underneath it (the server shutting down mid-prune)', async () => {
  const s = new IdempotencyStore(db)
  store(s, 3000)
  const forgetting = s.forgetBefore(T0 + 10_000, 1000)
  await nextTurn()
  db.$client.close()
  await expect(forgetting).resolves.toBeLessThan(3000)
})
