import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { openDb, type Db } from '../../../server/db'
import { GridIndex } from '../../../server/geo'
import { Ingest, IngestError, type Committed } from '../../../server/cases/ingest'
import { IdempotencyStore } from '../../../server/cases/idempotency'
import { stateOfRow } from '../../../server/cases/log'
import { deadline, DEFAULT_CALENDAR } from '../../../shared/timelimit'
import { wgs84ToGcj02 } from '../../../shared/coords'
import { AT, MATTERS, counts, seedSmall } from '../helpers'

const NOW = Date.parse('2026-11-26T10:00:00+08:00')
let db: Db
let ingest: Ingest
let clock: number

const report = (extra: Record<string, unknown> = {}) => ({
  source: 'patrol', matter: MATTERS.litter, lon: AT.a1[0], lat: AT.a1[1], description: '暴露垃圾', actor: 'patrol:1',
  ...extra,
})

/** The error a call throws (fails the test when it does not throw). */
function refusal(fn: () => unknown): IngestError {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(IngestError)
    return e as IngestError
  }
  throw new Error('expected a refusal')
}

beforeEach(() => {
  db = openDb(':memory:')
  seedSmall(db)
  clock = NOW
  ingest = new Ingest(db, GridIndex.load(db), { now: () => clock })
})
afterEach(() => db.$client.close())

