import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  type Calendar, DEFAULT_CALENDAR, deadline, isWorkingDay, light, LIMIT_KINDS, localDay, overdueAt, startOfLocalDay,
  timeLimit, validateCalendar, warnAt, warnBetween, workingMsBetween,
} from '../../shared/timelimit'

/** A wall-clock time in Asia/Shanghai, written out independently of the code under test. */
const sh = (s: string) => Date.parse(s.replace(' ', 'T') + ':00+08:00')
const H = 3_600_000
const M = 60_000

describe('the default calendar (China, Asia/Shanghai)', () => {
  it.each([
    ['2026-03-02 10:00', true, 'a Monday'],
    ['2026-03-07 10:00', false, 'a Saturday'],
    ['2026-03-08 10:00', false, 'a Sunday'],
    ['2026-01-01 10:00', false, '元旦'],
    ['2026-01-04 10:00', true, '元旦 调休 Sunday'],
    ['2026-02-14 10:00', true, '春节 调休 Saturday'],
    ['2026-02-16 10:00', false, '春节 (Monday)'],
    ['2026-02-23 10:00', false, '春节 last day (Monday)'],
    ['2026-02-24 10:00', true, 'after 春节'],
    ['2026-02-28 10:00', true, '春节 调休 Saturday after'],
    ['2026-04-06 10:00', false, '清明 Monday'],
    ['2026-05-05 10:00', false, '劳动节 Tuesday'],
    ['2026-05-09 10:00', true, '劳动节 调休 Saturday'],
    ['2026-06-19 10:00', false, '端午 Friday'],
    ['2026-09-20 10:00', true, '国庆 调休 Sunday'],
    ['2026-09-25 10:00', false, '中秋 Friday'],
    ['2026-10-07 10:00', false, '国庆 Wednesday'],
    ['2026-10-08 10:00', true, 'after 国庆'],
    ['2026-10-10 10:00', true, '国庆 调休 Saturday'],
    ['2025-10-08 10:00', false, '2025 国庆+中秋'],
    ['2025-09-28 10:00', true, '2025 调休 Sunday'],
  ])('%s is a working day: %s (%s)', (t, expected) => {
    expect(isWorkingDay(sh(t))).toBe(expected)
  })

  it('days are Shanghai days, not UTC days', () => {
    // 2026-03-06T16:30Z is Saturday 00:30 in Shanghai, still Friday in UTC.
    expect(isWorkingDay(Date.parse('2026-03-06T16:30:00Z'))).toBe(false)
    expect(isWorkingDay(Date.parse('2026-03-06T15:59:59Z'))).toBe(true)
    expect(startOfLocalDay(localDay(sh('2026-03-02 23:59')))).toBe(sh('2026-03-02 00:00'))
    expect(startOfLocalDay(localDay(sh('2026-03-03 00:00')))).toBe(sh('2026-03-03 00:00'))
  })
})

describe('urgent_hours: natural hours', () => {
  it('counts every hour, through nights, weekends and holidays', () => {
    expect(deadline(sh('2026-03-02 10:00'), 'urgent_hours', 2)).toBe(sh('2026-03-02 12:00'))
    expect(deadline(sh('2026-03-02 23:30'), 'urgent_hours', 2)).toBe(sh('2026-03-03 01:30'))
    expect(deadline(sh('2026-09-30 20:00'), 'urgent_hours', 24)).toBe(sh('2026-10-01 20:00'))
    expect(deadline(sh('2026-03-02 10:00'), 'urgent_hours', 0.5)).toBe(sh('2026-03-02 10:30'))
  })
})

