import { describe, expect, it } from 'vitest'
import data from 'chinese-days/dist/chinese-days.json' with { type: 'json' }
import { CHINA_HOLIDAYS, withAddition, type HolidaySchedule } from '../../shared/holidays'
import {
  type Calendar, coverage, DEFAULT_CALENDAR, deadline, isWorkingDay, localDate, validateCalendar,
} from '../../shared/timelimit'

const sh = (s: string) => Date.parse(s.replace(' ', 'T') + ':00+08:00')

/** The package's schedule as it stands for 2025–2026, whatever later years a newer release adds. */
const upTo2026 = (s: HolidaySchedule): HolidaySchedule => ({
  holidays: s.holidays.filter((d) => d <= '2026-12-31'),
  makeupWorkdays: s.makeupWorkdays.filter((d) => d <= '2026-12-31'),
  coveredThrough: '2026-12-31',
})
const THROUGH_2026: Calendar = { ...DEFAULT_CALENDAR, ...upTo2026(CHINA_HOLIDAYS) }

/** An illustrative 2027 addition (the real one is the State Council's notice): 元旦 Fri 1 – Sun 3 January, one makeup Sunday. */
const ADD_2027 = { holidays: ['2027-01-01', '2027-01-02', '2027-01-03'], makeupWorkdays: ['2027-02-07'] }

describe('the built-in schedule comes from chinese-days', () => {
  it('holds every day the package lists, and covers through the last year it has', () => {
    expect(CHINA_HOLIDAYS.holidays).toEqual(Object.keys(data.holidays).sort())
    expect(CHINA_HOLIDAYS.makeupWorkdays).toEqual(Object.keys(data.workdays).sort())
    const lastYear = Math.max(...Object.keys(data.holidays).map((d) => Number(d.slice(0, 4))))
    expect(CHINA_HOLIDAYS.coveredThrough).toBe(`${lastYear}-12-31`)
    expect(CHINA_HOLIDAYS.coveredThrough >= '2026-12-31').toBe(true)
    expect(DEFAULT_CALENDAR.coveredThrough).toBe(CHINA_HOLIDAYS.coveredThrough)
  })

  it('reaches back past the three years of history (2004 on), not only 2025–2026', () => {
    expect(isWorkingDay(sh('2023-10-02 10:00'))).toBe(false) // 2023 国庆 Monday
    expect(isWorkingDay(sh('2023-10-07 10:00'))).toBe(true) // 2023 国庆 调休 Saturday
    expect(isWorkingDay(sh('2024-02-18 10:00'))).toBe(true) // 2024 春节 调休 Sunday
    expect(isWorkingDay(sh('2024-02-16 10:00'))).toBe(false) // 2024 春节 Friday
  })
})

