// Which dates are public holidays and which weekend days are worked (调休), and up to when that is known.
// Pure: no I/O. The built-in schedule is China's, taken from the `chinese-days` package (MIT), which follows
// the State Council's yearly notice; its JSON holds every year it knows. A district adds a year the day the
// notice is published through ONESCREEN_CALENDAR (server/calendar-file.ts), without waiting for a release.
import data from 'chinese-days/dist/chinese-days.json' with { type: 'json' }

export interface HolidaySchedule {
  /** Local dates 'YYYY-MM-DD' off (public holidays; a holiday's weekend days may be listed too). */
  holidays: string[]
  /** Local dates 'YYYY-MM-DD' worked although they fall on the weekend (调休 makeup days). */
  makeupWorkdays: string[]
  /** The last local date the two lists are complete for; beyond it only the weekly weekend counts. */
  coveredThrough: string
}

/** What an ONESCREEN_CALENDAR file says about days: added to the built-in schedule, and winning over it. */
export interface ScheduleAddition {
  holidays: string[]
  makeupWorkdays: string[]
  /** Stated coverage; without it, each year the file names is taken as published in full. */
  coveredThrough?: string
}

const yearOf = (date: string) => Number(date.slice(0, 4))
const lastYear = (dates: string[]) => dates.reduce((y, d) => Math.max(y, yearOf(d)), -Infinity)

/** The package's schedule. It covers whole years: a year is in it once its notice is out. */
export const CHINA_HOLIDAYS: HolidaySchedule = (() => {
  const holidays = Object.keys(data.holidays).sort()
  const makeupWorkdays = Object.keys(data.workdays).sort()
  return { holidays, makeupWorkdays, coveredThrough: `${lastYear([...holidays, ...makeupWorkdays])}-12-31` }
})()

/**
 * The schedule with a district's addition: its dates are added, and where it names a date the built-in
 * schedule also names, the addition wins (a holiday it lists is no makeup day, and the other way round).
 * Coverage moves on through each following year the addition names (2027, then 2028 …), or to its stated date.
 */
export function withAddition(base: HolidaySchedule, add: ScheduleAddition): HolidaySchedule {
  const both = add.holidays.filter((d) => add.makeupWorkdays.includes(d))
  if (both.length) throw new RangeError(`calendar: ${both[0]} is listed both as a holiday and as a makeup workday`)
  const off = new Set(add.holidays)
  const on = new Set(add.makeupWorkdays)
  const holidays = [...new Set([...base.holidays.filter((d) => !on.has(d)), ...add.holidays])].sort()
  const makeupWorkdays = [...new Set([...base.makeupWorkdays.filter((d) => !off.has(d)), ...add.makeupWorkdays])].sort()
  let coveredThrough = add.coveredThrough
  if (coveredThrough === undefined) {
    const years = new Set([...add.holidays, ...add.makeupWorkdays].map(yearOf))
    let year = yearOf(base.coveredThrough)
    while (years.has(year + 1)) year++
    coveredThrough = year > yearOf(base.coveredThrough) ? `${year}-12-31` : base.coveredThrough
  }
  return { holidays, makeupWorkdays, coveredThrough }
}