describe('working_hours: only time inside working periods of working days', () => {
  it.each([
    ['2026-03-02 10:00', 1, '2026-03-02 11:00', 'inside the morning'],
    ['2026-03-02 10:00', 2, '2026-03-02 12:00', 'ends exactly at the lunch break'],
    ['2026-03-02 10:00', 3, '2026-03-02 14:30', 'skips the lunch break'],
    ['2026-03-02 11:00', 1.5, '2026-03-02 14:00', 'half an hour after lunch'],
    ['2026-03-02 12:30', 1, '2026-03-02 14:30', 'start during lunch waits for 13:30'],
    ['2026-03-02 08:00', 1, '2026-03-02 10:00', 'start before work waits for 09:00'],
    ['2026-03-02 00:00', 1, '2026-03-02 10:00', 'start at midnight'],
    ['2026-03-02 20:00', 1, '2026-03-03 10:00', 'start after work runs the next morning'],
    ['2026-03-02 17:30', 1, '2026-03-03 10:00', 'start exactly at closing time'],
    ['2026-03-02 09:00', 7, '2026-03-02 17:30', 'one whole working day'],
    ['2026-03-02 09:00', 7.25, '2026-03-03 09:15', 'a quarter hour into the next day'],
    ['2026-03-06 16:30', 2, '2026-03-09 10:00', 'Friday afternoon runs over the weekend'],
    ['2026-03-07 11:00', 1, '2026-03-09 10:00', 'start on a Saturday'],
    ['2026-09-30 17:00', 1, '2026-10-08 09:30', 'skips 国庆 and its weekend'],
    ['2026-10-09 17:00', 1, '2026-10-10 09:30', 'a 调休 Saturday is worked'],
    ['2026-02-13 17:00', 1, '2026-02-14 09:30', 'the 调休 Saturday before 春节'],
    ['2026-02-14 17:00', 1, '2026-02-24 09:30', 'skips the whole 春节 break'],
    ['2025-12-31 17:00', 1, '2026-01-04 09:30', '元旦 across the year, into the 调休 Sunday'],
  ])('%s + %s h → %s (%s)', (start, hours, due) => {
    expect(deadline(sh(start), 'working_hours', hours)).toBe(sh(due))
  })

  it('a zero limit is due at once', () => {
    expect(deadline(sh('2026-03-07 11:00'), 'working_hours', 0)).toBe(sh('2026-03-07 11:00'))
  })

  it('uses exactly `value` hours of working time', () => {
    for (const h of [0.5, 1, 3, 7, 8, 16, 40, 72]) {
      const start = sh('2026-09-28 15:10')
      expect(workingMsBetween(start, deadline(start, 'working_hours', h))).toBe(h * H)
    }
  })
})

describe('working_days: due at the end of the Nth working day after the start date', () => {
  it.each([
    ['2026-03-02 10:00', 1, '2026-03-03 17:30', 'Monday → Tuesday'],
    ['2026-03-02 08:00', 1, '2026-03-03 17:30', 'before work still counts from the next day'],
    ['2026-03-02 23:59', 1, '2026-03-03 17:30', 'a minute before midnight'],
    ['2026-03-03 00:00', 1, '2026-03-04 17:30', 'at midnight the next day is the start date'],
    ['2026-03-02 10:00', 5, '2026-03-09 17:30', 'a working week'],
    ['2026-03-06 10:00', 1, '2026-03-09 17:30', 'Friday → Monday'],
    ['2026-03-07 10:00', 1, '2026-03-09 17:30', 'Saturday → Monday'],
    ['2026-09-30 10:00', 1, '2026-10-08 17:30', 'over 国庆'],
    ['2026-09-30 10:00', 3, '2026-10-10 17:30', 'the 调休 Saturday counts'],
    ['2026-02-13 10:00', 1, '2026-02-14 17:30', 'the 调休 Saturday before 春节'],
    ['2026-02-13 10:00', 2, '2026-02-24 17:30', 'then 春节'],
    ['2026-09-18 10:00', 1, '2026-09-20 17:30', 'the 调休 Sunday before 国庆'],
  ])('%s + %s → %s (%s)', (start, days, due) => {
    expect(deadline(sh(start), 'working_days', days)).toBe(sh(due))
  })

  it('takes the start date in Shanghai time', () => {
    // 2026-03-02T16:30Z is Tuesday 00:30 in Shanghai (Monday in UTC): due end of Wednesday.
    expect(deadline(Date.parse('2026-03-02T16:30:00Z'), 'working_days', 1)).toBe(sh('2026-03-04 17:30'))
  })
})

