// Dates on the wire: ISO 8601 (the W3C profile GeoReport v2 requires) with an explicit offset. Answers are
// written on the district's clock (shared/clock DistrictClock.iso, e.g. +08:00), so a clerk reads local
// times; what a client sends may carry any offset.

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/

/** Parse a full ISO 8601 datetime; a missing timezone or an impossible date gives null. */
export function parseIso(s: string): number | null {
  const m = ISO.exec(s.trim())
  if (!m) return null
  const [, y, mo, d, h, mi, sec = '00', frac = '', tz] = m
  const off = tz === 'Z' ? 0 : (tz[0] === '-' ? -1 : 1) * (Number(tz.slice(1, 3)) * 60 + Number(tz.slice(-2)))
  if (Math.abs(off) > 14 * 60 || Number(tz.slice(-2)) > 59) return null
  const wall = Date.UTC(+y, +mo - 1, +d, +h, +mi, +sec)
  const back = new Date(wall)
  // Date.UTC rolls 31 Feb over into March; a round trip catches it.
  if (back.getUTCDate() !== +d || back.getUTCMonth() !== +mo - 1 || +h > 23 || +mi > 59 || +sec > 59) return null
  const ms = frac ? Math.floor(Number(frac) * 1000) : 0
  return wall + ms - off * 60_000
}
