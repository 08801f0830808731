// Cell values as CSV and XLSX deliver them, turned into what a case needs. CSV gives strings; XLSX gives
// numbers, Dates (exceljs reads a date cell's wall-clock time as if it were UTC) or Excel serial numbers.
export type Cell = string | number | Date | null

export function text(c: Cell): string {
  if (c === null) return ''
  if (c instanceof Date) return c.toISOString()
  return String(c).trim()
}

/** A decimal number, or NaN. */
export function number(c: Cell): number {
  if (typeof c === 'number') return c
  const s = text(c)
  return s === '' || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s) ? NaN : Number(s)
}

// 2024-05-01 09:30[:00], 2024/5/1 9:30, 2024.05.01 09:30, 2024年5月1日 9时30分, with an optional explicit zone.
const LOCAL =
  /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[\sT]+(\d{1,2})\s*[:时]\s*(\d{1,2})\s*(?:(?::|分)\s*(\d{1,2})(\.\d+)?\s*秒?|分)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/
const EXCEL_EPOCH = Date.UTC(1899, 11, 30)

/**
 * A point in time from a cell: ms since epoch, 'date-only' when the cell has no time of day, or null when it
 * is not a date at all. Times without a zone are local to the export (`offsetMin` east of UTC).
 */
export function localTime(c: Cell, offsetMin: number): number | 'date-only' | null {
  const off = offsetMin * 60_000
  if (c instanceof Date) return Number.isNaN(c.getTime()) ? null : c.getTime() - off
  // Excel serial: days since 1899-12-30 in the sheet's wall-clock time (only sensible values are taken),
  // rounded to the second exports show: the binary fraction of a day is never exact.
  if (typeof c === 'number') return c > 20_000 && c < 80_000 ? Math.round((EXCEL_EPOCH + c * 86_400_000) / 1000) * 1000 - off : null
  const v = text(c)
  // The common case, 2025-12-01 09:41:27, without the general pattern.
  if (v.length === 19 && v[4] === '-' && v[7] === '-' && v[10] === ' ' && v[13] === ':' && v[16] === ':') {
    const [y, mo, d, h, mi, sec] = [+v.slice(0, 4), +v.slice(5, 7), +v.slice(8, 10), +v.slice(11, 13), +v.slice(14, 16), +v.slice(17, 19)]
    const wall = Date.UTC(y, mo - 1, d, h, mi, sec)
    const back = new Date(wall)
    if (Number.isFinite(wall) && back.getUTCDate() === d && back.getUTCMonth() === mo - 1 && h < 24 && mi < 60 && sec < 60) return wall - off
  }
  const m = LOCAL.exec(v)
  if (!m) return null
  const [, y, mo, d, h, mi, s = '0', frac, tz] = m
  if (h === undefined) return 'date-only'
  const wall = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s)
  const back = new Date(wall)
  if (back.getUTCDate() !== +d || back.getUTCMonth() !== +mo - 1 || +h > 23 || +mi > 59 || +s > 59) return null
  const ms = frac ? Math.floor(Number(frac) * 1000) : 0
  if (tz === undefined) return wall + ms - off
  const zone = tz === 'Z' ? 0 : (tz[0] === '-' ? -1 : 1) * (Number(tz.slice(1, 3)) * 60 + Number(tz.slice(-2)))
  return wall + ms - zone * 60_000
}
