// Day, hour and month numbers on the Asia/Shanghai clock (UTC+8, no DST). Windows roll at local midnight,
// so every bucket is keyed by these numbers, never by Date objects on the hot path.
export const HOUR_MS = 3_600_000
export const DAY_MS = 86_400_000
const OFFSET_MS = 8 * HOUR_MS

/** Days since 1970-01-01 on the Shanghai calendar. */
export const dayOf = (t: number): number => Math.floor((t + OFFSET_MS) / DAY_MS)

/** Hours since the epoch. The offset is whole hours, so local and UTC hours share boundaries. */
export const hourOf = (t: number): number => Math.floor(t / HOUR_MS)

/** The first instant (ms) of a Shanghai day. */
export const dayStart = (day: number): number => day * DAY_MS - OFFSET_MS

/** The Shanghai day number of the first of the month that `day` lies in. */
export function monthStartDay(day: number): number {
  const d = new Date(day * DAY_MS) // a day number is a UTC date at the local wall clock
  return Math.floor(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / DAY_MS)
}
