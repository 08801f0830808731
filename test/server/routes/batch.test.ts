import { afterAll, beforeAll, expect, test } from 'vitest'
import { AT, MATTERS, buildTestServer, counts, idem, post, reportBody, type TestServer } from '../helpers'

let s: TestServer
const batch = (items: unknown[], key = s.keys.importer, headers: Record<string, string> = {}) =>
  post(s.app, '/api/ingest/batch', { items }, key, headers)
const report = (at: readonly [number, number] = AT.a1, extra: Record<string, unknown> = {}) => ({ type: 'report', source: 'hotline', ...reportBody(at, extra) })

beforeAll(async () => {
  s = await buildTestServer({ batchMax: 50 })
})
afterAll(() => s.close())

/** An instant `min` minutes ago, as RFC 3339 (recent, so no deadline passes while the tests run). */
const ago = (min: number) => new Date(Date.now() - min * 60_000).toISOString()

test('reports with their history and actions by externalId, in one request', async () => {
  const r = await batch([
    report(AT.a1, {
      externalId: 'H-1', reportedAt: ago(30),
      then: [{ action: 'verify', at: ago(20) }, { action: 'register', at: ago(10) }],
    }),
    report(AT.b1, { externalId: 'H-2' }),
    { type: 'act', externalId: 'H-1', action: 'dispatch' },
  ])
  expect(r.statusCode, r.body).toBe(200)
  const body = r.json()
  expect(body.count).toBe(3)
  expect(body.results[0]).toMatchObject({ id: 1, state: 'registered', grid: '4101030010010101', light: 'green' })
  expect(body.results[0].deadline).toMatch(/Z$/)
  expect(body.results[1]).toMatchObject({ id: 2, state: 'reported', grid: '4101030020010101', deadline: null })
  expect(body.results[2]).toMatchObject({ id: 1, state: 'dispatched', department: 'D01' })
  expect(counts(s.db)).toMatchObject({ cases: 2, events: 5 })
  const history = (await s.app.inject('/api/cases/1')).json().events.map((e: { action: string }) => e.action)
  expect(history).toEqual(['report', 'verify', 'register', 'dispatch'])
})

test('all or nothing: one bad item refuses the batch, naming the item and field', async () => {
  const before = counts(s.db)
  const r = await batch([report(), report(AT.a2, { matter: 'nope' }), report()])
  expect(r.statusCode).toBe(422)
  expect(r.json()).toMatchObject({ field: 'items[1].matter', message: expect.stringMatching(/^items\[1\]: unknown matter "nope"/) })
  expect(counts(s.db)).toEqual(before)
})

test('a refused act later in the batch rolls back the reports before it', async () => {
  const before = counts(s.db)
  const r = await batch([report(AT.a1, { externalId: 'H-3' }), { type: 'act', externalId: 'H-3', action: 'close' }])
  expect(r.statusCode).toBe(409)
  expect(r.json()).toMatchObject({ field: 'items[1].action', message: expect.stringMatching(/state "reported"/) })
  expect(counts(s.db)).toEqual(before)
})

test('item shapes are checked against their own type', async () => {
  const before = counts(s.db)
  const wrong = await batch([report(), { ...report(), lat: 'north' }])
  expect(wrong.json()).toMatchObject({ statusCode: 400, field: 'items[1].lat', message: expect.stringMatching(/must be a number/) })
  const noType = await batch([{ matter: MATTERS.litter }])
  expect(noType.json()).toMatchObject({ statusCode: 400, field: 'items[0].type' })
  const noTarget = await batch([{ type: 'act', action: 'verify' }])
  expect(noTarget.json()).toMatchObject({ statusCode: 400, field: 'items[0].id' })
  const historyWithoutTime = await batch([report(AT.a1, { then: [{ action: 'verify' }] })])
  expect(historyWithoutTime.json()).toMatchObject({ statusCode: 400, field: 'items[0].then[0].at' })
  const empty = await batch([])
  expect(empty.json()).toMatchObject({ statusCode: 400, field: 'items' })
  const tooMany = await batch(Array.from({ length: 51 }, () => report()))
  expect(tooMany.json()).toMatchObject({ statusCode: 400, field: 'items', message: expect.stringMatching(/more than 50/) })
  expect(counts(s.db)).toEqual(before)
})

test('a batch is idempotent as a whole', async () => {
  const key = idem()
  const items = [report(AT.b1), report(AT.a2)]
  const first = await batch(items, s.keys.importer, { 'idempotency-key': key })
  const stored = counts(s.db)
  const again = await batch(items, s.keys.importer, { 'idempotency-key': key })
  expect(again.body).toBe(first.body)
  expect(counts(s.db)).toEqual(stored)
  expect((await batch([report()], s.keys.importer, { 'idempotency-key': key })).statusCode).toBe(409)
})