describe('natural_days: due at the end (24:00) of the Nth calendar day after the start date', () => {
  it.each([
    ['2026-03-02 10:00', 1, '2026-03-04 00:00'],
    ['2026-03-02 23:59', 1, '2026-03-04 00:00'],
    ['2026-03-02 00:00', 1, '2026-03-04 00:00'],
    ['2026-09-30 10:00', 3, '2026-10-04 00:00'], // holidays do not matter
    ['2026-12-31 10:00', 1, '2027-01-02 00:00'],
    ['2026-02-27 10:00', 2, '2026-03-02 00:00'],
  ])('%s + %s → %s', (start, days, due) => {
    expect(deadline(sh(start), 'natural_days', days)).toBe(sh(due))
  })

  it('takes the start date in Shanghai time', () => {
    expect(deadline(Date.parse('2026-03-02T16:30:00Z'), 'natural_days', 1)).toBe(sh('2026-03-05 00:00'))
  })
})

describe('warnAt: 80 % of the limit, in the limit’s own kind of time', () => {
  it('urgent hours: 80 % of natural time', () => {
    expect(warnAt(sh('2026-03-02 10:00'), 'urgent_hours', 10)).toBe(sh('2026-03-02 18:00'))
  })

  it('working hours: 80 % of working time, skipping the night', () => {
    // Monday 09:00 + 10 h: 7 h on Monday, 3 h on Tuesday → due Tuesday 12:00; 8 h → Tuesday 10:00.
    expect(deadline(sh('2026-03-02 09:00'), 'working_hours', 10)).toBe(sh('2026-03-03 12:00'))
    expect(warnAt(sh('2026-03-02 09:00'), 'working_hours', 10)).toBe(sh('2026-03-03 10:00'))
  })

  it('working hours: across a holiday', () => {
    // Wednesday 16:30 + 2 h → 1 h that day, then 国庆 → due Oct 8 10:00; 1.6 h → Oct 8 09:36.
    expect(warnAt(sh('2026-09-30 16:30'), 'working_hours', 2)).toBe(sh('2026-10-08 09:36'))
  })

  it('working days: 80 % of the working time between start and deadline', () => {
    // Monday 10:00 → due Tuesday 17:30. Working time: 6 h Monday + 7 h Tuesday = 13 h; 80 % = 10 h 24 min:
    // 6 h on Monday, then 4 h 24 min on Tuesday: 09:00–12:00, then 13:30 + 1 h 24 min = 14:54.
    expect(warnAt(sh('2026-03-02 10:00'), 'working_days', 1)).toBe(sh('2026-03-03 14:54'))
  })

  it('natural days: 80 % of the natural span', () => {
    // Monday 10:00 → Wednesday 00:00 = 38 h; 80 % = 30 h 24 min → Tuesday 16:24.
    expect(warnAt(sh('2026-03-02 10:00'), 'natural_days', 1)).toBe(sh('2026-03-03 16:24'))
  })

  it('warnBetween: 80 % of an arbitrary (extended) span', () => {
    const s = sh('2026-03-02 10:00')
    // Extended to Wednesday 17:30: 6 h + 7 h + 7 h = 20 h of working time; 16 h → Wednesday 12:00.
    expect(warnBetween(s, sh('2026-03-04 17:30'), 'working_days')).toBe(sh('2026-03-04 12:00'))
    expect(warnBetween(s, sh('2026-03-04 17:30'), 'working_hours')).toBe(sh('2026-03-04 12:00'))
    expect(warnBetween(s, sh('2026-03-02 20:00'), 'urgent_hours')).toBe(sh('2026-03-02 18:00'))
    // The catalogue span gives exactly warnAt.
    for (const kind of LIMIT_KINDS) expect(warnBetween(s, deadline(s, kind, 3), kind)).toBe(warnAt(s, kind, 3))
    // No working time in the span (inside 国庆): natural time.
    expect(warnBetween(sh('2026-10-02 10:00'), sh('2026-10-02 20:00'), 'working_hours')).toBe(sh('2026-10-02 18:00'))
    expect(warnBetween(s, s - 1, 'working_days')).toBe(s - 1)
  })

  it('timeLimit returns both', () => {
    const t = sh('2026-03-02 10:00')
    expect(timeLimit(t, 'working_days', 1)).toEqual({ deadline: sh('2026-03-03 17:30'), warnAt: sh('2026-03-03 14:54') })
  })

  it('property: start ≤ warnAt ≤ deadline, and warnAt uses 80 % of the same kind of time', () => {
    const from = sh('2025-01-01 00:00')
    const to = sh('2026-12-31 00:00')
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: (to - from) / M }),
        fc.integer({ min: 0, max: M - 1 }),
        fc.constantFrom(...LIMIT_KINDS),
        fc.integer({ min: 1, max: 30 }),
        (minutes, ms, kind, value) => {
          const start = from + minutes * M + ms
          const due = deadline(start, kind, value)
          const warn = warnAt(start, kind, value)
          expect(start).toBeLessThanOrEqual(warn)
          expect(warn).toBeLessThanOrEqual(due)
          if (kind === 'working_hours' || kind === 'working_days') {
            const total = workingMsBetween(start, due)
            expect(Math.abs(workingMsBetween(start, warn) - 0.8 * total)).toBeLessThanOrEqual(1)
            expect(isWorkingDay(due)).toBe(true)
            if (kind === 'working_hours') expect(total).toBe(value * H)
          } else {
            expect(Math.abs(warn - start - 0.8 * (due - start))).toBeLessThanOrEqual(1)
          }
        },
      ),
      { numRuns: 500 },
    )
  })
})

