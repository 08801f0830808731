// Time limits over a working calendar (DOMAIN.md §2). Pure: no I/O, no clock, never the machine's timezone.
//
// All instants are ms since the epoch. Calendar arithmetic happens in the calendar's own fixed UTC offset
// (Asia/Shanghai: +08:00, no DST), so a "day" is [00:00, 24:00) local and results do not depend on where the
// server runs.
//
// The four kinds of limit (`value` is the number in the matter catalogue):
//   urgent_hours  natural hours: start + value h.
//   working_hours only time inside the working periods of working days counts. A start outside working time
//                 waits for the next working period. A limit that runs out exactly at a period's end is due then
//                 (12:00, not 13:30).
//   working_days  whole working days, counted from the day AFTER the start's local date: the case is due at the
//                 end of the last working period of the value-th working day after that date. So a case
//                 registered on Monday (at any hour) with 1 working day is due Tuesday 17:30; one registered on
//                 Friday or Saturday is due Monday 17:30; holidays are skipped and 调休 Saturdays count.
//   natural_days  whole calendar days, the same way: due at the end (24:00 local, i.e. the next midnight) of the
//                 value-th calendar day after the start's local date.
// Day kinds take a whole number ≥ 1; hour kinds any finite number ≥ 0 (0 is due at once).
//
// A deadline is the last instant that is still on time: handled or closed at `deadline` is on time, and the
// case is overdue from `deadline + 1` ms. warnAt is when 80 % of the limit is used, measured in the limit's own
// kind of time (working time for the working kinds, natural time otherwise).
import type { Light } from './workflow'
import { DAY_MS as DAY, DEFAULT_UTC_OFFSET_MINUTES, HOUR_MS as HOUR, districtClock, type DistrictClock } from './clock'
import { CHINA_HOLIDAYS } from './holidays'

export type { Light } from './workflow'

export const LIMIT_KINDS = ['urgent_hours', 'working_hours', 'working_days', 'natural_days'] as const
export type LimitKind = (typeof LIMIT_KINDS)[number]

export interface WorkingPeriod {
  /** Local wall time 'HH:MM' (00:00–24:00). */
  start: string
  end: string
}

export interface Calendar {
  /** Fixed offset of the calendar's timezone from UTC; 480 for Asia/Shanghai. */
  timezoneOffsetMinutes: number
  /** Working periods of a working day, ascending and not overlapping. */
  workingHours: WorkingPeriod[]
  /** Days of the week off (0 = Sunday … 6 = Saturday). */
  weekendDays: number[]
  /** Local dates 'YYYY-MM-DD' off although they are weekdays (public holidays). */
  holidays: string[]
  /** Local dates 'YYYY-MM-DD' worked although they fall on the weekend (调休 makeup days). */
  makeupWorkdays: string[]
  /**
   * The last local date 'YYYY-MM-DD' the two lists are complete for. Past it only `weekendDays` count
   * (Monday–Friday work), and `coverage` says so. Absent: the calendar claims no holiday data to run out.
   */
  coveredThrough?: string
}

/** Fraction of the limit at which the light turns yellow. */
export const WARN_FRACTION = 0.8

/** The longest stretch searched for working time before the calendar is declared broken. */
const MAX_DAYS_SEARCHED = 3660

/**
 * China: Monday–Friday 09:00–12:00 and 13:30–17:30 in Asia/Shanghai, with the public holidays and 调休 makeup
 * days of shared/holidays.ts (the `chinese-days` package, 2004 to its last published year). Days past
 * `coveredThrough` fall back to Monday–Friday; add a year through ONESCREEN_CALENDAR.
 */
export const DEFAULT_CALENDAR: Calendar = {
  timezoneOffsetMinutes: DEFAULT_UTC_OFFSET_MINUTES,
  workingHours: [
    { start: '09:00', end: '12:00' },
    { start: '13:30', end: '17:30' },
  ],
  weekendDays: [0, 6],
  ...CHINA_HOLIDAYS,
}

// ---- the calendar, compiled once ----------------------------------------------------------------

interface Compiled {
  /** The district's clock at the calendar's offset: its days are the calendar's days. */
  clock: DistrictClock
  /** Working periods as [start, end) ms after local midnight. */
  periods: [number, number][]
  /** Working ms in one working day. */
  dayMs: number
  weekend: boolean[]
  holidays: Set<number>
  makeup: Set<number>
}

const compiledCache = new WeakMap<Calendar, Compiled>()

function parseClock(s: string, what: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(s)
  const ms = m ? (Number(m[1]) * 60 + Number(m[2])) * 60_000 : NaN
  if (!m || Number(m[2]) > 59 || ms > DAY) throw new RangeError(`calendar: ${what} "${s}" is not a time HH:MM`)
  return ms
}

/** Local date 'YYYY-MM-DD' → day number (days since 1970-01-01, in the calendar's own days). */
export function dayOfDate(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date)
  const t = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN
  if (!m || new Date(t).toISOString().slice(0, 10) !== date) throw new RangeError(`calendar: "${date}" is not a date YYYY-MM-DD`)
  return t / DAY
}

