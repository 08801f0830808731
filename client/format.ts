// Formatting only: the client never computes an indicator, it shows what the server sends. Times are told
// on the district's clock (shared/clock), whose UTC offset the server writes into the page it serves, so
// a kiosk in any timezone shows the district's time and a configured calendar's timezone reaches the screen.
import { DEFAULT_UTC_OFFSET_MINUTES, UTC_OFFSET_META, districtClock } from '../shared/clock'

function pageUtcOffset(): number {
  const meta = typeof document === 'undefined' ? null : document.querySelector<HTMLMetaElement>(`meta[name="${UTC_OFFSET_META}"]`)
  const n = Number(meta?.content)
  // The Vite dev server serves the page without it: the default district.
  return meta && Number.isInteger(n) ? n : DEFAULT_UTC_OFFSET_MINUTES
}

/** The district's clock, the one the server's metrics windows use. */
export const clock = districtClock(pageUtcOffset())

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
  const d = clock.wall(ms)
  return `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`
}
export function formatDateTime(t: number | string | null | undefined): string {
  if (t === null || t === undefined) return '—'
  const ms = typeof t === 'string' ? Date.parse(t) : t
  const d = clock.wall(ms)
  return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${formatClock(ms).slice(0, 5)}`
}
export function formatDate(ms: number): string {
  const d = clock.wall(ms)
  return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}`
}
/** The hour a trend bucket starts (buckets begin on the district's whole hours). */
export const formatHour = (ms: number): string => `${two(clock.wall(ms).getUTCHours())}:00`