describe('report', () => {
  test('locates the micro grid and special grid and stores event and projection together', () => {
    const r = ingest.report(report({ lon: AT.special[0], lat: AT.special[1] }))
    expect(r).toMatchObject({ caseId: 1, grid: '4101030010010101', special: '410103910001' })
    const row = ingest.log.get(1)!
    expect(row).toMatchObject({ state: 'reported', grid: '4101030010010101', special: '410103910001', source: 'patrol', reportedAt: NOW })
    expect(counts(db)).toMatchObject({ cases: 1, events: 1 })
  })

  test('a point in no special grid has special null; each street gets its own micro grid', () => {
    expect(ingest.report(report()).special).toBeNull()
    expect(ingest.report(report({ lon: AT.a2[0], lat: AT.a2[1] })).grid).toBe('4101030010010102')
    expect(ingest.report(report({ lon: AT.b1[0], lat: AT.b1[1] })).grid).toBe('4101030020010101')
  })

  test('GCJ-02 input is converted to WGS-84 before locating and storing', () => {
    const [glon, glat] = wgs84ToGcj02(AT.a1[0], AT.a1[1])
    expect(Math.abs(glon - AT.a1[0])).toBeGreaterThan(1e-3) // the offset is real, not a no-op
    const r = ingest.report(report({ lon: glon, lat: glat, crs: 'gcj02' }))
    const row = ingest.log.get(r.caseId)!
    expect(row.lon).toBeCloseTo(AT.a1[0], 6)
    expect(row.lat).toBeCloseTo(AT.a1[1], 6)
  })

  test('`then` applies history in the same transaction; register gets the catalogue deadline', () => {
    const t = (h: number) => NOW - (4 - h) * 3_600_000
    const r = ingest.report(report({
      matter: MATTERS.manhole, reportedAt: t(0),
      then: [
        { action: 'verify', actor: 'a', at: t(1) },
        { action: 'register', actor: 'a', at: t(2) },
        { action: 'dispatch', actor: 'a', at: t(3) },
      ],
    }))
    expect(r.events.map((e) => e.action)).toEqual(['report', 'verify', 'register', 'dispatch'])
    const row = ingest.log.get(r.caseId)!
    expect(row.state).toBe('dispatched')
    expect(row.deadline).toBe(deadline(t(2), 'working_days', 3, DEFAULT_CALENDAR))
    expect(row.department).toBe('D02') // the matter's department
    expect(row.updatedAt).toBe(t(3))
    expect(counts(db)).toMatchObject({ cases: 1, events: 4 })
  })

  test('a history longer than one INSERT is appended in order; listeners get each event under its log id', () => {
    const heard: Committed[] = []
    ingest.on('committed', (b) => heard.push(...b))
    ingest.report(report()) // an earlier case: the new one's ids do not start at 1
    const t = (m: number) => NOW - 3_600_000 + m * 60_000
    // report + 19 commands = 20 events: two statements of the log's multi-row append (16 + 4).
    const then = [
      { action: 'verify', actor: 'a', at: t(1) }, { action: 'register', actor: 'a', at: t(2) },
      ...Array.from({ length: 8 }, (_, i) => [
        { action: 'dispatch', actor: 'a', at: t(3 + 2 * i) }, { action: 'return', actor: 'a', at: t(4 + 2 * i), reason: `not ours ${i}` },
      ]).flat(),
      { action: 'dispatch', actor: 'a', at: t(30) },
    ]
    const r = ingest.report(report({ reportedAt: t(0), then }))
    expect(r.events).toHaveLength(20)
    const rows = db.$client.prepare('SELECT id, action, at, reason, data FROM case_events WHERE case_id = ? ORDER BY id').all(r.caseId) as
      { id: number; action: string; at: number; reason: string | null; data: string | null }[]
    expect(rows.map((x) => x.action)).toEqual(r.events.map((e) => e.action))
    expect(rows.map((x) => x.at)).toEqual(r.events.map((e) => e.at))
    expect(rows[4].reason).toBe('not ours 0')
    expect(JSON.parse(rows[2].data!).deadline).toBe(r.events[2].data!.deadline)
    // Consecutive ids, each announced with its event, and the projection points at the last one.
    expect(rows.map((x) => x.id)).toEqual(rows.map((_, i) => rows[0].id + i))
    const mine = heard.filter((c) => c.event.caseId === r.caseId)
    expect(mine.map((c) => [c.id, c.event.action])).toEqual(rows.map((x) => [x.id, x.action]))
    expect(mine[0].before).toBeNull()
    expect(mine.slice(1).map((c) => c.before)).toEqual(mine.slice(0, -1).map((c) => c.after))
    expect(ingest.log.get(r.caseId)!.lastEventId).toBe(rows.at(-1)!.id)
  })

  test('a refused step in `then` stores nothing, and case ids stay dense', () => {
    const before = counts(db)
    const e = refusal(() => ingest.report(report({ then: [{ action: 'verify', actor: 'a', at: NOW }, { action: 'handle', actor: 'a', at: NOW }] })))
    expect(e.statusCode).toBe(409)
    expect(e.field).toBe('then[1].action')
    expect(e.message).toContain('"verified"')
    expect(counts(db)).toEqual(before)
    expect(ingest.report(report()).caseId).toBe(1)
  })

  test.each([
    ['matter', { matter: '99999' }, 422, 'matter', /unknown matter "99999"/],
    ['source', { source: 'fax' }, 422, 'source', /source must be one of/],
    ['NaN lon', { lon: NaN }, 400, 'lon', /finite number/],
    ['infinite lat', { lat: Infinity }, 400, 'lat', /finite number/],
    ['swapped', { lon: AT.a1[1], lat: AT.a1[0] }, 422, 'lon,lat', /swapped/],
    ['outside', { lon: AT.outside[0], lat: AT.outside[1] }, 422, 'lon,lat', /outside the district/],
    ['description', { description: '字'.repeat(4001) }, 400, 'description', /longer than 4000/],
    ['future', { reportedAt: NOW + 3_600_000 }, 422, 'reportedAt', /future/],
    ['phone', { reporterPhone: '<script>' }, 400, 'reporterPhone', /phone/],
  ])('refuses a bad %s with the field named, storing nothing', (_name, extra, status, field, message) => {
    const e = refusal(() => ingest.report(report(extra)))
    expect([e.statusCode, e.field]).toEqual([status, field])
    expect(e.message).toMatch(message)
    expect(counts(db)).toEqual({ cases: 0, events: 0, idempotency: 0 })
  })

  test('4,000 characters of description are accepted (code points, not bytes)', () => {
    expect(ingest.report(report({ description: '字'.repeat(4000) })).caseId).toBe(1)
  })

  test('a duplicate externalId is a conflict', () => {
    ingest.report(report({ externalId: 'X-1' }))
    const e = refusal(() => ingest.report(report({ externalId: 'X-1' })))
    expect([e.statusCode, e.field]).toEqual([409, 'externalId'])
    expect(e.message).toBe('a case with externalId "X-1" already exists')
    expect(counts(db).cases).toBe(1)
  })

  test('a taken externalId is refused by the insert, without a lookup first; before any other fault of the report', () => {
    const lookups = vi.spyOn((ingest as unknown as { byExternalId: { get: (id: string) => unknown } }).byExternalId, 'get')
    ingest.report(report({ externalId: 'X-1', then: [{ action: 'verify', actor: 'a', at: NOW }] }))
    expect(lookups).not.toHaveBeenCalled()
    const before = counts(db)
    // Its events are appended before the insert refuses: they go with the write.
    let e = refusal(() => ingest.report(report({ externalId: 'X-1', then: [{ action: 'verify', actor: 'a', at: NOW }] })))
    expect([e.statusCode, e.field, e.message]).toEqual([409, 'externalId', 'a case with externalId "X-1" already exists'])
    expect(counts(db)).toEqual(before)
    // A taken externalId is what such a report hears, whatever else is wrong with its commands.
    e = refusal(() => ingest.report(report({ externalId: 'X-1', then: [{ action: 'close', actor: 'a', at: NOW }] })))
    expect([e.statusCode, e.field]).toEqual([409, 'externalId'])
    e = refusal(() => ingest.report(report({ externalId: 'X-1', then: 'verify' })))
    expect([e.statusCode, e.field]).toEqual([409, 'externalId'])
    // The same externalId twice in one batch: the second is refused, nothing is stored, ids stay dense.
    e = refusal(() => ingest.batch([{ report: report({ externalId: 'X-2' }) }, { report: report({ externalId: 'X-2' }) }]))
    expect([e.statusCode, e.field]).toEqual([409, 'items[1].externalId'])
    expect(counts(db)).toEqual(before)
    expect(ingest.report(report({ externalId: 'X-2' })).caseId).toBe(2)
  })
})

