import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { AT, MATTERS, buildTestServer, counts, idem, post, reportBody, type TestServer } from '../helpers'
import { until } from '../../until'

let s: TestServer
const get = (url: string, token?: string) =>
  s.app.inject({ url, headers: token ? { authorization: `Bearer ${token}` } : {} })
const act = (id: number, body: Record<string, unknown>) => post(s.app, `/api/cases/${id}/actions`, body, s.keys.operator)

beforeAll(async () => {
  s = await buildTestServer()
})
afterAll(() => s.close())

describe('report and act', () => {
  test('a report is acknowledged with its place, then walks the whole workflow', async () => {
    const r = await post(s.app, '/api/cases', reportBody(AT.special, { matter: MATTERS.manhole }), s.keys.patrol)
    expect(r.statusCode).toBe(201)
    const ack = r.json()
    expect(ack).toMatchObject({ grid: '4101030010010101', special: '410103910001', state: 'reported', light: 'green', deadline: null })
    const steps: [string, Record<string, unknown>, string][] = [
      ['verify', {}, 'verified'],
      ['register', {}, 'registered'],
      ['dispatch', {}, 'dispatched'],
      ['handle', {}, 'handled'],
      ['check', {}, 'checked'],
      ['close', {}, 'closed'],
      ['rate', { data: { rating: 'basic' } }, 'rated'],
    ]
    for (const [action, extra, state] of steps) {
      const a = await act(ack.id, { action, ...extra })
      expect(a.statusCode, a.body).toBe(200)
      expect(a.json()).toMatchObject({ id: ack.id, state, event: { action, to: state } })
      if (action === 'register') expect(a.json().deadline).toMatch(/Z$/)
      if (action === 'dispatch') expect(a.json().department).toBe('D02')
    }
    const c = (await get(`/api/cases/${ack.id}`)).json()
    expect(c).toMatchObject({ state: 'rated', rating: 'basic', source: 'patrol', department: 'D02' })
    expect(c.events.map((e: { action: string }) => e.action)).toEqual(['report', ...steps.map(([a]) => a)])
    expect(c.events[2].data.deadline).toBe(c.deadline)
    expect(c.events[1].actor).toBe('operator:seat 1')
  })

  test('an explicit time and department are kept; the actor can be named', async () => {
    const id = (await post(s.app, '/api/cases', reportBody(AT.a2, { reportedAt: '2026-11-20T09:00:00+08:00' }), s.keys.hotline)).json().id
    await act(id, { action: 'verify', at: '2026-11-20T09:30:00+08:00', actor: '王芳' })
    await act(id, { action: 'register', at: '2026-11-20T10:00:00+08:00' })
    const d = await act(id, { action: 'dispatch', data: { department: 'D02' } })
    expect(d.json().department).toBe('D02')
    const c = (await get(`/api/cases/${id}`)).json()
    expect(c.reportedAt).toBe('2026-11-20T01:00:00.000Z')
    expect(c.events[1]).toMatchObject({ actor: '王芳', at: '2026-11-20T01:30:00.000Z' })
    // natural_days 1 from 2026-11-20 10:00 local: due at the end of the next day (24:00 local on 11-21).
    expect(c.deadline).toBe('2026-11-21T16:00:00.000Z')
  })
})

describe('idempotency', () => {
  test('the same key and body gets the first answer, status and body, and stores nothing more', async () => {
    const key = idem()
    const first = await post(s.app, '/api/cases', reportBody(AT.b1), s.keys.hotline, { 'idempotency-key': key })
    const stored = counts(s.db)
    // The same JSON, spaced differently, is the same body.
    const again = await post(s.app, '/api/cases', JSON.stringify(reportBody(AT.b1), null, 2), s.keys.hotline, { 'idempotency-key': key })
    expect(again.statusCode).toBe(first.statusCode)
    expect(again.body).toBe(first.body)
    expect(again.headers['idempotent-replayed']).toBe('true')
    expect(counts(s.db)).toEqual(stored)
  })

  test('the same fields in another order are another body: a retry resends what it sent', async () => {
    const key = idem()
    const { lon, lat, ...rest } = reportBody(AT.a2)
    expect((await post(s.app, '/api/cases', { lon, lat, ...rest }, s.keys.hotline, { 'idempotency-key': key })).statusCode).toBe(201)
    const reordered = await post(s.app, '/api/cases', { ...rest, lat, lon }, s.keys.hotline, { 'idempotency-key': key })
    expect(reordered.statusCode).toBe(409)
  })

  test('keys belong to the caller: another key may reuse the same text', async () => {
    const key = idem()
    const a = await post(s.app, '/api/cases', reportBody(), s.keys.hotline, { 'idempotency-key': key })
    const b = await post(s.app, '/api/cases', reportBody(), s.keys.patrol, { 'idempotency-key': key })
    expect([a.statusCode, b.statusCode]).toEqual([201, 201])
    expect(a.json().id).not.toBe(b.json().id)
  })
})