describe('beyond the schedule: Monday to Friday, and the coverage says so', () => {
  it('deadlines crossing 2026-12-31 into January count 1 January 2027 as an ordinary Friday', () => {
    expect(isWorkingDay(sh('2027-01-01 10:00'), THROUGH_2026)).toBe(true)
    expect(isWorkingDay(sh('2027-01-02 10:00'), THROUGH_2026)).toBe(false)
    expect(deadline(sh('2026-12-31 17:00'), 'working_hours', 1, THROUGH_2026)).toBe(sh('2027-01-01 09:30'))
    expect(deadline(sh('2026-12-30 10:00'), 'working_days', 3, THROUGH_2026)).toBe(sh('2027-01-04 17:30'))
    expect(deadline(sh('2026-12-31 10:00'), 'natural_days', 1, THROUGH_2026)).toBe(sh('2027-01-02 00:00'))
  })

  it('knows when the longest limit reaches past the last covered day', () => {
    const limits = [{ kind: 'working_days', value: 15 }, { kind: 'natural_days', value: 60 }, { kind: 'urgent_hours', value: 2 }] as const
    expect(coverage(THROUGH_2026, sh('2026-10-01 10:00'), limits)).toEqual({ coveredThrough: '2026-12-31', horizon: '2026-11-30', short: false })
    // 60 natural days from 1 November end with 31 December: still covered.
    expect(coverage(THROUGH_2026, sh('2026-11-01 10:00'), limits)).toMatchObject({ horizon: '2026-12-31', short: false })
    expect(coverage(THROUGH_2026, sh('2026-11-02 10:00'), limits)).toMatchObject({ horizon: '2027-01-01', short: true })
    expect(coverage(THROUGH_2026, sh('2026-12-03 10:00'), limits)).toEqual({ coveredThrough: '2026-12-31', horizon: '2027-02-01', short: true })
    // Working days only: 15 of them from 10 December run to 31 December (no holidays in between).
    expect(coverage(THROUGH_2026, sh('2026-12-10 10:00'), [{ kind: 'working_days', value: 15 }])).toMatchObject({ horizon: '2026-12-31', short: false })
    expect(coverage(THROUGH_2026, sh('2026-12-11 10:00'), [{ kind: 'working_days', value: 15 }])).toMatchObject({ horizon: '2027-01-01', short: true })
  })

  it('a calendar that claims no holiday data is never short', () => {
    const plain: Calendar = { ...DEFAULT_CALENDAR, holidays: [], makeupWorkdays: [], coveredThrough: undefined }
    expect(coverage(plain, sh('2030-01-01 10:00'), [{ kind: 'natural_days', value: 60 }])).toMatchObject({ coveredThrough: null, short: false })
    expect(localDate(sh('2027-01-01 00:00'))).toBe('2027-01-01')
    expect(localDate(sh('2026-12-31 23:59'))).toBe('2026-12-31')
  })

  it('refuses a coverage that is not a date', () => {
    expect(() => validateCalendar({ ...DEFAULT_CALENDAR, coveredThrough: '2027' })).toThrow(/coveredThrough "2027"/)
    expect(() => validateCalendar({ ...DEFAULT_CALENDAR, coveredThrough: '2027-02-30' })).toThrow(/2027-02-30/)
  })
})

describe('a district addition: added, winning over the package, extending coverage', () => {
  const cal: Calendar = { ...DEFAULT_CALENDAR, ...withAddition(upTo2026(CHINA_HOLIDAYS), ADD_2027) }

  it('adds 2027 and keeps every 2025–2026 day', () => {
    expect(cal.coveredThrough).toBe('2027-12-31')
    expect(deadline(sh('2026-12-31 17:00'), 'working_hours', 1, cal)).toBe(sh('2027-01-04 09:30'))
    expect(deadline(sh('2026-12-30 10:00'), 'working_days', 3, cal)).toBe(sh('2027-01-05 17:30'))
    expect(isWorkingDay(sh('2027-02-07 10:00'), cal)).toBe(true) // the makeup Sunday
    expect(deadline(sh('2026-09-30 17:00'), 'working_hours', 1, cal)).toBe(sh('2026-10-08 09:30')) // 国庆 2026 still off
    expect(isWorkingDay(sh('2026-10-10 10:00'), cal)).toBe(true) // and its 调休 Saturday still worked
  })

  it('wins where it names a day the package also names', () => {
    const fix = withAddition(CHINA_HOLIDAYS, { holidays: ['2026-10-10'], makeupWorkdays: ['2026-10-08'] })
    const c: Calendar = { ...DEFAULT_CALENDAR, ...fix }
    expect(isWorkingDay(sh('2026-10-10 10:00'), c)).toBe(false)
    expect(isWorkingDay(sh('2026-10-08 10:00'), c)).toBe(true)
    expect(fix.makeupWorkdays).not.toContain('2026-10-10')
    expect(fix.coveredThrough).toBe(CHINA_HOLIDAYS.coveredThrough) // a fix inside the covered years extends nothing
  })

  it('extends coverage only through consecutive years, unless it states its own', () => {
    const base = upTo2026(CHINA_HOLIDAYS)
    expect(withAddition(base, { holidays: ['2028-01-01'], makeupWorkdays: [] }).coveredThrough).toBe('2026-12-31')
    expect(withAddition(base, { holidays: ['2027-01-01', '2028-01-01'], makeupWorkdays: [] }).coveredThrough).toBe('2028-12-31')
    expect(withAddition(base, { ...ADD_2027, coveredThrough: '2027-06-30' }).coveredThrough).toBe('2027-06-30')
  })

  it('refuses a day listed both as a holiday and as a makeup day', () => {
    expect(() => withAddition(CHINA_HOLIDAYS, { holidays: ['2027-01-01'], makeupWorkdays: ['2027-01-01'] })).toThrow(/2027-01-01 is listed both/)
  })
})
