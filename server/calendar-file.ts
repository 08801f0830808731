// ONESCREEN_CALENDAR: a district's own calendar file, JSON or iCalendar (.ics), added to the built-in one.
// Its holidays and makeup days are added to the package's schedule and win where both name a date, so next
// year's official schedule can go in the day it is published. A JSON file may also set the working hours,
// the weekend and the timezone offset.
import { readFileSync } from 'node:fs'
import ICAL from 'ical.js'
import { DEFAULT_CALENDAR, validateCalendar, type Calendar } from '../shared/timelimit'
import { CHINA_HOLIDAYS, withAddition, type ScheduleAddition } from '../shared/holidays'

const JSON_FIELDS = ['timezoneOffsetMinutes', 'workingHours', 'weekendDays', 'holidays', 'makeupWorkdays', 'coveredThrough'] as const

/** The working calendar: the built-in one with the file's addition (throws an Error saying what is wrong). */
export function loadCalendarFile(file: string): Calendar {
  const text = readFileSync(file, 'utf8')
  const ics = /\.ics$/i.test(file) || /^\uFEFF?\s*BEGIN:VCALENDAR/i.test(text)
  const { settings, addition } = ics ? { settings: {}, addition: parseIcs(text) } : parseJson(text)
  const schedule = withAddition(CHINA_HOLIDAYS, addition)
  const cal: Calendar = { ...DEFAULT_CALENDAR, ...settings, ...schedule }
  validateCalendar(cal)
  return cal
}

function parseJson(text: string): { settings: Partial<Calendar>; addition: ScheduleAddition } {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (e) {
    throw new Error(`not JSON (${(e as Error).message})`)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('a JSON calendar is an object')
  const o = parsed as Record<string, unknown>
  const unknown = Object.keys(o).find((k) => !(JSON_FIELDS as readonly string[]).includes(k))
  if (unknown) throw new Error(`unknown field "${unknown}" (fields: ${JSON_FIELDS.join(', ')})`)
  for (const f of ['holidays', 'makeupWorkdays'] as const)
    if (o[f] !== undefined && !(Array.isArray(o[f]) && o[f].every((d) => typeof d === 'string')))
      throw new Error(`${f} must be a list of dates YYYY-MM-DD`)
  if (o.coveredThrough !== undefined && typeof o.coveredThrough !== 'string') throw new Error('coveredThrough must be a date YYYY-MM-DD')
  const { holidays, makeupWorkdays, coveredThrough, ...settings } = o as Partial<Calendar>
  return { settings, addition: { holidays: holidays ?? [], makeupWorkdays: makeupWorkdays ?? [], coveredThrough } }
}

/**
 * The days of an iCalendar file. An all-day event marks each day from DTSTART up to (not including) DTEND:
 * a day off when it is marked 休 (or 假, or Apple's X-APPLE-SPECIAL-DAY:WORK-HOLIDAY), a makeup workday when
 * marked 班 (ALTERNATE-WORKDAY). Other events (festivals that are not days off, solar terms) are left out.
 */
function parseIcs(text: string): ScheduleAddition {
  let root: InstanceType<typeof ICAL.Component>
  try {
    root = new ICAL.Component(ICAL.parse(text))
  } catch (e) {
    throw new Error(`not an iCalendar file (${(e as Error).message})`)
  }
  const out: ScheduleAddition = { holidays: [], makeupWorkdays: [] }
  for (const vevent of root.getAllSubcomponents('vevent')) {
    const event = new ICAL.Event(vevent)
    const kind = kindOf(event, String(vevent.getFirstPropertyValue('x-apple-special-day') ?? ''))
    if (!kind) continue
    const what = `event "${event.summary}"`
    if (event.isRecurring()) throw new Error(`${what} repeats (RRULE): list each year's days as their own events`)
    const start = event.startDate
    if (!start) throw new Error(`${what} has no DTSTART`)
    if (!start.isDate) throw new Error(`${what} is not an all-day event (DTSTART;VALUE=DATE:YYYYMMDD)`)
    // DTEND is exclusive; an all-day event without DTEND or DURATION is that one day (RFC 5545 §3.6.1).
    let end = event.endDate
    if (!end || end.compare(start) <= 0) end = start.clone().adjust(1, 0, 0, 0)
    const list = kind === 'off' ? out.holidays : out.makeupWorkdays
    for (const day = start.clone(); day.compare(end) < 0; day.adjust(1, 0, 0, 0)) {
      list.push(day.toString())
      if (list.length > 10_000) throw new Error(`${what} spans more than 10,000 days`)
    }
  }
  return out
}

function kindOf(event: InstanceType<typeof ICAL.Event>, apple: string): 'off' | 'work' | null {
  if (/^WORK-HOLIDAY$/i.test(apple)) return 'off'
  if (/^ALTERNATE-WORKDAY$/i.test(apple)) return 'work'
  const text = `${event.summary ?? ''} ${event.description ?? ''}`
  if (/班/.test(text)) return 'work'
  if (/[休假]/.test(text)) return 'off'
  return null
}
