// The district's clock: a fixed offset from UTC (Asia/Shanghai is UTC+8 and has had no DST since 1991).
// Pure: every caller passes the instant. One clock for the metrics windows, the deadlines' calendar, the
// Open311 answers, the demo's day and the screens, so a timezone set through ONESCREEN_CALENDAR
// (timezoneOffsetMinutes) moves all of them together. Day and hour numbers, not Date objects, key the
// hot path.
import type { Window } from './protocol'

export const MINUTE_MS = 60_000
export const HOUR_MS = 3_600_000
export const DAY_MS = 86_400_000

/** Asia/Shanghai: UTC+8, minutes east of UTC. */
export const DEFAULT_UTC_OFFSET_MINUTES = 480

/** The page's `<meta name=…>` through which the server tells a screen its district's UTC offset. */
export const UTC_OFFSET_META = 'onescreen-utc-offset'

const two = (n: number) => String(n).padStart(2, '0')

export class DistrictClock {
  readonly offsetMs: number
  /** The part of the offset below a whole hour (e.g. 30 min for UTC+5:30): where local hours begin. */
  private readonly hourPhase: number

  constructor(readonly offsetMinutes: number = DEFAULT_UTC_OFFSET_MINUTES) {
    if (!Number.isInteger(offsetMinutes) || Math.abs(offsetMinutes) > 14 * 60)
      throw new RangeError(`clock: a UTC offset is whole minutes within ±14 h (got ${offsetMinutes})`)
    this.offsetMs = offsetMinutes * MINUTE_MS
    this.hourPhase = this.offsetMs % HOUR_MS
  }

  /** Days since 1970-01-01 on the district's calendar. */
  dayOf(t: number): number {
    return Math.floor((t + this.offsetMs) / DAY_MS)
  }

  /** The first instant (ms) of a local day. */
  dayStart(day: number): number {
    return day * DAY_MS - this.offsetMs
  }

  /**
   * Hour numbers since the epoch, on local hour boundaries. For a whole-hour offset (UTC+8) local and UTC
   * hours share boundaries, so this is the UTC hour count and stored hour buckets keep their keys.
   */
  hourOf(t: number): number {
    return Math.floor((t + this.hourPhase) / HOUR_MS)
  }

  /** The first instant (ms) of an hour number. */
  hourStart(hour: number): number {
    return hour * HOUR_MS - this.hourPhase
  }

  /** 0–23: the hour of the local day. */
  hourOfDay(t: number): number {
    return Math.floor((((t + this.offsetMs) % DAY_MS) + DAY_MS) % DAY_MS / HOUR_MS)
  }

  /** The day number of the first of the month `day` lies in. */
  monthStartDay(day: number): number {
    const d = new Date(day * DAY_MS) // a day number is a UTC date at the local wall clock
    return Math.floor(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / DAY_MS)
  }

  /** The local wall clock as a Date whose UTC fields are the local fields (never read its local fields). */
  wall(t: number): Date {
    return new Date(t + this.offsetMs)
  }

  /** The first instant of a window that ends now (null for the cumulative one), as the metrics count it. */
  windowStart(window: Window, now: number): number | null {
    const today = this.dayOf(now)
    switch (window) {
      case 'today':
        return this.dayStart(today)
      case '7d':
        return this.dayStart(today - 6)
      case 'month':
        return this.dayStart(this.monthStartDay(today))
      default:
        return null
    }
  }

  /** The offset as ISO 8601 writes it: +08:00. */
  get isoOffset(): string {
    const m = Math.abs(this.offsetMinutes)
    return `${this.offsetMinutes < 0 ? '-' : '+'}${two(Math.floor(m / 60))}:${two(m % 60)}`
  }

  /** An instant as local ISO 8601 with its offset, to the second: 2026-06-18T15:00:00+08:00. */
  iso(t: number): string {
    return this.wall(t).toISOString().slice(0, 19) + this.isoOffset
  }
}

const clocks = new Map<number, DistrictClock>()

/** The clock of a UTC offset (minutes east), one instance per offset. */
export function districtClock(offsetMinutes: number = DEFAULT_UTC_OFFSET_MINUTES): DistrictClock {
  let c = clocks.get(offsetMinutes)
  if (!c) clocks.set(offsetMinutes, (c = new DistrictClock(offsetMinutes)))
  return c
}

/** The default district's clock (Asia/Shanghai). */
export const DEFAULT_CLOCK = districtClock()
