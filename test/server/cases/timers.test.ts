import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import { openDb, type Db } from '../../../server/db'
import { GridIndex } from '../../../server/geo'
import { Ingest } from '../../../server/cases/ingest'
import { Catalogue } from '../../../server/cases/catalogue'
import { CaseTimers } from '../../../server/cases/timers'
import { timeLimit, DEFAULT_CALENDAR } from '../../../shared/timelimit'
import { AT, MATTERS, seedSmall } from '../helpers'

const NOW = Date.parse('2026-11-24T10:00:00+08:00') // a Tuesday
let db: Db
let ingest: Ingest
let timers: CaseTimers | null = null

beforeEach(() => {
  vi.useFakeTimers({ now: NOW })
  db = openDb(':memory:')
  seedSmall(db)
  ingest = new Ingest(db, GridIndex.load(db))
})
afterEach(() => {
  timers?.stop()
  timers = null
  vi.useRealTimers()
  db.$client.close()
})

function registered(matter = MATTERS.litter) {
  return ingest.report({
    source: 'patrol', matter, lon: AT.a1[0], lat: AT.a1[1], description: 'x', actor: 'p',
    then: [{ action: 'verify', actor: 'a', at: NOW }, { action: 'register', actor: 'a', at: NOW }],
  }).caseId
}

const lastEvent = (caseId: number) =>
  db.$client.prepare('SELECT action, actor, at FROM case_events WHERE case_id = ? ORDER BY id DESC LIMIT 1').get(caseId)

test('open cases already in the database are scheduled at start', () => {
  const id = registered()
  timers = new CaseTimers(db, ingest, new Catalogue(db))
  expect(timers.start()).toBe(1)
  const plan = timeLimit(NOW, 'natural_days', 1, DEFAULT_CALENDAR)
  expect(timers.queue.pending(id)).toEqual({ warn: plan.warnAt, overdue: plan.deadline + 1 })
})

test('the light turns yellow, then red, at the moment of crossing, through the ingest as the system', () => {
  timers = new CaseTimers(db, ingest, new Catalogue(db))
  timers.start()
  const id = registered(MATTERS.leak) // 2 urgent hours
  const plan = timeLimit(NOW, 'urgent_hours', 2, DEFAULT_CALENDAR)
  vi.advanceTimersByTime(plan.warnAt - NOW - 1)
  expect(ingest.log.get(id)!.light).toBe('green')
  vi.advanceTimersByTime(1)
  expect(ingest.log.get(id)!.light).toBe('yellow')
  expect(lastEvent(id)).toEqual({ action: 'warn', actor: 'system', at: plan.warnAt })
  vi.advanceTimersByTime(plan.deadline + 1 - plan.warnAt)
  expect(ingest.log.get(id)!.light).toBe('red')
  expect(lastEvent(id)).toEqual({ action: 'overdue', actor: 'system', at: plan.deadline + 1 })
  expect(timers.queue.pending(id)).toEqual({})
})

test('an extension re-schedules; closing cancels', () => {
  timers = new CaseTimers(db, ingest, new Catalogue(db))
  timers.start()
  const id = registered(MATTERS.leak)
  const plan = timeLimit(NOW, 'urgent_hours', 2, DEFAULT_CALENDAR)
  const later = plan.deadline + 3_600_000
  ingest.act(id, { action: 'dispatch', actor: 'a', at: NOW })
  ingest.act(id, { action: 'extend', actor: 'a', at: NOW, data: { deadline: later } })
  expect(timers.queue.pending(id).overdue).toBe(later + 1)
  vi.advanceTimersByTime(plan.deadline + 1 - NOW)
  expect(ingest.log.get(id)!.light).not.toBe('red')
  ingest.act(id, { action: 'force_close', actor: 'a', at: Date.now() })
  expect(timers.queue.pending(id)).toEqual({})
  vi.advanceTimersByTime(later)
  expect(ingest.log.get(id)!.light).not.toBe('red')
})

test('a crossing missed while the server was down fires at start, dated when it happened', () => {
  const id = registered(MATTERS.leak)
  const plan = timeLimit(NOW, 'urgent_hours', 2, DEFAULT_CALENDAR)
  vi.setSystemTime(plan.deadline + 60_000)
  timers = new CaseTimers(db, ingest, new Catalogue(db))
  timers.start()
  vi.advanceTimersByTime(0)
  const events = db.$client.prepare("SELECT action, at FROM case_events WHERE case_id = ? AND actor = 'system' ORDER BY id").all(id)
  expect(events).toEqual([{ action: 'warn', at: plan.warnAt }, { action: 'overdue', at: plan.deadline + 1 }])
})

test('crossings that come due at once are committed together: one commit for the burst, a refused one leaves the others', () => {
  const ids = Array.from({ length: 20 }, () => registered(MATTERS.leak))
  const plan = timeLimit(NOW, 'urgent_hours', 2, DEFAULT_CALENDAR)
  // One of them closed behind the timer's back (another process): its crossings are refused with 409/422.
  const closed = ids[7]
  vi.setSystemTime(plan.deadline + 60_000)
  timers = new CaseTimers(db, ingest, new Catalogue(db))
  timers.start()
  db.$client.prepare("UPDATE cases SET state = 'closed' WHERE id = ?").run(closed)
  const batches: number[] = []
  ingest.on('committed', (b) => batches.push(b.length))
  vi.advanceTimersByTime(0)
  // Before: one transaction (and one `committed` batch, one fsync) per crossing, 38 of them.
  expect(batches).toEqual([38])
  for (const id of ids) expect(ingest.log.get(id)!.light).toBe(id === closed ? 'green' : 'red')
  expect(db.$client.prepare("SELECT COUNT(*) FROM case_events WHERE actor = 'system'").pluck().get()).toBe(38)
})

test("a commit's cases are scheduled together, with one timer armed for the earliest", () => {
  const armed: number[] = []
  timers = new CaseTimers(db, ingest, new Catalogue(db), DEFAULT_CALENDAR, {
    setTimeout: (fn, ms) => (armed.push(ms), setTimeout(fn, ms)),
  })
  timers.start()
  armed.length = 0
  // Each case registered an hour before the last: each one's warn is earlier than the one before it.
  const hour = 3_600_000
  const results = ingest.batch([1, 2, 3, 4, 5].map((k) => ({
    report: {
      source: 'patrol', matter: MATTERS.litter, lon: AT.a1[0], lat: AT.a1[1], description: 'x', actor: 'p', reportedAt: NOW - k * hour,
      then: [{ action: 'verify' as const, actor: 'a', at: NOW - k * hour }, { action: 'register' as const, actor: 'a', at: NOW - k * hour }],
    },
  })))
  const ids = results.map((r) => (r as { caseId: number }).caseId)
  for (const [k, id] of ids.entries()) {
    const plan = timeLimit(NOW - (k + 1) * hour, 'natural_days', 1, DEFAULT_CALENDAR)
    expect(timers.queue.pending(id)).toEqual({ warn: plan.warnAt, overdue: plan.deadline + 1 })
  }
  const earliest = timeLimit(NOW - 5 * hour, 'natural_days', 1, DEFAULT_CALENDAR).warnAt
  expect(armed).toEqual([earliest - NOW])
  // Closing them in one commit forgets them all.
  ingest.batch(ids.map((id) => ({ act: { caseId: id, command: { action: 'force_close' as const, actor: 'a', at: NOW } } })))
  for (const id of ids) expect(timers.queue.pending(id)).toEqual({})
  expect(timers.queue.size).toBe(0)
})