describe('light', () => {
  const start = sh('2026-03-02 10:00')
  const due = sh('2026-03-02 20:00')
  it('green under 80 %, yellow from 80 % to the deadline, red after it', () => {
    expect(light(start, start, due)).toBe('green')
    expect(light(sh('2026-03-02 17:59'), start, due)).toBe('green')
    expect(light(sh('2026-03-02 18:00') - 1, start, due)).toBe('green')
    expect(light(sh('2026-03-02 18:00'), start, due)).toBe('yellow')
    expect(light(due, start, due)).toBe('yellow')
    expect(light(due + 1, start, due)).toBe('red')
    expect(light(overdueAt(due), start, due)).toBe('red')
  })

  it('uses the given warnAt for working-time limits', () => {
    const s = sh('2026-03-02 10:00')
    const d = deadline(s, 'working_days', 1)
    const w = warnAt(s, 'working_days', 1)
    // Natural 80 % of Mon 10:00 → Tue 17:30 would be Tue 10:00; working 80 % is Tue 14:54.
    expect(light(sh('2026-03-03 12:00'), s, d, w)).toBe('green')
    expect(light(sh('2026-03-03 12:00'), s, d)).toBe('yellow')
    expect(light(w, s, d, w)).toBe('yellow')
    expect(light(d + 1, s, d, w)).toBe('red')
  })
})

