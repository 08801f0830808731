// One export row → one report with its history as far as the row shows it: reported and registered at
// 来电时间, dispatched to 承办单位, handled and closed at 办结时间, rated from 满意度. Every problem of a row
// is collected (not just the first), each naming the column as the file spells it.
import type { Command, Rating } from '../../shared/workflow'
import { charCount, DESCRIPTION_MAX } from '../cases/validate'
import type { CatalogueLookup } from './catalogue'
import { localTime, number, text, type Cell } from './cells'
import { offsetMinutes, type ColumnIndex, type Field, type ImportMapping } from './mapping'

export const IMPORT_ACTOR = 'import:12345'
const PHONE = /^[0-9+\-() ]{3,32}$/
/** Times this far past "now" are typing errors, not clock skew. */
const FUTURE_SLACK_MS = 10 * 60_000

export interface RowError {
  /** Row number as a spreadsheet shows it: the header is row 1. */
  row: number
  column: string
  reason: string
}

/** What the ingest gets for one row (structurally the ingest's ReportInput). */
export interface RowReport {
  source: 'hotline'
  matter: string
  lon: number
  lat: number
  crs: 'wgs84' | 'gcj02'
  address?: string
  description: string
  reporterName?: string
  reporterPhone?: string
  externalId: string
  reportedAt: number
  actor: string
  then: Command[]
}

export type RowResult = { ok: true; report: RowReport; columns: string[] } | { ok: false; errors: RowError[] }

export interface RowContext {
  mapping: ImportMapping
  columns: ColumnIndex
  lookup: CatalogueLookup
  now: number
}

export function rowToReport(cells: readonly Cell[], row: number, ctx: RowContext): RowResult {
  const { columns, mapping, lookup } = ctx
  const errors: RowError[] = []
  const fail = (f: Field, reason: string) => errors.push({ row, column: columns.header[f], reason })
  const cell = (f: Field): Cell => (columns.at[f] < 0 ? null : (cells[columns.at[f]] ?? null))
  const str = (f: Field) => text(cell(f))
  const offset = offsetMinutes(mapping.utcOffset)

  const time = (f: Field, required: boolean): number | undefined => {
    const c = cell(f)
    if (text(c) === '') {
      if (required) fail(f, 'missing')
      return undefined
    }
    const t = localTime(c, offset)
    if (t === 'date-only') fail(f, `"${text(c)}" has no time of day (expected e.g. 2024-05-01 09:30:00)`)
    else if (t === null) fail(f, `"${text(c)}" is not a date and time (expected e.g. 2024-05-01 09:30:00)`)
    else if (t > ctx.now + FUTURE_SLACK_MS) fail(f, `${text(c)} lies in the future`)
    else return t
    return undefined
  }

  const externalId = str('externalId')
  if (!externalId) fail('externalId', 'missing')
  else if (externalId.length > 100) fail('externalId', 'longer than 100 characters')

  const reportedAt = time('reportedAt', true)
  const description = str('description')
  if (!description) fail('description', 'missing')
  else if (charCount(description) > DESCRIPTION_MAX)
    fail('description', `${charCount(description)} characters; at most ${DESCRIPTION_MAX}`)

  const lon = number(cell('lon'))
  const lat = number(cell('lat'))
  const lonOk = Number.isFinite(lon) && Math.abs(lon) <= 180
  const latOk = Number.isFinite(lat) && Math.abs(lat) <= 90
  if (str('lon') === '') fail('lon', 'missing (an address alone cannot be placed on the grid map)')
  else if (!lonOk) fail('lon', `"${str('lon')}" is not a longitude`)
  if (str('lat') === '') fail('lat', 'missing')
  else if (!latOk && lonOk && Math.abs(lon) <= 90 && Math.abs(lat) <= 180)
    fail('lat', `${lat} is not a latitude: 经度 and 纬度 seem swapped`)
  else if (!latOk) fail('lat', `"${str('lat')}" is not a latitude`)

  let matter: string | undefined
  let department: string | undefined
  const matterText = str('matter')
  if (!matterText) fail('matter', 'missing')
  else {
    const m = lookup.matter(matterText)
    if ('error' in m) fail('matter', m.error)
    else matter = m.ok.code
  }
  const deptText = str('department')
  if (deptText) {
    department = lookup.department(deptText)
    if (!department) fail('department', `unknown department "${deptText}"`)
  }

  const address = str('address')
  if (address.length > 500) fail('address', 'longer than 500 characters')
  const name = str('reporterName')
  if (name.length > 64) fail('reporterName', 'longer than 64 characters')
  const phone = str('reporterPhone')
  if (phone && !PHONE.test(phone)) fail('reporterPhone', `"${phone}" is not a phone number (digits, +, -, spaces)`)

  const dispatchedAt = time('dispatchedAt', false)
  const closedAt = time('closedAt', false)
  const ratedAt = time('ratedAt', false)
  let rating: Rating | null = null
  const ratingText = str('rating')
  if (ratingText) {
    if (!(ratingText in mapping.ratings))
      fail('rating', `"${ratingText}" is not a known result (known: ${Object.keys(mapping.ratings).join(', ')})`)
    else rating = mapping.ratings[ratingText]
    if (rating && closedAt === undefined && str('closedAt') === '') fail('rating', 'a rated case needs 办结时间 (it is not closed)')
  }
  // The history must run forwards.
  const order: [Field, number | undefined][] = [
    ['reportedAt', reportedAt], ['dispatchedAt', dispatchedAt], ['closedAt', closedAt], ['ratedAt', rating ? ratedAt : undefined],
  ]
  let last: [Field, number] | undefined
  for (const [f, t] of order) {
    if (t === undefined) continue
    if (last && t < last[1]) fail(f, `earlier than ${columns.header[last[0]]}`)
    else last = [f, t]
  }

  if (errors.length || reportedAt === undefined || matter === undefined) return { ok: false, errors }

  const at = (t: number | undefined, fallback: number) => t ?? fallback
  const cmd = (action: Command['action'], t: number, data?: Command['data']): Command =>
    data ? { action, actor: IMPORT_ACTOR, at: t, data } : { action, actor: IMPORT_ACTOR, at: t }
  const then: Command[] = [cmd('verify', reportedAt), cmd('register', reportedAt)]
  // The column each command comes from, so an ingest refusal of then[i] names it.
  const thenColumns = [columns.header.reportedAt, columns.header.reportedAt]
  if (department !== undefined || closedAt !== undefined) {
    // Without 承办单位 the ingest dispatches to the matter's own department.
    then.push(cmd('dispatch', at(dispatchedAt, reportedAt), department ? { department } : undefined))
    thenColumns.push(columns.header[department !== undefined ? 'department' : 'matter'])
  }
  if (closedAt !== undefined) {
    then.push(cmd('handle', closedAt), cmd('check', closedAt), cmd('close', closedAt))
    thenColumns.push(columns.header.closedAt, columns.header.closedAt, columns.header.closedAt)
    if (rating) {
      then.push(cmd('rate', at(ratedAt, closedAt), { rating }))
      thenColumns.push(columns.header.rating)
    }
  }
  const report: RowReport = {
    source: 'hotline', matter, lon, lat, crs: mapping.crs, description, externalId: externalId,
    reportedAt, actor: IMPORT_ACTOR, then,
  }
  if (address) report.address = address
  if (name) report.reporterName = name
  if (phone) report.reporterPhone = phone
  return { ok: true, report, columns: thenColumns }
}
