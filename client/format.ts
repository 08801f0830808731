// Formatting only: the client never computes an indicator, it shows what the server sends.
import type { Window } from '../shared/protocol'

const HOUR = 3_600_000
const DAY = 24 * HOUR
/** The district's clock: Asia/Shanghai, UTC+8 without DST. */
const TZ_OFFSET = 8 * HOUR

const count = new Intl.NumberFormat('en-US')
export const formatCount = (n: number | null | undefined): string => (n == null ? '—' : count.format(n))

/** A rate 0–1 (null = no data) as a percentage with two decimals, e.g. 96.64%. */
export const formatRate = (r: number | null | undefined, digits = 2): string =>
  r == null || !Number.isFinite(r) ? '—' : `${(r * 100).toFixed(digits)}%`

/** Per-mille grid value (-1 = no data) as a percentage. */
export const formatPermille = (p: number): string => (p < 0 ? '—' : `${(p / 10).toFixed(1)}%`)

const two = (n: number) => String(n).padStart(2, '0')
/** HH:MM:SS on the district's clock, whatever the kiosk's timezone. */
export function formatClock(ms: number): string {
  const d = new Date(ms + TZ_OFFSET)
  return `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`
}
export function formatDateTime(t: number | string | null | undefined): string {
  if (t === null || t === undefined) return '—'
  const ms = typeof t === 'string' ? Date.parse(t) : t
  const d = new Date(ms + TZ_OFFSET)
  return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${formatClock(ms).slice(0, 5)}`
}
export function formatDate(ms: number): string {
  const d = new Date(ms + TZ_OFFSET)
  return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}`
}
export const formatHour = (ms: number): string => `${two(new Date(ms + TZ_OFFSET).getUTCHours())}:00`

/** The start of a window on the district's clock (null for cumulative): for the case lists behind a KPI. */
export function windowStart(window: Window, now: number): number | null {
  const local = now + TZ_OFFSET
  const dayStart = Math.floor(local / DAY) * DAY - TZ_OFFSET
  switch (window) {
    case 'today':
      return dayStart
    case '7d':
      return dayStart - 6 * DAY
    case 'month': {
      const d = new Date(local)
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) - TZ_OFFSET
    }
    default:
      return null
  }
}
