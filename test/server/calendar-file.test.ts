// ONESCREEN_CALENDAR as a district uses it: next year's schedule, as JSON or as an iCalendar file, added to
// the built-in one. The 2027 days here are illustrative (元旦 Friday 1 – Sunday 3 January, 春节 from 5 February
// with makeup Sundays); the real ones are the State Council's notice.
import { afterAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '../../server/config'
import { coverage, deadline, isWorkingDay, type Calendar } from '../../shared/timelimit'

const dir = mkdtempSync(join(tmpdir(), 'onescreen-calendar-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const file = (name: string, text: string) => {
  const f = join(dir, name)
  writeFileSync(f, text)
  return f
}
const load = (f: string) => loadConfig({ ONESCREEN_CALENDAR: f }).calendar
const sh = (s: string) => Date.parse(s.replace(' ', 'T') + ':00+08:00')

const JSON_2027 = JSON.stringify({
  holidays: ['2027-01-01', '2027-01-02', '2027-01-03', '2027-02-05', '2027-02-08', '2027-02-09', '2027-02-10', '2027-02-11'],
  makeupWorkdays: ['2027-01-31', '2027-02-20'],
})

/** Folded lines, CRLF, a VTIMEZONE, Apple's marks, a DURATION, an event without DTEND, and a festival that is no day off. */
const ICS_2027 = [
  'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//district//holidays 2027//CN',
  'BEGIN:VTIMEZONE', 'TZID:Asia/Shanghai', 'BEGIN:STANDARD', 'TZOFFSETFROM:+0800', 'TZOFFSETTO:+0800', 'TZNAME:CST',
  'DTSTART:19700101T000000', 'END:STANDARD', 'END:VTIMEZONE',
  'BEGIN:VEVENT', 'UID:a@x', 'DTSTAMP:20261110T000000Z', 'DTSTART;VALUE=DATE:20270101', 'DTEND;VALUE=DATE:20270104',
  'SUMMARY:元旦(休)', 'X-APPLE-SPECIAL-DAY:WORK-HOLIDAY', 'END:VEVENT',
  'BEGIN:VEVENT', 'UID:b@x', 'DTSTAMP:20261110T000000Z', 'DTSTART;VALUE=DATE:20270205', 'DURATION:P7D',
  'SUMMARY:春节放假', 'DESCRIPTION:2027年春节放假，2月5日至11日，共7', ' 天', 'END:VEVENT',
  'BEGIN:VEVENT', 'UID:c@x', 'DTSTAMP:20261110T000000Z', 'DTSTART;VALUE=DATE:20270131', 'SUMMARY:春节(班)', 'END:VEVENT',
  'BEGIN:VEVENT', 'UID:d@x', 'DTSTAMP:20261110T000000Z', 'DTSTART;VALUE=DATE:20270220', 'DTEND;VALUE=DATE:20270221',
  'SUMMARY:补班', 'X-APPLE-SPECIAL-DAY:ALTERNATE-WORKDAY', 'END:VEVENT',
  'BEGIN:VEVENT', 'UID:e@x', 'DTSTAMP:20261110T000000Z', 'DTSTART;VALUE=DATE:20270220', 'SUMMARY:元宵节', 'END:VEVENT',
  'END:VCALENDAR', '',
].join('\r\n')

function expect2027(cal: Calendar) {
  expect(cal.coveredThrough).toBe('2027-12-31')
  // Across 2026-12-31 into the 2027 元旦 break, and into 春节 and its makeup days.
  expect(deadline(sh('2026-12-31 17:00'), 'working_hours', 1, cal)).toBe(sh('2027-01-04 09:30'))
  expect(deadline(sh('2026-12-31 10:00'), 'working_days', 1, cal)).toBe(sh('2027-01-04 17:30'))
  expect(isWorkingDay(sh('2027-01-31 10:00'), cal)).toBe(true) // makeup Sunday
  expect(isWorkingDay(sh('2027-02-11 10:00'), cal)).toBe(false) // last day of the break (DURATION:P7D)
  expect(isWorkingDay(sh('2027-02-12 10:00'), cal)).toBe(true)
  expect(isWorkingDay(sh('2027-02-20 10:00'), cal)).toBe(true) // a makeup Saturday; 元宵节 on it is no day off
  expect(deadline(sh('2027-02-04 17:00'), 'working_hours', 1, cal)).toBe(sh('2027-02-12 09:30'))
  // The built-in years are still there: a file adds, it does not replace.
  expect(deadline(sh('2026-09-30 17:00'), 'working_hours', 1, cal)).toBe(sh('2026-10-08 09:30'))
  expect(isWorkingDay(sh('2026-10-10 10:00'), cal)).toBe(true)
  // And the coverage moves on: in December 2026 the 60-day limit is no longer short.
  expect(coverage(cal, sh('2026-12-03 10:00'), [{ kind: 'natural_days', value: 60 }])).toMatchObject({ horizon: '2027-02-01', short: false })
}

describe('a 2027 schedule through ONESCREEN_CALENDAR', () => {
  it('as JSON', () => expect2027(load(file('2027.json', JSON_2027))))
  it('as iCalendar (.ics)', () => expect2027(load(file('2027.ics', ICS_2027))))
  it('as iCalendar under another name (recognised by its content)', () => expect2027(load(file('holidays-2027.txt', ICS_2027))))

  it('a JSON file may also set hours and weekend, and state its own coverage', () => {
    const cal = load(file('own.json', JSON.stringify({ workingHours: [{ start: '08:30', end: '17:00' }], coveredThrough: '2027-06-30', holidays: ['2027-01-01'] })))
    expect(cal.workingHours).toEqual([{ start: '08:30', end: '17:00' }])
    expect(cal.coveredThrough).toBe('2027-06-30')
    expect(deadline(sh('2026-12-31 16:00'), 'working_hours', 2, cal)).toBe(sh('2027-01-04 09:30'))
  })
})

describe('a bad calendar file stops the start, naming the variable and the problem', () => {
  it.each([
    ['unknown field', 'a.json', JSON.stringify({ holiday: ['2027-01-01'] }), /unknown field "holiday"/],
    ['not a date', 'b.json', JSON.stringify({ holidays: ['2027-13-01'] }), /2027-13-01/],
    ['not a list', 'c.json', JSON.stringify({ makeupWorkdays: '2027-01-31' }), /makeupWorkdays must be a list/],
    ['both kinds', 'd.json', JSON.stringify({ holidays: ['2027-01-01'], makeupWorkdays: ['2027-01-01'] }), /listed both/],
    ['broken JSON', 'e.json', '{"holidays": [', /not JSON/],
    ['broken iCalendar', 'f.ics', 'BEGIN:VCALENDAR\r\nnonsense\r\nEND:VCALENDAR\r\n', /not an iCalendar file/],
    ['a repeating event', 'g.ics', ICS_2027.replace('SUMMARY:元旦(休)', 'SUMMARY:元旦(休)\r\nRRULE:FREQ=YEARLY'), /元旦\(休\).*repeats/],
    ['a timed event', 'h.ics', ICS_2027.replace('DTSTART;VALUE=DATE:20270131', 'DTSTART:20270131T090000'), /春节\(班\).*not an all-day event/],
  ])('%s', (_what, name, text, message) => {
    expect(() => load(file(name, text))).toThrow(new RegExp(`^config: ONESCREEN_CALENDAR=.*${message.source}`))
  })
})
