// Each key does its own job (issue 10 §6): a write key writes and reads nothing unless it was also given a
// view scope; /api/live needs an operator once demo mode is off; a refused transition offers a person only
// the actions a person may send.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { AddressInfo } from 'node:net'
import { io } from 'socket.io-client'
import { AT, buildTestServer, suiteServer, post, reportBody, type TestServer } from '../helpers'
import { LIVE_NAMESPACE } from '../../../shared/protocol'
import { liveParser } from '../../../shared/socket-parser'

const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

for (const demo of [true, false]) {
  describe(`a write key does not read (demo ${demo ? 'on' : 'off'})`, () => {
    let s: TestServer
    let caseId: number
    beforeAll(async () => {
      s = await buildTestServer({ demo })
      caseId = (await post(s.app, '/api/cases', reportBody(AT.a1, { reporterName: '张三' }), s.keys.hotline)).json().id
    })
    afterAll(() => s.close())

    test('case list, a case, the viewer route and grids refuse a write key with 403', async () => {
      for (const url of ['/api/cases', `/api/cases/${caseId}`, '/api/viewer', '/api/grids?level=1']) {
        const r = await s.app.inject({ url, headers: bearer(s.keys.hotline) })
        expect(r.statusCode, url).toBe(403)
        expect(r.json()).toMatchObject({ field: 'authorization', message: expect.stringMatching(/write key/) })
        expect((await s.app.inject(`${url}${url.includes('?') ? '&' : '?'}token=${s.keys.patrol}`)).statusCode, url).toBe(403)
      }
    })

    test('Open311 reads refuse a write key given as api_key', async () => {
      const r = await s.app.inject(`/open311/v2/requests/${caseId}.json?api_key=${s.keys.hotline}`)
      expect(r.statusCode).toBe(403)
      expect((await s.app.inject(`/open311/v2/requests.xml?api_key=${s.keys.patrol}`)).statusCode).toBe(403)
    })

    test('the catalogue (what a writer needs to write) is open to a write key', async () => {
      expect((await s.app.inject({ url: '/api/catalogue', headers: bearer(s.keys.hotline) })).statusCode).toBe(200)
    })

    test('a write key given a view scope reads there, masked, and nowhere else', async () => {
      const { secret } = s.app.keys.create({ role: 'write', source: 'app', name: 'street app', viewScope: '410103001' })
      expect((await post(s.app, '/api/cases', reportBody(AT.b1), secret)).statusCode).toBe(201)
      const list = await s.app.inject({ url: '/api/cases', headers: bearer(secret) })
      expect(list.statusCode).toBe(200)
      const items = list.json().items as { grid: string; reporterName: string | null }[]
      expect(items.length).toBeGreaterThan(0)
      expect(items.every((c) => c.grid.startsWith('410103001'))).toBe(true)
      expect(items.find((c) => c.reporterName !== null)?.reporterName).toBe('张*')
      expect((await s.app.inject({ url: '/api/cases?grid=410103002', headers: bearer(secret) })).statusCode).toBe(403)
      expect((await s.app.inject({ url: '/api/viewer', headers: bearer(secret) })).json()).toEqual({ scope: '410103001', role: 'viewer' })
    })
  })
}

describe('a write key cannot open a live screen', () => {
  let s: TestServer
  suiteServer((x) => (s = x), { tickMs: 50 }, { listen: true })

  const handshake = (token: string) =>
    new Promise<string>((resolve) => {
      const url = `http://127.0.0.1:${(s.app.server.address() as AddressInfo).port}${LIVE_NAMESPACE}`
      const sock = io(url, { transports: ['websocket'], auth: { token }, parser: liveParser, reconnection: false })
      sock.on('connect', () => (sock.disconnect(), resolve('connected')))
      sock.on('connect_error', (e) => (sock.disconnect(), resolve(e.message)))
    })

  test('refused at the handshake; a viewer token connects', async () => {
    expect(await handshake(s.keys.hotline)).toMatch(/write key/)
    expect(await handshake(s.keys.viewer)).toBe('connected')
  })
})

describe('/api/live', () => {
  test('needs an operator token when demo mode is off', async () => {
    const s = await buildTestServer({ demo: false })
    try {
      expect((await s.app.inject('/api/live')).statusCode).toBe(401)
      expect((await s.app.inject({ url: '/api/live', headers: bearer(s.keys.viewer) })).statusCode).toBe(403)
      expect((await s.app.inject({ url: '/api/live', headers: bearer(s.keys.hotline) })).statusCode).toBe(403)
      const r = await s.app.inject({ url: '/api/live', headers: bearer(s.keys.operator) })
      expect(r.statusCode).toBe(200)
      expect(r.json()).toHaveProperty('hub')
    } finally {
      await s.close()
    }
  })

  test('stays open in demo mode', async () => {
    const s = await buildTestServer({ demo: true })
    try {
      const r = await s.app.inject('/api/live')
      expect(r.statusCode).toBe(200)
      // What bench:soak samples: what keeps the process alive, by kind.
      expect(Object.values(r.json().resources as Record<string, number>).every((n) => n > 0)).toBe(true)
    } finally {
      await s.close()
    }
  })
})

describe('a refused transition', () => {
  test('lists only the actions the caller may send (never the timer\'s warn and overdue)', async () => {
    const s = await buildTestServer()
    try {
      const id = (await post(s.app, '/api/cases', reportBody(), s.keys.hotline)).json().id
      for (const action of ['verify', 'register'])
        expect((await post(s.app, `/api/cases/${id}/actions`, { action }, s.keys.hotline)).statusCode).toBe(200)
      const r = await post(s.app, `/api/cases/${id}/actions`, { action: 'close' }, s.keys.hotline)
      expect(r.statusCode).toBe(409)
      expect(r.json().message).toMatch(/allowed: dispatch, extend, supervise, force_close, escalate$/)
      expect(r.json().message).not.toMatch(/warn|overdue/)
    } finally {
      await s.close()
    }
  })
})