describe('act', () => {
  test('a projection update writes the columns that changed, each to its own column', () => {
    const { caseId } = ingest.report(report())
    const stored = () => {
      const { updatedAt, lastEventId, ...row } = ingest.log.get(caseId)!
      return { state: stateOfRow({ ...row, updatedAt, lastEventId } as never), updatedAt, lastEventId }
    }
    const before = stored().state
    // Every field another value, then one at a time back: each lands in its own column.
    const changed: typeof before = {
      state: 'closed', level: 'street', light: 'red', department: 'D01', deadline: 5, reportedAt: before.reportedAt,
      registeredAt: 6, dispatchedAt: 7, handledAt: 8, closedAt: 9, reworks: 1, returns: 2, extensions: 3, supervised: true,
      forced: true, rating: 'basic', contacted: true, resolved: true,
    }
    ingest.log.updateProjection(caseId, before, changed, 11, 12)
    expect(stored()).toEqual({ state: changed, updatedAt: 11, lastEventId: 12 })
    let now = changed
    for (const k of Object.keys(before) as (keyof typeof before)[]) {
      const next = { ...now, [k]: before[k] }
      ingest.log.updateProjection(caseId, now, next, 13, 14)
      expect(stored()).toEqual({ state: next, updatedAt: 13, lastEventId: 14 })
      now = next
    }
    expect(stored().state).toEqual(before)
  })

  test("reads a case's state and facts as the stored row holds them", () => {
    const a = ingest.report(report({ externalId: 'R-1', address: '大学路1号', reporterName: '张三', reporterPhone: '13812345678', mediaUrl: 'https://x/y.jpg' })).caseId
    const b = ingest.report(report({ lon: AT.special[0], lat: AT.special[1], then: [
      { action: 'verify', actor: 'a', at: NOW }, { action: 'register', actor: 'a', at: NOW }, { action: 'dispatch', actor: 'a', at: NOW },
      { action: 'supervise', actor: 'a', at: NOW },
    ] })).caseId
    const d = ingest.report(report({ then: [{ action: 'verify', actor: 'a', at: NOW }, { action: 'force_close', actor: 'a', at: NOW }] })).caseId
    const c = ingest.report(report({ then: [
      { action: 'verify', actor: 'a', at: NOW }, { action: 'register', actor: 'a', at: NOW }, { action: 'dispatch', actor: 'a', at: NOW },
      { action: 'handle', actor: 'a', at: NOW }, { action: 'check', actor: 'a', at: NOW }, { action: 'close', actor: 'a', at: NOW },
      { action: 'rate', actor: 'a', at: NOW, data: { rating: 'unsatisfied' } },
    ] })).caseId
    for (const id of [a, b, c, d]) {
      const row = ingest.log.get(id)!
      const { id: _, updatedAt, lastEventId: __, ...rest } = row
      const facts = Object.fromEntries(Object.entries(rest).filter(([k]) => !(k in stateOfRow(row))))
      expect(ingest.log.current(id)).toStrictEqual({ facts, state: stateOfRow(row), updatedAt })
    }
    expect(ingest.log.current(99)).toBeUndefined()
  })

  test('applies a command, updates the projection and names state and allowed actions when refused', () => {
    const { caseId } = ingest.report(report())
    ingest.act(caseId, { action: 'verify', actor: 'a', at: NOW })
    const e = refusal(() => ingest.act(caseId, { action: 'close', actor: 'a', at: NOW }))
    expect(e.statusCode).toBe(409)
    expect(e.message).toMatch(/state "verified"/)
    expect(e.message).toMatch(/allowed: .*register/)
    expect(ingest.log.get(caseId)!.state).toBe('verified')
  })

  test('an unknown case is 404; an unknown department 422', () => {
    expect(refusal(() => ingest.act(42, { action: 'verify', actor: 'a', at: NOW })).statusCode).toBe(404)
    const { caseId } = ingest.report(report({ then: [{ action: 'verify', actor: 'a', at: NOW }, { action: 'register', actor: 'a', at: NOW }] }))
    const before = counts(db)
    const e = refusal(() => ingest.act(caseId, { action: 'dispatch', actor: 'a', at: NOW, data: { department: 'D99' } }))
    expect([e.statusCode, e.field]).toEqual([422, 'data.department'])
    expect(counts(db)).toEqual(before)
  })

  test('warn and overdue are for the deadline timer only', () => {
    const { caseId } = ingest.report(report({ then: [{ action: 'verify', actor: 'a', at: NOW }, { action: 'register', actor: 'a', at: NOW }] }))
    expect(refusal(() => ingest.act(caseId, { action: 'warn', actor: 'x', at: NOW })).field).toBe('action')
    expect(ingest.act(caseId, { action: 'warn', actor: 'system', at: NOW }, { system: true }).state.light).toBe('yellow')
  })

  test('a command dated before the case\'s last event is refused', () => {
    const { caseId } = ingest.report(report())
    const e = refusal(() => ingest.act(caseId, { action: 'verify', actor: 'a', at: NOW - 60_000 }))
    expect([e.statusCode, e.field]).toEqual([422, 'at'])
  })
})