function compile(cal: Calendar): Compiled {
  let c = compiledCache.get(cal)
  if (c) return c
  const offset = cal.timezoneOffsetMinutes
  if (!Number.isInteger(offset) || Math.abs(offset) > 14 * 60)
    throw new RangeError(`calendar: timezoneOffsetMinutes must be whole minutes within ±14 h (got ${offset})`)
  for (const field of ['workingHours', 'weekendDays', 'holidays', 'makeupWorkdays'] as const)
    if (!Array.isArray(cal[field])) throw new RangeError(`calendar: ${field} must be a list`)
  const periods = cal.workingHours.map((p, i): [number, number] => {
    const s = parseClock(p.start, `workingHours[${i}].start`)
    const e = parseClock(p.end, `workingHours[${i}].end`)
    if (e <= s) throw new RangeError(`calendar: workingHours[${i}] ends before it starts`)
    return [s, e]
  })
  periods.forEach(([s], i) => {
    if (i > 0 && s < periods[i - 1][1]) throw new RangeError(`calendar: workingHours[${i}] overlaps or precedes the one before`)
  })
  const weekend = Array.from({ length: 7 }, (_, d) => cal.weekendDays.includes(d))
  if (cal.coveredThrough !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(String(cal.coveredThrough)))
    throw new RangeError(`calendar: coveredThrough "${cal.coveredThrough}" is not a date YYYY-MM-DD`)
  if (cal.coveredThrough !== undefined) dayOfDate(cal.coveredThrough)
  c = {
    clock: districtClock(offset),
    periods,
    dayMs: periods.reduce((sum, [s, e]) => sum + e - s, 0),
    weekend,
    holidays: new Set(cal.holidays.map(dayOfDate)),
    makeup: new Set(cal.makeupWorkdays.map(dayOfDate)),
  }
  compiledCache.set(cal, c)
  return c
}

/** Check a calendar once at start-up (throws a RangeError naming the bad field) instead of at the first deadline. */
export function validateCalendar(cal: Calendar): void {
  checkWorkable(compile(cal))
}

/** The calendar day (days since 1970-01-01 local) an instant falls on. */
export const localDay = (ms: number, cal: Calendar = DEFAULT_CALENDAR): number => compile(cal).clock.dayOf(ms)

/** The instant local midnight begins `day`. */
export const startOfLocalDay = (day: number, cal: Calendar = DEFAULT_CALENDAR): number => compile(cal).clock.dayStart(day)

/** The clock a calendar keeps: the one clock of the district it is configured for. */
export const calendarClock = (cal: Calendar): DistrictClock => compile(cal).clock

function workingDay(c: Compiled, day: number): boolean {
  if (c.makeup.has(day)) return true
  if (c.holidays.has(day)) return false
  return !c.weekend[(((day + 4) % 7) + 7) % 7] // 1970-01-01 was a Thursday
}

/** Is the local day containing `ms` a working day (weekday, not a holiday, or a 调休 makeup day)? */
export const isWorkingDay = (ms: number, cal: Calendar = DEFAULT_CALENDAR): boolean => workingDay(compile(cal), localDay(ms, cal))

function checkWorkable(c: Compiled) {
  if (c.dayMs === 0) throw new RangeError('calendar: no working hours')
}

/** The instant `amount` ms of working time have passed since `start` (a start off hours waits for work). */
function advanceWorking(c: Compiled, start: number, amount: number): number {
  if (amount <= 0) return start
  checkWorkable(c)
  let remaining = amount
  let day = c.clock.dayOf(start)
  for (let n = 0; n < MAX_DAYS_SEARCHED; n++, day++) {
    if (!workingDay(c, day)) continue
    const base = c.clock.dayStart(day)
    for (const [ps, pe] of c.periods) {
      const end = base + pe
      if (end <= start) continue
      const from = Math.max(start, base + ps)
      if (remaining <= end - from) return from + remaining
      remaining -= end - from
    }
  }
  throw new RangeError(`calendar: no working time within ${MAX_DAYS_SEARCHED} days`)
}

/** Working time (ms) inside [from, to]. */
export function workingMsBetween(from: number, to: number, cal: Calendar = DEFAULT_CALENDAR): number {
  const c = compile(cal)
  let sum = 0
  const last = c.clock.dayOf(to)
  for (let day = c.clock.dayOf(from); day <= last; day++) {
    if (!workingDay(c, day)) continue
    const base = c.clock.dayStart(day)
    for (const [ps, pe] of c.periods) sum += Math.max(0, Math.min(to, base + pe) - Math.max(from, base + ps))
  }
  return sum
}