describe('personal data and citizen text', () => {
  let id: number
  beforeAll(async () => {
    const body = reportBody(AT.a1, {
      reporterName: '张三丰', reporterPhone: '13812345678',
      description: '<img src=x onerror=alert(1)> 请回电 13987654321',
    })
    id = (await post(s.app, '/api/cases', body, s.keys.hotline)).json().id
  })

  test('viewers and anonymous demo readers get names and phones masked, in text too', async () => {
    for (const token of [s.keys.viewer, undefined]) {
      const c = (await get(`/api/cases/${id}`, token)).json()
      expect(c.reporterName).toBe('张**')
      expect(c.reporterPhone).toBe('138****5678')
      expect(c.description).toContain('139****4321')
      const listed = (await get(`/api/cases?limit=500`, token)).json().items.find((x: { id: number }) => x.id === id)
      expect([listed.reporterName, listed.reporterPhone]).toEqual(['张**', '138****5678'])
    }
  })

  test('an operator sees them whole', async () => {
    const c = (await get(`/api/cases/${id}`, s.keys.operator)).json()
    expect([c.reporterName, c.reporterPhone]).toEqual(['张三丰', '13812345678'])
  })

  test('citizen text comes back as a JSON string, exactly as written, never as HTML', async () => {
    const r = await get(`/api/cases/${id}`, s.keys.operator)
    expect(r.headers['content-type']).toMatch(/^application\/json/)
    expect(r.json().description).toBe('<img src=x onerror=alert(1)> 请回电 13987654321')
    expect(r.headers['x-content-type-options']).toBe('nosniff')
  })
})

