// The working calendar's coverage as the operator sees it: GET /api/health says how far the holiday data
// reaches against the longest limit in the catalogue (here 3 working days), and the start logs a warning.
import { afterEach, describe, expect, test } from 'vitest'
import { buildTestServer, type TestServer } from '../helpers'
import { DEFAULT_CALENDAR } from '../../../shared/timelimit'
import { coverageWarning } from '../../../server/plugins/calendar'

const sh = (s: string) => Date.parse(s.replace(' ', 'T') + ':00+08:00')
let s: TestServer | undefined
afterEach(async () => {
  await s?.close()
  s = undefined
})

describe('calendar coverage', () => {
  test('GET /api/health: short when the longest limit from today reaches past the last covered day', async () => {
    s = await buildTestServer({ calendar: { ...DEFAULT_CALENDAR, coveredThrough: '2021-12-31' } })
    const h = (await s.app.inject('/api/health')).json()
    expect(h.calendar).toMatchObject({ coveredThrough: '2021-12-31', short: true })
    expect(h.calendar.horizon > '2021-12-31').toBe(true)
  })

  test('GET /api/health: not short while the data reaches past every deadline', async () => {
    s = await buildTestServer({ calendar: { ...DEFAULT_CALENDAR, coveredThrough: '2999-12-31' } })
    expect((await s.app.inject('/api/health')).json().calendar).toMatchObject({ coveredThrough: '2999-12-31', short: false })
  })

  test('the horizon follows the catalogue: 3 working days from 29 December 2026 end on 1 January 2027', async () => {
    s = await buildTestServer({ calendar: { ...DEFAULT_CALENDAR, coveredThrough: '2026-12-31' } })
    expect(s.app.calendarCoverage(sh('2026-12-24 10:00'))).toEqual({ coveredThrough: '2026-12-31', horizon: '2026-12-29', short: false })
    expect(s.app.calendarCoverage(sh('2026-12-29 10:00'))).toEqual({ coveredThrough: '2026-12-31', horizon: '2027-01-01', short: true })
    // A reloaded catalogue with a longer limit moves the horizon.
    s.db.$client.prepare("UPDATE matters SET limit_kind = 'natural_days', limit_value = 60 WHERE code = '02001'").run()
    s.app.catalogue.reload()
    expect(s.app.calendarCoverage(sh('2026-12-24 10:00')).horizon).toBe('2027-02-22')
  })

  test('the start-up warning names the last covered day, the horizon, the fallback and the fix', () => {
    expect(coverageWarning({ coveredThrough: '2026-12-31', horizon: '2027-02-01', short: false })).toBeNull()
    const w = coverageWarning({ coveredThrough: '2026-12-31', horizon: '2027-02-01', short: true })!
    expect(w).toMatch(/known through 2026-12-31/)
    expect(w).toMatch(/as late as 2027-02-01/)
    expect(w).toMatch(/Monday–Friday/)
    expect(w).toMatch(/ONESCREEN_CALENDAR/)
  })
})
