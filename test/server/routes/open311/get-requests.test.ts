import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AT, MATTERS, type TestServer } from '../../helpers'
import { both, open311Server } from './client'
import type { Command } from '../../../../shared/workflow'

const DAY = 86_400_000
const NOW = Date.now()
const iso8 = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 19) + '+08:00'

let s: TestServer
const ids: Record<string, number> = {}
const step = (action: Command['action'], at: number, data?: Command['data']): Command => ({ action, actor: 'test', at, ...(data ? { data } : {}) })

beforeAll(async () => {
  s = await open311Server()
  const report = (matter: string, p: readonly [number, number], reportedAt: number, then: Command[] = [], description = '投诉') =>
    s.app.ingest.report({ source: 'app', matter, lon: p[0], lat: p[1], description, actor: 'test', reportedAt, then }).caseId
  const t1 = NOW - 10 * DAY
  ids.open = report(MATTERS.litter, AT.a1, t1, [step('verify', t1), step('register', t1), step('dispatch', t1 + 3600_000)])
  const t2 = NOW - 20 * DAY
  ids.closed = report(MATTERS.manhole, AT.b1, t2, [
    step('verify', t2), step('register', t2), step('dispatch', t2), step('handle', t2 + DAY), step('check', t2 + DAY),
    step('close', t2 + 2 * DAY), step('rate', t2 + 3 * DAY, { rating: 'satisfied' }),
  ])
  ids.old = report(MATTERS.leak, AT.a2, NOW - 100 * DAY)
  ids.phone = report(MATTERS.litter, AT.a2, NOW - 5 * DAY, [], '请回电 13812345678 张先生')
  ids.voided = report(MATTERS.leak, AT.b1, NOW - 3 * DAY, [step('void', NOW - 3 * DAY + 60_000)])
})
afterAll(() => s.close())

const list = async (query: string) => {
  const a = await both(s.app, { url: `/open311/v2/requests.{fmt}${query}` }, 'service_requests')
  return { ...a, ids: a.status === 200 ? (a.json as { service_request_id: string }[]).map((r) => Number(r.service_request_id)) : [] }
}
const error = async (query: string) => {
  const a = await both(s.app, { url: `/open311/v2/requests.{fmt}${query}` }, 'errors')
  expect(a.status).toBe(400)
  return a.json[0].description as string
}

describe('GET requests', () => {
  it('defaults to the last 90 days, newest first', async () => {
    const a = await list('')
    expect(a.status).toBe(200)
    expect(a.ids).toEqual([ids.voided, ids.phone, ids.open, ids.closed])
    expect(a.xml.request).toHaveLength(4)
  })

  it('maps a case onto the spec fields', async () => {
    const a = await list(`?service_request_id=${ids.closed},${ids.open}`)
    const [open, closed] = a.json
    const row = s.app.cases.get(ids.closed)!
    expect(closed).toEqual({
      service_request_id: String(ids.closed), status: 'closed', status_notes: '评价', service_name: '井盖破损',
      service_code: MATTERS.manhole, description: '投诉', agency_responsible: '市政工程中心', service_notice: null,
      requested_datetime: iso8(row.reportedAt),
      // A closed request's updated time is when it closed, not the later rating.
      updated_datetime: iso8(row.closedAt!), expected_datetime: iso8(row.deadline!),
      address: null, address_id: '4101030020010101', zipcode: null, lat: AT.b1[1], long: AT.b1[0], media_url: null,
    })
    expect(open).toMatchObject({ status: 'open', status_notes: '派遣', agency_responsible: '城市管理局' })
    expect(Object.keys(a.xml.request[0])).toEqual([
      'service_request_id', 'status', 'status_notes', 'service_name', 'service_code', 'description', 'agency_responsible',
      'service_notice', 'requested_datetime', 'updated_datetime', 'expected_datetime', 'address', 'address_id', 'zipcode',
      'lat', 'long', 'media_url',
    ])
    expect(a.xml.request[1].requested_datetime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/)
  })

  it('lets service_request_id override every other parameter', async () => {
    const a = await list(`?service_request_id=${ids.old}, ${ids.open},999999&status=closed&service_code=${MATTERS.manhole}`)
    expect(a.ids).toEqual([ids.open, ids.old])
  })

  it('filters by service_code and status lists', async () => {
    expect((await list(`?service_code=${MATTERS.leak},${MATTERS.manhole}`)).ids).toEqual([ids.voided, ids.closed])
    expect((await list('?status=open')).ids).toEqual([ids.phone, ids.open])
    // Voided counts as closed: it is finished and will not be acted on.
    expect((await list('?status=closed')).ids).toEqual([ids.voided, ids.closed])
    expect((await list('?status=open,closed')).ids).toHaveLength(4)
    expect((await list('?status=&service_code=')).ids).toHaveLength(4)
  })

  it('searches a date range of at most 90 days', async () => {
    const start = encodeURIComponent(new Date(NOW - 120 * DAY).toISOString())
    const end = encodeURIComponent(iso8(NOW - 95 * DAY))
    expect((await list(`?start_date=${start}&end_date=${end}`)).ids).toEqual([ids.old])
    expect((await list(`?start_date=${start}`)).ids).toEqual([ids.old])
    expect((await list(`?end_date=${encodeURIComponent(iso8(NOW - 15 * DAY))}`)).ids).toEqual([ids.closed, ids.old])
    expect(await error(`?start_date=${start}&end_date=${encodeURIComponent(new Date(NOW).toISOString())}`)).toBe(
      'start_date and end_date may not span more than 90 days',
    )
    expect(await error(`?start_date=${end}&end_date=${start}`)).toBe('end_date is before start_date')
  })

  it('refuses dates without a timezone, unknown statuses and malformed ids', async () => {
    expect(await error('?start_date=2026-01-01T00:00:00')).toMatch(/start_date must be a W3C datetime with a timezone/)
    expect(await error('?end_date=yesterday')).toMatch(/end_date must be a W3C datetime/)
    expect(await error('?status=pending')).toMatch(/status must be open or closed/)
    expect(await error('?service_request_id=1,abc')).toMatch(/service_request_id must be a comma list/)
  })

  it('masks phone numbers and names in citizen text unless the caller is an operator', async () => {
    const anon = await list(`?service_request_id=${ids.phone}`)
    expect(anon.json[0].description).toBe('请回电 138****5678 *先生')
    const op = await list(`?service_request_id=${ids.phone}&api_key=${s.keys.operator}`)
    expect(op.json[0].description).toBe('请回电 13812345678 张先生')
  })
})