describe('list', () => {
  let t: TestServer
  const ids: Record<string, number> = {}
  beforeAll(async () => {
    t = await buildTestServer()
    const mk = async (name: string, at: readonly [number, number], key: string, extra: Record<string, unknown> = {}) =>
      (ids[name] = (await post(t.app, '/api/cases', reportBody(at, extra), key)).json().id)
    await mk('a1', AT.a1, t.keys.hotline, { reportedAt: '2026-11-01T08:00:00+08:00' })
    await mk('a2', AT.a2, t.keys.patrol, { matter: MATTERS.manhole, reportedAt: '2026-11-10T08:00:00+08:00' })
    await mk('b1', AT.b1, t.keys.patrol, { matter: MATTERS.leak, reportedAt: '2026-11-20T08:00:00+08:00' })
    await mk('sp', AT.special, t.keys.hotline)
    for (const action of ['verify', 'register', 'dispatch'])
      await post(t.app, `/api/cases/${ids.a2}/actions`, { action }, t.keys.operator)
    // b1 (2 urgent hours, registered at its report time) is long past its deadline: the timer turns it red.
    for (const [action, at] of [['verify', '2026-11-20T08:10:00+08:00'], ['register', '2026-11-20T08:20:00+08:00']])
      await post(t.app, `/api/cases/${ids.b1}/actions`, { action, at }, t.keys.operator)
    const light = t.app.db.$client.prepare('SELECT light FROM cases WHERE id = ?').pluck()
    await until('the deadline timer to turn b1 red', () => light.get(ids.b1) === 'red')
  })
  afterAll(() => t.close())
  const list = async (q: string, token?: string) => {
    const r = await t.app.inject({ url: `/api/cases?${q}`, headers: token ? { authorization: `Bearer ${token}` } : {} })
    expect(r.statusCode, r.body).toBe(200)
    return r.json() as { total: number; items: { id: number }[]; nextCursor: number | null }
  }
  const idsOf = (r: { items: { id: number }[] }) => r.items.map((c) => c.id).sort()

  test('filters by grid subtree, special grid, state, matter, department, source and time', async () => {
    expect(idsOf(await list('grid=410103001'))).toEqual([ids.a1, ids.a2, ids.sp].sort())
    expect(idsOf(await list('grid=4101030010010102'))).toEqual([ids.a2])
    expect(idsOf(await list('grid=410103910001'))).toEqual([ids.sp])
    expect(idsOf(await list('state=dispatched,registered'))).toEqual([ids.a2, ids.b1].sort())
    expect(idsOf(await list(`matter=${MATTERS.leak}`))).toEqual([ids.b1])
    expect(idsOf(await list('department=D02'))).toEqual([ids.a2])
    expect(idsOf(await list('source=hotline'))).toEqual([ids.a1, ids.sp].sort())
    const window = `from=${encodeURIComponent('2026-11-05T00:00:00+08:00')}&to=${encodeURIComponent('2026-11-20T08:00:00+08:00')}`
    expect(idsOf(await list(window))).toEqual([ids.a2]) // `to` is exclusive
  })

  test('overdue: open and past the deadline', async () => {
    expect(idsOf(await list('overdue=true'))).toEqual([ids.b1])
    expect((await list('overdue=false')).total).toBe(3)
  })

  test('pages by cursor and by offset, newest first, with the total', async () => {
    const p1 = await list('limit=2')
    expect(p1.total).toBe(4)
    expect(p1.items.map((c) => c.id)).toEqual([4, 3])
    const p2 = await list(`limit=2&cursor=${p1.nextCursor}`)
    expect(p2.items.map((c) => c.id)).toEqual([2, 1])
    expect((await list('limit=2&offset=3')).items.map((c) => c.id)).toEqual([1])
    expect((await list('limit=2&offset=4')).nextCursor).toBeNull()
  })

  test('a scoped token sees only its subtree, without asking', async () => {
    const r = await list('', t.keys.streetViewer)
    expect(idsOf(r)).toEqual([ids.a1, ids.a2, ids.sp].sort())
    expect(idsOf(await list('grid=4101030010010101', t.keys.streetViewer))).toEqual([ids.a1, ids.sp].sort())
  })

  test('a street may list the special grids inside it; a special-grid token sees only its special grid', async () => {
    expect(idsOf(await list('grid=410103910001', t.keys.streetViewer))).toEqual([ids.sp])
    const special = t.app.keys.create({ role: 'viewer', name: 'enterprise screen', scope: '410103910001' }).secret
    expect(idsOf(await list('', special))).toEqual([ids.sp])
    const streetB = t.app.keys.create({ role: 'viewer', name: 'street B wall', scope: '410103002' }).secret
    for (const [q, token] of [['grid=410103910001', streetB], ['grid=410103', t.keys.streetViewer], ['grid=410103001', special]]) {
      const r = await t.app.inject({ url: `/api/cases?${q}`, headers: { authorization: `Bearer ${token}` } })
      expect(r.statusCode, q).toBe(403)
    }
  })
})

describe('concurrent writes', () => {
  test('two requests racing with one key and body store one case and both get its answer', async () => {
    const key = idem()
    const stored = counts(s.db)
    const [a, b] = await Promise.all([
      post(s.app, '/api/cases', reportBody(AT.a2), s.keys.hotline, { 'idempotency-key': key }),
      post(s.app, '/api/cases', reportBody(AT.a2), s.keys.hotline, { 'idempotency-key': key }),
    ])
    expect([a.statusCode, b.statusCode]).toEqual([201, 201])
    expect(b.body).toBe(a.body)
    expect(counts(s.db).cases).toBe(stored.cases + 1)
  })

  test('many concurrent reports are all acknowledged, each once, with dense ids', async () => {
    const stored = counts(s.db)
    const rs = await Promise.all(Array.from({ length: 40 }, (_, i) => post(s.app, '/api/cases', reportBody(i % 2 ? AT.a1 : AT.b1), s.keys.patrol)))
    expect(rs.every((r) => r.statusCode === 201)).toBe(true)
    const ids = rs.map((r) => r.json().id).sort((x, y) => x - y)
    expect(ids).toEqual(Array.from({ length: 40 }, (_, i) => stored.cases + 1 + i))
    expect(counts(s.db).cases).toBe(stored.cases + 40)
  })
})
