// Names inside citizen text are masked everywhere a screen or a viewer can read them (issue 10 §4): the case
// list and a case, Open311 JSON and XML, and the wall's ticker, for anonymous demo viewers and viewer tokens;
// an operator sees the text whole.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { AddressInfo } from 'node:net'
import { AT, buildTestServer, post, reportBody, type TestServer } from '../helpers'
import { LiveClient } from '../../../client/live/liveClient'

const TEXT = '我是张三，电话13812345678，楼下王师傅的三轮车长期占道，联系人：李四。'
let s: TestServer
let id: number

beforeAll(async () => {
  s = await buildTestServer({ tickMs: 30 })
  await s.app.listen({ port: 0, host: '127.0.0.1' })
  const r = await post(s.app, '/api/cases', reportBody(AT.a1, { description: TEXT, address: '淮河路街道张三家门口', reporterName: '张三' }), s.keys.hotline)
  expect(r.statusCode).toBe(201)
  id = r.json().id
})
afterAll(() => s.close())

/** No whole name, no whole phone; the place names stay. */
function expectMasked(body: string) {
  for (const whole of ['张三', '李四', '王师傅', '13812345678']) expect(body).not.toContain(whole)
  expect(body).toContain('张*')
  expect(body).toContain('*师傅')
}

const bearer = (t: string) => ({ authorization: `Bearer ${t}` })

describe('names in citizen text', () => {
  for (const who of ['anonymous demo viewer', 'viewer token'] as const) {
    const headers = () => (who === 'viewer token' ? bearer(s.keys.viewer) : {})
    test(`GET /api/cases and /api/cases/:id (${who})`, async () => {
      const one = await s.app.inject({ url: `/api/cases/${id}`, headers: headers() })
      expect(one.statusCode).toBe(200)
      expectMasked(one.body)
      expect(one.json().address).toBe('淮河路街道张*家门口')
      const list = await s.app.inject({ url: '/api/cases', headers: headers() })
      expectMasked(list.body)
    })

    test(`Open311 JSON and XML (${who})`, async () => {
      for (const url of [`/open311/v2/requests/${id}.json`, `/open311/v2/requests/${id}.xml`, '/open311/v2/requests.json', '/open311/v2/requests.xml']) {
        const r = await s.app.inject({ url, headers: headers() })
        expect(r.statusCode, url).toBe(200)
        expectMasked(r.body)
      }
    })
  }

  test('an operator reads the text whole', async () => {
    const r = await s.app.inject({ url: `/api/cases/${id}`, headers: bearer(s.keys.operator) })
    expect(r.json().description).toBe(TEXT)
  })

  test('the wall\'s ticker', async () => {
    const url = `http://127.0.0.1:${(s.app.server.address() as AddressInfo).port}`
    const c = new LiveClient({ url, socket: { transports: ['websocket'] } })
    try {
      c.subscribe('410103', 'today')
      const end = Date.now() + 5000
      while (!c.ticker.some((t) => t.caseId === id) && Date.now() < end) await new Promise((r) => setTimeout(r, 20))
      const item = c.ticker.find((t) => t.caseId === id)
      expect(item, 'the report reached the ticker').toBeDefined()
      expect(item!.text).toContain('张*')
      for (const whole of ['张三', '王师傅', '13812345678']) expect(item!.text).not.toContain(whole)
    } finally {
      c.dispose()
    }
  })
})
