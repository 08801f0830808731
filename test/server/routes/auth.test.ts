import { describe, expect, test } from 'vitest'
import { AT, suiteServer, counts, post, reportBody, type TestServer } from '../helpers'

describe('keys and viewer tokens (demo mode off)', () => {
  let s: TestServer
  suiteServer((x) => (s = x), { demo: false })

  test('reads need a token when demo mode is off', async () => {
    const r = await s.app.inject('/api/cases')
    expect(r.statusCode).toBe(401)
    expect(r.json()).toMatchObject({ field: 'authorization', message: expect.stringMatching(/viewer token is required/) })
    expect((await s.app.inject('/api/grids?level=1')).statusCode).toBe(401)
  })

  test('a token works as a bearer header or a query parameter; a bad one is 401', async () => {
    expect((await s.app.inject({ url: '/api/cases', headers: { authorization: `Bearer ${s.keys.viewer}` } })).statusCode).toBe(200)
    expect((await s.app.inject(`/api/cases?token=${s.keys.viewer}`)).statusCode).toBe(200)
    expect((await s.app.inject('/api/cases?token=os_v_forged')).statusCode).toBe(401)
  })

  test('health stays open for probes', async () => {
    expect((await s.app.inject('/api/health')).json()).toMatchObject({ ok: true, db: 'ok' })
  })

  test('a revoked key stops working at once', async () => {
    const { id, secret } = s.app.keys.create({ role: 'write', source: 'app', name: 'temp' })
    expect((await post(s.app, '/api/cases', reportBody(), secret)).statusCode).toBe(201)
    expect(s.app.keys.revoke(id)).toBe(true)
    const before = counts(s.db)
    const r = await post(s.app, '/api/cases', reportBody(), secret)
    expect(r.statusCode).toBe(401)
    expect(counts(s.db)).toEqual(before)
  })

  test('only hashes are stored', () => {
    const stored = s.db.$client.prepare('SELECT hash FROM api_keys').pluck().all() as string[]
    for (const secret of Object.values(s.keys)) expect(stored).not.toContain(secret)
    expect(stored.every((h) => /^[0-9a-f]{64}$/.test(h))).toBe(true)
  })
})

describe('sources and write scopes', () => {
  let s: TestServer
  suiteServer((x) => (s = x))

  test('a write key reports as its own source, and cannot claim another', async () => {
    const r = await post(s.app, '/api/cases', reportBody(), s.keys.patrol)
    expect((await s.app.inject(`/api/cases/${r.json().id}`)).json().source).toBe('patrol')
    const before = counts(s.db)
    const bad = await post(s.app, '/api/cases', reportBody(AT.a1, { source: 'hotline' }), s.keys.patrol)
    expect(bad.statusCode).toBe(403)
    expect(bad.json().field).toBe('source')
    expect(counts(s.db)).toEqual(before)
  })

  test('an import key states the source of each report', async () => {
    const r = await post(s.app, '/api/cases', reportBody(AT.a1, { source: 'video' }), s.keys.importer)
    expect((await s.app.inject(`/api/cases/${r.json().id}`)).json().source).toBe('video')
    expect((await post(s.app, '/api/cases', reportBody(), s.keys.importer)).json().field).toBe('source')
  })

  test('a street-scoped writer may report in its street only', async () => {
    expect((await post(s.app, '/api/cases', reportBody(AT.b1), s.keys.streetWriter)).statusCode).toBe(201)
    const before = counts(s.db)
    const r = await post(s.app, '/api/cases', reportBody(AT.a1), s.keys.streetWriter)
    expect(r.statusCode).toBe(403)
    expect(r.json()).toMatchObject({ field: 'lon,lat', message: expect.stringMatching(/outside this key's scope/) })
    expect(counts(s.db)).toEqual(before)
  })

  test('a street viewer reads its own street', async () => {
    const id = (await post(s.app, '/api/cases', reportBody(AT.a2), s.keys.hotline)).json().id
    const r = await s.app.inject({ url: `/api/cases/${id}`, headers: { authorization: `Bearer ${s.keys.streetViewer}` } })
    expect(r.statusCode).toBe(200)
  })
})