function checkValue(kind: LimitKind, value: number) {
  if (!LIMIT_KINDS.includes(kind)) throw new RangeError(`time limit: unknown kind "${kind}"`)
  const days = kind === 'working_days' || kind === 'natural_days'
  if (days ? !(Number.isInteger(value) && value >= 1) : !(Number.isFinite(value) && value >= 0))
    throw new RangeError(`time limit: ${kind} needs ${days ? 'a whole number ≥ 1' : 'a number ≥ 0'}, got ${value}`)
}

/** The deadline of a limit started at `startMs`: the last instant that is still on time. */
export function deadline(startMs: number, kind: LimitKind, value: number, cal: Calendar = DEFAULT_CALENDAR): number {
  if (!Number.isFinite(startMs)) throw new RangeError(`time limit: start ${startMs} is not an instant`)
  checkValue(kind, value)
  const c = compile(cal)
  switch (kind) {
    case 'urgent_hours':
      return startMs + Math.round(value * HOUR)
    case 'working_hours':
      return advanceWorking(c, startMs, Math.round(value * HOUR))
    case 'natural_days':
      return c.clock.dayStart(c.clock.dayOf(startMs) + value + 1)
    case 'working_days': {
      checkWorkable(c)
      let day = c.clock.dayOf(startMs)
      for (let counted = 0, n = 0; counted < value; n++) {
        if (n > MAX_DAYS_SEARCHED) throw new RangeError(`calendar: no working day within ${MAX_DAYS_SEARCHED} days`)
        if (workingDay(c, ++day)) counted++
      }
      return c.clock.dayStart(day) + c.periods[c.periods.length - 1][1]
    }
  }
}

/** The instant 80 % of the limit is used, in the limit's own kind of time. */
export function warnAt(startMs: number, kind: LimitKind, value: number, cal: Calendar = DEFAULT_CALENDAR): number {
  return warnBetween(startMs, deadline(startMs, kind, value, cal), kind, cal)
}

/**
 * The instant 80 % of any span start → due is used, in the time of `kind`: for a deadline that no longer
 * follows from the catalogue (an extension), working kinds count working time, the others natural time.
 */
export function warnBetween(startMs: number, dueMs: number, kind: LimitKind, cal: Calendar = DEFAULT_CALENDAR): number {
  if (dueMs <= startMs) return dueMs
  if (kind === 'urgent_hours' || kind === 'natural_days') return startMs + Math.round(WARN_FRACTION * (dueMs - startMs))
  const target = Math.round(WARN_FRACTION * workingMsBetween(startMs, dueMs, cal))
  // A span without working time (an extension inside a holiday) warns by natural time instead.
  if (target === 0) return startMs + Math.round(WARN_FRACTION * (dueMs - startMs))
  return advanceWorking(compile(cal), startMs, target)
}

/**
 * The traffic light at `now`: green under 80 % used, yellow from 80 % up to the deadline, red past it.
 * Pass `warnAtMs` (from `warnAt`) for working-time limits; without it, 80 % of the natural span is used.
 */
export function light(now: number, start: number, deadlineMs: number, warnAtMs?: number): Light {
  if (now > deadlineMs) return 'red'
  const warn = warnAtMs ?? start + Math.round(WARN_FRACTION * (deadlineMs - start))
  return now >= warn ? 'yellow' : 'green'
}

/** The first instant a case is overdue: the light turns red just after the deadline itself. */
export const overdueAt = (deadlineMs: number): number => deadlineMs + 1

/** Both moments of a limit at once, as the deadline timer and the register command need them. */
export function timeLimit(startMs: number, kind: LimitKind, value: number, cal: Calendar = DEFAULT_CALENDAR) {
  return { deadline: deadline(startMs, kind, value, cal), warnAt: warnAt(startMs, kind, value, cal) }
}

// ---- coverage of the holiday data ---------------------------------------------------------------

export interface CalendarCoverage {
  /** The last local date the holidays and makeup days are known for (null: the calendar claims no limit). */
  coveredThrough: string | null
  /** The local date of the latest deadline a case registered now can get from the given limits. */
  horizon: string
  /** The horizon is past the coverage: some deadlines are being counted Monday–Friday, holidays unknown. */
  short: boolean
}

/** The local date 'YYYY-MM-DD' an instant falls on. */
export const localDate = (ms: number, cal: Calendar = DEFAULT_CALENDAR): string =>
  compile(cal).clock.wall(ms).toISOString().slice(0, 10)

/**
 * Does the calendar know the holidays of every day a deadline set now can reach? `limits` are the time
 * limits in use (the catalogue's); the latest of their deadlines from `now` is the horizon.
 */
export function coverage(cal: Calendar, now: number, limits: Iterable<{ kind: LimitKind; value: number }>): CalendarCoverage {
  let last = now
  for (const { kind, value } of limits) last = Math.max(last, deadline(now, kind, value, cal))
  // A deadline at local midnight (natural days) is the end of the day before: that is the last day counted.
  const horizon = localDate(last - 1, cal)
  const coveredThrough = cal.coveredThrough ?? null
  return { coveredThrough, horizon, short: coveredThrough !== null && horizon > coveredThrough }
}
