// A timezone configured through the calendar (ONESCREEN_CALENDAR's timezoneOffsetMinutes) reaches every
// clock of the server, not only the deadlines: the metrics windows, Open311's times, and the page a screen loads. Here the district is on UTC (offset 0) instead of Shanghai's +8.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AT, buildTestServer, MATTERS, type TestServer } from './helpers'
import { DEFAULT_CALENDAR } from '../../shared/timelimit'
import { UTC_OFFSET_META } from '../../shared/clock'

let s: TestServer
beforeAll(async () => {
  const client = mkdtempSync(join(tmpdir(), 'onescreen-client-'))
  writeFileSync(join(client, 'index.html'), '<!doctype html><html><head><title>OneScreen</title></head><body><div id="app"></div></body></html>')
  s = await buildTestServer({ clientDir: client, calendar: { ...DEFAULT_CALENDAR, timezoneOffsetMinutes: 0 } })
})
afterAll(() => s?.close())

describe('a district on UTC', () => {
  it('counts "today" from UTC midnight', () => {
    const clock = s.app.metrics.clock
    expect(clock.offsetMinutes).toBe(0)
    // 02:00 UTC is 10:00 in Shanghai: the same day either way, but the day starts 8 h apart.
    const now = Date.parse('2026-03-02T02:00:00Z')
    expect(clock.windowStart('today', now)).toBe(Date.parse('2026-03-02T00:00:00Z'))
  })

  it('writes Open311 times on its own clock', async () => {
    const reportedAt = Date.parse('2026-03-01T23:30:00Z')
    const { caseId } = s.app.ingest.report({ source: 'app', matter: MATTERS.litter, lon: AT.a1[0], lat: AT.a1[1], description: '垃圾', actor: 'test', reportedAt })
    const r = await s.app.inject(`/open311/v2/requests/${caseId}.json`)
    expect(r.statusCode).toBe(200)
    expect(r.json()[0].requested_datetime).toBe('2026-03-01T23:30:00+00:00')
    const discovery = (await s.app.inject('/open311/v2/discovery.json')).json()
    expect(discovery.changeset).toMatch(/\+00:00$/)
  })

  it('tells the screens its UTC offset in the page', async () => {
    for (const url of ['/', '/tablet']) {
      const r = await s.app.inject({ url, headers: { accept: 'text/html' } })
      expect(r.statusCode).toBe(200)
      expect(r.headers['content-type']).toMatch(/^text\/html/)
      expect(r.body).toContain(`<meta name="${UTC_OFFSET_META}" content="0"></head>`)
      expect(r.body).toContain('<div id="app"></div>')
    }
  })
})