describe('committed', () => {
  test('listeners hear each committed batch after the commit, with before/after, facts and matter', () => {
    const heard: Committed[][] = []
    let visible = -1
    ingest.on('committed', (b) => {
      heard.push(b)
      // Called after the commit: a fresh read sees the rows.
      visible = db.$client.prepare('SELECT COUNT(*) FROM case_events').pluck().get() as number
    })
    const { caseId } = ingest.report(report({ then: [{ action: 'verify', actor: 'a', at: NOW }] }))
    expect(heard).toHaveLength(1)
    expect(visible).toBe(2)
    const [first, second] = heard[0]
    expect(first).toMatchObject({ before: null, after: { state: 'reported' }, facts: { grid: '4101030010010101' }, matter: { code: MATTERS.litter, bigClass: '02', department: 'D01' } })
    expect(second.before!.state).toBe('reported')
    expect(second.after.state).toBe('verified')
    expect(second.id).toBeGreaterThan(first.id)
    expect(second.event.caseId).toBe(caseId)
  })

  test('a refused write is never heard; a throwing listener does not undo an acknowledged write', () => {
    const heard: number[] = []
    const errors: unknown[] = []
    const quiet = new Ingest(db, GridIndex.load(db), { now: () => clock, onListenerError: (e) => errors.push(e) })
    quiet.on('committed', () => {
      throw new Error('listener broke')
    })
    quiet.on('committed', (b) => heard.push(b.length))
    expect(() => quiet.report(report({ matter: 'nope' }))).toThrow(IngestError)
    expect(heard).toEqual([])
    expect(quiet.report(report()).caseId).toBe(1)
    expect(heard).toEqual([1])
    expect(errors).toHaveLength(1)
    expect(counts(db).cases).toBe(1)
  })
})