describe('GET requests/{id}', () => {
  it('answers one request as a one-item list', async () => {
    const a = await both(s.app, { url: `/open311/v2/requests/${ids.closed}.{fmt}` }, 'service_requests')
    expect(a.status).toBe(200)
    expect(a.json).toHaveLength(1)
    expect(a.json[0]).toMatchObject({ service_request_id: String(ids.closed), status: 'closed' })
    expect(a.xml.request).toHaveLength(1)
  })

  it('answers 404 for an unknown or malformed id', async () => {
    for (const id of ['999999', 'abc']) {
      const a = await both(s.app, { url: `/open311/v2/requests/${id}.{fmt}` }, 'errors')
      expect(a.status).toBe(404)
      expect(a.json).toEqual([{ code: 404, description: `service_request_id "${id}" was not found` }])
    }
  })
})

describe('reads outside demo mode', () => {
  let closed: TestServer
  beforeAll(async () => {
    closed = await open311Server({ demo: false })
    const r = (p: readonly [number, number]) =>
      closed.app.ingest.report({ source: 'app', matter: MATTERS.litter, lon: p[0], lat: p[1], description: 'x', actor: 't' }).caseId
    ids.streetA = r(AT.a1)
    ids.streetB = r(AT.b1)
  })
  afterAll(() => closed.close())

  it('needs a viewer token (403 without), and keeps a token to its grid subtree', async () => {
    const none = await both(closed.app, { url: '/open311/v2/requests.{fmt}' }, 'errors')
    expect(none.status).toBe(403)
    const bad = await both(closed.app, { url: '/open311/v2/requests.{fmt}?api_key=os_v_nope' }, 'errors')
    expect(bad.status).toBe(403)
    const all = await both(closed.app, { url: `/open311/v2/requests.{fmt}?api_key=${closed.keys.viewer}` }, 'service_requests')
    expect(all.json).toHaveLength(2)
    const street = await both(closed.app, { url: '/open311/v2/requests.{fmt}', headers: { authorization: `Bearer ${closed.keys.streetViewer}` } }, 'service_requests')
    expect(street.json.map((r: { service_request_id: string }) => Number(r.service_request_id))).toEqual([ids.streetA])
    const hidden = await both(closed.app, { url: `/open311/v2/requests/${ids.streetB}.{fmt}?api_key=${closed.keys.streetViewer}` }, 'errors')
    expect(hidden.status).toBe(404)
    // Catalogue reads stay public.
    expect((await closed.app.inject('/open311/v2/services.xml')).statusCode).toBe(200)
  })
})

describe('the 1,000-result default', () => {
  let big: TestServer
  beforeAll(async () => {
    big = await open311Server()
    const items = Array.from({ length: 1005 }, (_, i) => ({
      report: { source: 'app', matter: MATTERS.litter, lon: AT.a1[0], lat: AT.a1[1], description: `#${i}`, actor: 't', reportedAt: NOW - DAY + i * 1000 },
    }))
    big.app.ingest.batch(items)
  })
  afterAll(() => big.close())

  it('returns the newest 1,000', async () => {
    const r = JSON.parse((await big.app.inject('/open311/v2/requests.json')).body)
    expect(r).toHaveLength(1000)
    expect(r[0].description).toBe('#1004')
    expect(r[999].description).toBe('#5')
  })
})
