// GET /api/snapshot end to end: a scope's figures as they stood at past moments, the files, and the refusals.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import ExcelJS from 'exceljs'
import Papa from 'papaparse'
import { AT, buildTestServer, post, reportBody, type TestServer } from '../helpers'

let s: TestServer
const HOUR = 3_600_000
const DAY = 24 * HOUR
/** Local (UTC+8) midnight starting the day `daysAgo` before today. */
const localMidnight = (daysAgo: number) => Math.floor((Date.now() + 8 * HOUR) / DAY) * DAY - 8 * HOUR - daysAgo * DAY
const iso = (t: number) => new Date(t + 8 * HOUR).toISOString().slice(0, 19) + '+08:00'
const t0 = localMidnight(3) + 10 * HOUR // three days ago, 10:00 local
const tB = localMidnight(1) + 20 * HOUR // yesterday 20:00 local

beforeAll(async () => {
  s = await buildTestServer()
  const steps = ['verify', 'register', 'dispatch', 'handle', 'check', 'close'].map((action, i) => ({ action, at: iso(t0 + (i + 1) * HOUR) }))
  const items = [
    { type: 'report', ...reportBody(AT.a1), reportedAt: iso(t0), then: steps },
    { type: 'report', ...reportBody(AT.b1), reportedAt: iso(tB) },
  ]
  const r = await post(s.app, '/api/ingest/batch', { items }, s.keys.hotline)
  expect(r.statusCode, r.body).toBeLessThan(300)
})
afterAll(() => s.close())

const get = (query: string, token = s.keys.viewer) => s.app.inject({ method: 'GET', url: `/api/snapshot?${query}&token=${token}` })
const at = (t: number) => encodeURIComponent(iso(t))

describe('GET /api/snapshot', () => {
  test('the district and its streets as they stood before and after a closure', async () => {
    const before = await get(`scope=410103&window=all&at=${at(t0 + 5.5 * HOUR)}`)
    expect(before.statusCode, before.body).toBe(200)
    const b = before.json()
    expect(b.scope).toMatchObject({ code: '410103', counters: { received: 1, closed: 0, open: 1 } })
    expect(b.scope.indicators.closureRate).toBeNull()
    expect(b.children.map((c: { code: string }) => c.code)).toEqual(['410103001', '410103002'])
    expect(b.children[0].map).toEqual({ received: 1, open: 1, overdue: 0, closureRate: null, satisfaction: null })
    expect(b.children[1].map.received).toBe(0)
    const after = (await get(`scope=410103&window=all&at=${at(t0 + 8 * HOUR)}`)).json()
    expect(after.scope.counters).toMatchObject({ received: 1, closed: 1, open: 0 })
    expect(after.scope.indicators.closureRate).toBe(1)
    expect(after.at).toBe(iso(t0 + 8 * HOUR))
  })

  test('"today" is the local day of the moment asked about', async () => {
    const r = (await get(`scope=410103&window=today&at=${at(tB + HOUR)}`)).json()
    expect(r.scope.counters.received).toBe(1)
    expect(r.children[1].map.received).toBe(1)
    const start = (await get(`scope=410103&window=today&at=${at(localMidnight(1))}`)).json()
    expect(start.scope.counters.received).toBe(0)
    const all = (await get(`scope=410103&window=all&at=${at(Date.now() - 1000)}`)).json()
    expect(all.scope.counters.received).toBe(2)
  })

  test('CSV and XLSX hold the scope and its children, with every counter and indicator', async () => {
    const csv = await get(`scope=410103&window=all&at=${at(t0 + 8 * HOUR)}&format=csv`)
    expect(csv.statusCode).toBe(200)
    expect(csv.headers['content-type']).toContain('text/csv')
    expect(csv.headers['content-disposition']).toMatch(/attachment; filename="snapshot-410103-all-.*\.csv"/)
    const rows = Papa.parse<Record<string, string>>(csv.body.replace(/^\ufeff/, ''), { header: true, skipEmptyLines: true }).data
    expect(rows.map((r) => r.code)).toEqual(['410103', '410103001', '410103002'])
    expect(rows[0]).toMatchObject({ received: '1', closed: '1', closureRate: '1', satisfactionRate: '' })
    const xlsx = await get(`scope=410103001&window=all&at=${at(t0 + 8 * HOUR)}&format=xlsx`)
    expect(xlsx.statusCode).toBe(200)
    const book = new ExcelJS.Workbook()
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer)
    const sheet = book.worksheets[0]
    const head = (sheet.getRow(2).values as string[]).slice(1)
    const first = (sheet.getRow(3).values as unknown[]).slice(1)
    expect(first[head.indexOf('code')]).toBe('410103001')
    expect(first[head.indexOf('closed')]).toBe(1)
    expect(sheet.getRow(1).getCell(1).value).toBe('编码')
  })

  test('a street token gets its own street only, as on the live stream', async () => {
    const own = await get(`scope=410103001&window=all&at=${at(t0 + 8 * HOUR)}`, s.keys.streetViewer)
    expect(own.statusCode, own.body).toBe(200)
    const other = await get(`scope=410103002&window=all&at=${at(t0 + 8 * HOUR)}`, s.keys.streetViewer)
    expect(other.statusCode).toBe(403)
    expect(other.json().field).toBe('scope')
    const district = await get(`scope=410103&window=all&at=${at(t0 + 8 * HOUR)}`, s.keys.streetViewer)
    expect(district.statusCode).toBe(403)
  })

  test.each([
    ['a time without a timezone', `scope=410103&window=all&at=2026-07-20T21:00:00`, 400, 'at', /timezone/],
    ['a date only', `scope=410103&window=all&at=2026-07-20`, 400, 'at', /timezone/],
    ['before the log begins', () => `scope=410103&window=all&at=${at(t0 - DAY)}`, 422, 'at', /before the log begins/],
    ['in the future', () => `scope=410103&window=all&at=${at(Date.now() + HOUR)}`, 422, 'at', /future/],
    ['an unknown scope', () => `scope=999999&window=all&at=${at(t0 + HOUR)}`, 400, 'scope', /not a grid code/],
    ['an unknown window', () => `scope=410103&window=year&at=${at(t0 + HOUR)}`, 400, 'window', /today, 7d, month, all/],
    ['no moment', `scope=410103&window=all`, 400, 'at', /required/],
  ] as const)('%s gets a clear 4xx naming the field', async (_name, query, status, field, message) => {
    const r = await get(typeof query === 'function' ? query() : query)
    expect(r.statusCode, r.body).toBe(status)
    expect(r.json().field).toBe(field)
    expect(r.json().message).toMatch(message)
  })
})