describe('batch', () => {
  test('stores every item or none; the refusal names the item', () => {
    const ok = ingest.batch([{ report: report({ externalId: 'B-1' }) }, { act: { externalId: 'B-1', command: { action: 'verify', actor: 'a', at: NOW } } }])
    expect(ok).toHaveLength(2)
    expect(ingest.log.get(1)!.state).toBe('verified')
    const before = counts(db)
    const e = refusal(() => ingest.batch([{ report: report() }, { report: report() }, { report: report({ lat: NaN }) }]))
    expect([e.statusCode, e.field]).toEqual([400, 'items[2].lat'])
    expect(counts(db)).toEqual(before)
    expect(ingest.report(report()).caseId).toBe(2)
  })
})

test('a command without `at` happens when it is written, so it can follow a report in the same batch', () => {
  const ticking = new Ingest(db, GridIndex.load(db), { now: () => clock++ })
  const [, verified] = ticking.batch([
    { report: report({ externalId: 'T-1' }) },
    { act: { externalId: 'T-1', command: { action: 'verify', actor: 'a' } } },
  ])
  expect((verified as { event: { at: number } }).event.at).toBeGreaterThanOrEqual((ticking.log.get(1)!).reportedAt)
  const later = ticking.act(1, { action: 'register', actor: 'a' })
  expect(later.event.at).toBeGreaterThan(NOW)
})

describe('idempotency', () => {
  test('the answer is stored in the write\'s transaction, and not at all when the write is refused', () => {
    const answer = () => ({ status: 201, body: '{}' })
    const idempotency = new IdempotencyStore(db)
    ingest = new Ingest(db, GridIndex.load(db), { now: () => clock, idempotency })
    ingest.report(report(), { idempotency: { key: 'k1', hash: 'h', answer } })
    expect(idempotency.lookup('k1', 'h')).toEqual({ status: 201, body: '{}' })
    expect(() => idempotency.lookup('k1', 'other')).toThrow(/different request body/)
    expect(() => ingest.report(report({ matter: 'x' }), { idempotency: { key: 'k2', hash: 'h', answer } })).toThrow()
    expect(idempotency.lookup('k2', 'h')).toBeNull()
  })
})