describe('configurable calendar', () => {
  const custom: Calendar = {
    timezoneOffsetMinutes: 0,
    workingHours: [{ start: '08:00', end: '16:00' }],
    weekendDays: [5, 6], // Friday and Saturday off
    holidays: ['2026-03-02'],
    makeupWorkdays: ['2026-03-06'],
  }
  const utc = (s: string) => Date.parse(s.replace(' ', 'T') + ':00Z')

  it('follows its own hours, weekend, holidays, makeup days and timezone', () => {
    expect(isWorkingDay(utc('2026-03-02 10:00'), custom)).toBe(false) // holiday Monday
    expect(isWorkingDay(utc('2026-03-06 10:00'), custom)).toBe(true) // makeup Friday
    expect(isWorkingDay(utc('2026-03-07 10:00'), custom)).toBe(false) // Saturday
    expect(isWorkingDay(utc('2026-03-08 10:00'), custom)).toBe(true) // Sunday works
    // Sunday 15:00 + 2 h: 1 h Sunday, Monday is a holiday → Tuesday 09:00.
    expect(deadline(utc('2026-03-01 15:00'), 'working_hours', 2, custom)).toBe(utc('2026-03-03 09:00'))
    expect(deadline(utc('2026-03-05 10:00'), 'working_days', 1, custom)).toBe(utc('2026-03-06 16:00'))
    expect(deadline(utc('2026-03-05 10:00'), 'working_days', 2, custom)).toBe(utc('2026-03-08 16:00'))
    expect(deadline(utc('2026-03-05 10:00'), 'natural_days', 1, custom)).toBe(utc('2026-03-07 00:00'))
  })

  it('a negative offset (west of UTC) works the same way', () => {
    const west: Calendar = { ...DEFAULT_CALENDAR, timezoneOffsetMinutes: -300 }
    const ny = (s: string) => Date.parse(s.replace(' ', 'T') + ':00-05:00')
    expect(deadline(ny('2026-03-02 11:00'), 'working_hours', 2, west)).toBe(ny('2026-03-02 14:30'))
    expect(deadline(ny('2026-03-02 23:30'), 'working_days', 1, west)).toBe(ny('2026-03-03 17:30'))
  })

  it('never depends on the machine’s timezone', () => {
    const saved = process.env.TZ
    const before = deadline(sh('2026-09-30 17:00'), 'working_hours', 1)
    try {
      for (const tz of ['America/Los_Angeles', 'Asia/Kolkata', 'UTC']) {
        process.env.TZ = tz
        expect(deadline(sh('2026-09-30 17:00'), 'working_hours', 1)).toBe(before)
        expect(deadline(sh('2026-03-02 23:59'), 'working_days', 1)).toBe(sh('2026-03-03 17:30'))
        expect(isWorkingDay(sh('2026-10-10 10:00'))).toBe(true)
      }
    } finally {
      if (saved === undefined) delete process.env.TZ
      else process.env.TZ = saved
    }
    expect(before).toBe(sh('2026-10-08 09:30'))
  })

  it('refuses a broken calendar or limit with a clear error', () => {
    const bad = (patch: Partial<Calendar>) => ({ ...DEFAULT_CALENDAR, ...patch })
    const t = sh('2026-03-02 10:00')
    expect(() => deadline(t, 'working_hours', 1, bad({ workingHours: [{ start: '9:00', end: '12:00' }] }))).toThrow(/HH:MM/)
    expect(() => deadline(t, 'working_hours', 1, bad({ workingHours: [{ start: '12:00', end: '09:00' }] }))).toThrow(/ends before/)
    expect(() =>
      deadline(t, 'working_hours', 1, bad({ workingHours: [{ start: '09:00', end: '12:00' }, { start: '11:00', end: '13:00' }] })),
    ).toThrow(/overlaps/)
    expect(() => deadline(t, 'working_hours', 1, bad({ holidays: ['2026-02-30'] }))).toThrow(/2026-02-30/)
    expect(() => deadline(t, 'working_hours', 1, bad({ workingHours: [] }))).toThrow(/no working hours/)
    expect(() => deadline(t, 'working_days', 1, bad({ weekendDays: [0, 1, 2, 3, 4, 5, 6], makeupWorkdays: [] }))).toThrow(
      /no working day/,
    )
    expect(() => validateCalendar(DEFAULT_CALENDAR)).not.toThrow()
    expect(() => validateCalendar(bad({ makeupWorkdays: ['2026-13-01'] }))).toThrow(/2026-13-01/)
    expect(() => validateCalendar(bad({ workingHours: [] }))).toThrow(/no working hours/)
    expect(() => validateCalendar(bad({ timezoneOffsetMinutes: NaN }))).toThrow(/timezoneOffsetMinutes/)
    expect(() => validateCalendar(bad({ holidays: '2026-01-01' as never }))).toThrow(/holidays must be a list/)
    expect(() => deadline(t, 'working_days', 0)).toThrow(/whole number/)
    expect(() => deadline(t, 'natural_days', 1.5)).toThrow(/whole number/)
    expect(() => deadline(t, 'working_hours', -1)).toThrow(/≥ 0/)
    expect(() => deadline(t, 'urgent_hours', NaN)).toThrow(RangeError)
    expect(() => deadline(NaN, 'urgent_hours', 1)).toThrow(/start/)
    expect(() => deadline(t, 'fortnights' as never, 1)).toThrow(/unknown kind/)
  })
})

describe('workingMsBetween', () => {
  it('sums working time inside an interval', () => {
    expect(workingMsBetween(sh('2026-03-02 00:00'), sh('2026-03-03 00:00'))).toBe(7 * H)
    expect(workingMsBetween(sh('2026-03-02 11:30'), sh('2026-03-02 14:00'))).toBe(60 * M)
    expect(workingMsBetween(sh('2026-03-06 17:00'), sh('2026-03-09 09:30'))).toBe(60 * M)
    expect(workingMsBetween(sh('2026-10-01 00:00'), sh('2026-10-08 00:00'))).toBe(0)
    expect(workingMsBetween(sh('2026-03-03 00:00'), sh('2026-03-02 00:00'))).toBe(0)
  })
})
