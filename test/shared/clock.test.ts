// The district's clock: days, hours, months and window starts at a fixed UTC offset, whatever the machine's
// timezone; one instance per offset; the calendar keeps the same clock.
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { DEFAULT_CLOCK, DistrictClock, districtClock, DAY_MS, HOUR_MS } from '../../shared/clock'
import { calendarClock, DEFAULT_CALENDAR, localDay, startOfLocalDay, validateCalendar } from '../../shared/timelimit'

const at = (iso: string) => Date.parse(iso)

describe('the default clock (Asia/Shanghai, UTC+8)', () => {
  it('rolls the day at Shanghai midnight', () => {
    expect(DEFAULT_CLOCK.dayOf(at('2026-01-01T15:59:59.999Z'))).toBe(DEFAULT_CLOCK.dayOf(at('2025-12-31T16:00:00Z')))
    expect(DEFAULT_CLOCK.dayOf(at('2026-01-01T16:00:00Z'))).toBe(at('2026-01-02T00:00:00Z') / DAY_MS)
    expect(DEFAULT_CLOCK.dayStart(at('2026-01-02T00:00:00Z') / DAY_MS)).toBe(at('2026-01-01T16:00:00Z'))
  })

  it('keeps UTC hour numbers (a whole-hour offset), so stored hour buckets keep their keys', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4e12 }), (t) => {
        expect(DEFAULT_CLOCK.hourOf(t)).toBe(Math.floor(t / HOUR_MS))
        expect(DEFAULT_CLOCK.dayOf(t)).toBe(Math.floor((t + 8 * HOUR_MS) / DAY_MS))
        expect(DEFAULT_CLOCK.hourOfDay(t)).toBe(Math.floor((t + 8 * HOUR_MS) / HOUR_MS) % 24)
      }),
    )
  })

  it('starts windows at local midnight and on the local first of the month', () => {
    const now = at('2026-01-01T16:30:00Z') // 00:30 on 1 Jan in Shanghai, still 31 Dec in UTC
    expect(DEFAULT_CLOCK.windowStart('today', now)).toBe(at('2026-01-01T16:00:00Z'))
    expect(DEFAULT_CLOCK.windowStart('7d', now)).toBe(at('2025-12-26T16:00:00Z'))
    expect(DEFAULT_CLOCK.windowStart('month', now)).toBe(at('2025-12-31T16:00:00Z'))
    expect(DEFAULT_CLOCK.windowStart('all', now)).toBeNull()
  })

  it('writes ISO 8601 with its offset', () => {
    expect(DEFAULT_CLOCK.iso(at('2026-01-31T18:30:05Z'))).toBe('2026-02-01T02:30:05+08:00')
  })
})

describe('another district', () => {
  it('rolls days, months and hours at its own offset, half hours included', () => {
    const india = districtClock(330) // UTC+5:30
    const t = at('2026-02-28T18:29:00Z') // 23:59 on 28 Feb in India
    expect(india.dayOf(t) + 1).toBe(india.dayOf(t + 60_000))
    expect(india.windowStart('month', t + 60_000)).toBe(at('2026-02-28T18:30:00Z'))
    expect(india.windowStart('month', t)).toBe(at('2026-01-31T18:30:00Z'))
    // Hours begin at :30 UTC there, and a trend bucket starts on a local whole hour.
    expect(india.hourOf(at('2026-03-01T10:29:59Z')) + 1).toBe(india.hourOf(at('2026-03-01T10:30:00Z')))
    expect(india.hourStart(india.hourOf(at('2026-03-01T10:45:00Z')))).toBe(at('2026-03-01T10:30:00Z'))
    expect(india.hourOfDay(at('2026-03-01T10:30:00Z'))).toBe(16)
    expect(india.iso(at('2026-03-01T10:30:00Z'))).toBe('2026-03-01T16:00:00+05:30')
  })

  it('west of Greenwich', () => {
    const ny = districtClock(-300)
    expect(ny.iso(at('2026-03-01T03:00:00Z'))).toBe('2026-02-28T22:00:00-05:00')
    expect(ny.windowStart('today', at('2026-03-01T03:00:00Z'))).toBe(at('2026-02-28T05:00:00Z'))
    expect(ny.hourOfDay(at('1969-12-31T23:00:00Z'))).toBe(18)
  })

  it('refuses an offset that is not whole minutes within ±14 h', () => {
    for (const bad of [NaN, 7.5, 15 * 60, -15 * 60]) expect(() => new DistrictClock(bad)).toThrow(RangeError)
  })

  it('is one instance per offset', () => {
    expect(districtClock(480)).toBe(DEFAULT_CLOCK)
    expect(districtClock(-300)).toBe(districtClock(-300))
  })
})

describe('the calendar keeps the same clock', () => {
  it('is the default clock by default, and a configured timezone moves its days', () => {
    expect(calendarClock(DEFAULT_CALENDAR)).toBe(DEFAULT_CLOCK)
    const utc = { ...DEFAULT_CALENDAR, timezoneOffsetMinutes: 0 }
    expect(calendarClock(utc)).toBe(districtClock(0))
    const t = at('2026-03-02T20:00:00Z')
    expect(localDay(t, utc)).toBe(districtClock(0).dayOf(t))
    expect(localDay(t, DEFAULT_CALENDAR)).toBe(localDay(t, utc) + 1)
    expect(startOfLocalDay(localDay(t, utc), utc)).toBe(at('2026-03-02T00:00:00Z'))
  })

  it('a calendar whose offset no clock can keep is refused at start', () => {
    expect(() => validateCalendar({ ...DEFAULT_CALENDAR, timezoneOffsetMinutes: 900 })).toThrow(/timezoneOffsetMinutes/)
  })
})