describe('group commit', () => {
  test('jobs submitted in one turn share one commit; a refused job leaves the others stored', async () => {
    const heard: number[][] = []
    ingest.on('committed', (b) => heard.push(b.map((c) => c.event.caseId)))
    const settled = await Promise.allSettled([
      ingest.submit(() => ingest.report(report())),
      ingest.submit(() => ingest.report(report({ matter: 'bad' }))),
      ingest.submit(() => ingest.report(report({ lon: AT.b1[0], lat: AT.b1[1] }))),
    ])
    expect(settled.map((x) => x.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    expect((settled[1] as PromiseRejectedResult).reason).toMatchObject({ statusCode: 422, field: 'matter' })
    expect(settled.filter((x) => x.status === 'fulfilled').map((x) => (x as PromiseFulfilledResult<{ caseId: number }>).value.caseId)).toEqual([1, 2])
    expect(heard).toEqual([[1, 2]]) // one commit, heard once
    expect(counts(db)).toMatchObject({ cases: 2, events: 2 })
  })

  test('a job reporting a taken externalId is refused; the others of its group are stored, ids dense', async () => {
    ingest.report(report({ externalId: 'G-1' }))
    const heard: number[][] = []
    ingest.on('committed', (b) => heard.push(b.map((c) => c.event.caseId)))
    const settled = await Promise.allSettled([
      ingest.submit(() => ingest.report(report())),
      ingest.submit(() => ingest.report(report({ externalId: 'G-1', then: [{ action: 'verify', actor: 'a', at: NOW }] }))),
      ingest.submit(() => ingest.report(report())),
    ])
    expect(settled.map((x) => x.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    expect((settled[1] as PromiseRejectedResult).reason).toMatchObject({ statusCode: 409, field: 'externalId' })
    expect(settled.filter((x) => x.status === 'fulfilled').map((x) => (x as PromiseFulfilledResult<{ caseId: number }>).value.caseId)).toEqual([2, 3])
    expect(heard).toEqual([[2, 3]])
    expect(counts(db)).toMatchObject({ cases: 3, events: 3 })
  })

  test('a job that throws after its write rolls back only its own write', async () => {
    const settled = await Promise.allSettled([
      ingest.submit(() => {
        ingest.report(report())
        throw new Error('the answer could not be built')
      }),
      ingest.submit(() => ingest.report(report())),
    ])
    expect(settled.map((x) => x.status)).toEqual(['rejected', 'fulfilled'])
    expect(counts(db)).toMatchObject({ cases: 1, events: 1 })
    expect(ingest.log.get(1)).toBeDefined()
  })

  test('a job that swallows its failed write is still rolled back, with that failure', async () => {
    const heard: number[] = []
    ingest.on('committed', (b) => heard.push(b.length))
    const settled = await Promise.allSettled([
      ingest.submit(() => {
        try {
          // Fails after writing its report event: the `then` step is refused.
          ingest.report(report({ then: [{ action: 'close', actor: 'a', at: NOW }] }))
        } catch {
          return 'carried on'
        }
      }),
      ingest.submit(() => ingest.report(report())),
    ])
    expect(settled[0]).toMatchObject({ status: 'rejected', reason: { statusCode: 409, field: 'then[0].action' } })
    expect(settled[1].status).toBe('fulfilled')
    expect(counts(db)).toMatchObject({ cases: 1, events: 1 })
    expect(heard).toEqual([1])
  })

  test('in a job of several writes, a refused later write leaves the earlier ones', async () => {
    const value = await ingest.submit(() => {
      const first = ingest.report(report())
      try {
        ingest.report(report({ then: [{ action: 'close', actor: 'a', at: NOW }] }))
      } catch {
        // the second is refused and rolled back to its own savepoint
      }
      return first.caseId
    })
    expect(value).toBe(1)
    expect(counts(db)).toMatchObject({ cases: 1, events: 1 })
    expect(ingest.report(report()).caseId).toBe(2)
  })

  test('a group runs without a savepoint per job, and again with them only when a job failed partway', async () => {
    const heard: number[][] = []
    ingest.on('committed', (b) => heard.push(b.map((c) => c.event.caseId)))
    // Refused before anything is stored (an unknown matter): no second run.
    await Promise.allSettled([
      ingest.submit(() => ingest.report(report())),
      ingest.submit(() => ingest.report(report({ matter: 'bad' }))),
    ])
    expect(ingest.stats).toMatchObject({ groups: 1, jobs: 2, reruns: 0 })
    // A job refused after one of its writes was stored (its second report): the group is rolled back and run
    // again, each job in its own savepoint; the others are stored once, with dense ids, and heard once. (A
    // refused `then` step no longer does it: a report's history is decided before any of it is stored.)
    const settled = await Promise.allSettled([
      ingest.submit(() => ingest.report(report())),
      ingest.submit(() => {
        ingest.report(report())
        return ingest.report(report({ matter: 'bad' }))
      }),
      ingest.submit(() => ingest.report(report())),
    ])
    expect(settled.map((x) => x.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    expect(ingest.stats).toMatchObject({ groups: 2, jobs: 5, reruns: 1 })
    expect(heard).toEqual([[1], [2, 3]])
    expect(counts(db)).toMatchObject({ cases: 3, events: 3 })
  })

  test('a synchronous write between groups is not swallowed by the group', async () => {
    const pending = ingest.submit(() => ingest.report(report()))
    const direct = ingest.report(report())
    expect(direct.caseId).toBe(1)
    expect((await pending).caseId).toBe(2)
  })
})
