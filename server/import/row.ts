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
  /** The kind of problem, in a few fixed words (what the report counts by). */
  problem: string
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

/** Command of the import's history; the ingest fills in the register deadline and the default department. */
function cmd(action: Command['action'], at: number, data?: Command['data']): Command {
  return data ? { action, actor: IMPORT_ACTOR, at, data } : { action, actor: IMPORT_ACTOR, at }
}

/**
 * Reads the rows of one file. Built once per file: a 100,000-row import should not build a dozen closures
 * per row, so the row under way is held in fields.
 */
export class RowReader {
  private readonly offset: number
  private cells: readonly Cell[] = []
  private row = 0
  private errors: RowError[] = []

  constructor(private readonly ctx: RowContext) {
    this.offset = offsetMinutes(ctx.mapping.utcOffset)
  }

  private fail(f: Field, problem: string, reason = problem): void {
    this.errors.push({ row: this.row, column: this.ctx.columns.header[f], problem, reason })
  }

  private cell(f: Field): Cell {
    const i = this.ctx.columns.at[f]
    return i < 0 ? null : (this.cells[i] ?? null)
  }

  private str(f: Field): string {
    return text(this.cell(f))
  }

  private time(f: Field, required: boolean): number | undefined {
    const c = this.cell(f)
    if (text(c) === '') {
      if (required) this.fail(f, 'missing')
      return undefined
    }
    const t = localTime(c, this.offset)
    if (t === 'date-only') this.fail(f, 'no time of day', `"${text(c)}" has no time of day (expected e.g. 2024-05-01 09:30:00)`)
    else if (t === null) this.fail(f, 'not a date', `"${text(c)}" is not a date and time (expected e.g. 2024-05-01 09:30:00)`)
    else if (t > this.ctx.now + FUTURE_SLACK_MS) this.fail(f, 'in the future', `${text(c)} lies in the future`)
    else return t
    return undefined
  }

  read(cells: readonly Cell[], row: number): RowResult {
    this.cells = cells
    this.row = row
    this.errors = []
    const { columns, mapping, lookup } = this.ctx

    const externalId = this.str('externalId')
    if (!externalId) this.fail('externalId', 'missing')
    else if (externalId.length > 100) this.fail('externalId', 'too long', 'longer than 100 characters')

    const reportedAt = this.time('reportedAt', true)
    const description = this.str('description')
    if (!description) this.fail('description', 'missing')
    else if (charCount(description) > DESCRIPTION_MAX)
      this.fail('description', 'too long', `${charCount(description)} characters; at most ${DESCRIPTION_MAX}`)

    const lon = number(this.cell('lon'))
    const lat = number(this.cell('lat'))
    const lonOk = Number.isFinite(lon) && Math.abs(lon) <= 180
    const latOk = Number.isFinite(lat) && Math.abs(lat) <= 90
    if (this.str('lon') === '') this.fail('lon', 'missing', 'missing (an address alone cannot be placed on the grid map)')
    else if (!lonOk) this.fail('lon', 'not a number', `"${this.str('lon')}" is not a longitude`)
    if (this.str('lat') === '') this.fail('lat', 'missing')
    else if (!latOk && lonOk && Math.abs(lon) <= 90 && Math.abs(lat) <= 180)
      this.fail('lat', 'swapped', `${lat} is not a latitude: 经度 and 纬度 seem swapped`)
    else if (!latOk) this.fail('lat', 'not a number', `"${this.str('lat')}" is not a latitude`)

    let matter: string | undefined
    let department: string | undefined
    const matterText = this.str('matter')
    if (!matterText) this.fail('matter', 'missing')
    else {
      const m = lookup.matter(matterText)
      if ('error' in m) this.fail('matter', m.error.startsWith('unknown') ? 'unknown matter' : 'ambiguous matter', m.error)
      else matter = m.ok.code
    }
    const deptText = this.str('department')
    if (deptText) {
      department = lookup.department(deptText)
      if (!department) this.fail('department', 'unknown department', `unknown department "${deptText}"`)
    }

    const address = this.str('address')
    if (address.length > 500) this.fail('address', 'too long', 'longer than 500 characters')
    const name = this.str('reporterName')
    if (name.length > 64) this.fail('reporterName', 'too long', 'longer than 64 characters')
    const phone = this.str('reporterPhone')
    if (phone && !PHONE.test(phone)) this.fail('reporterPhone', 'not a phone number', `"${phone}" is not a phone number (digits, +, -, spaces)`)

    const dispatchedAt = this.time('dispatchedAt', false)
    const closedAt = this.time('closedAt', false)
    const ratedAt = this.time('ratedAt', false)
    let rating: Rating | null = null
    const ratingText = this.str('rating')
    if (ratingText) {
      if (!(ratingText in mapping.ratings))
        this.fail('rating', 'unknown result', `"${ratingText}" is not a known result (known: ${Object.keys(mapping.ratings).join(', ')})`)
      else rating = mapping.ratings[ratingText]
      if (rating && closedAt === undefined && this.str('closedAt') === '') this.fail('rating', 'not closed', 'a rated case needs 办结时间 (it is not closed)')
    }
    // The history must run forwards.
    const order: [Field, number | undefined][] = [
      ['reportedAt', reportedAt], ['dispatchedAt', dispatchedAt], ['closedAt', closedAt], ['ratedAt', rating ? ratedAt : undefined],
    ]
    let last: [Field, number] | undefined
    for (const [f, t] of order) {
      if (t === undefined) continue
      if (last && t < last[1]) this.fail(f, 'out of order', `earlier than ${columns.header[last[0]]}`)
      else last = [f, t]
    }

    if (this.errors.length || reportedAt === undefined || matter === undefined) return { ok: false, errors: this.errors }

    const then: Command[] = [cmd('verify', reportedAt), cmd('register', reportedAt)]
    // The column each command comes from, so an ingest refusal of then[i] names it.
    const thenColumns = [columns.header.reportedAt, columns.header.reportedAt]
    if (department !== undefined || closedAt !== undefined) {
      // Without 承办单位 the ingest dispatches to the matter's own department.
      then.push(cmd('dispatch', dispatchedAt ?? reportedAt, department ? { department } : undefined))
      thenColumns.push(columns.header[department !== undefined ? 'department' : 'matter'])
    }
    if (closedAt !== undefined) {
      then.push(cmd('handle', closedAt), cmd('check', closedAt), cmd('close', closedAt))
      thenColumns.push(columns.header.closedAt, columns.header.closedAt, columns.header.closedAt)
      if (rating) {
        then.push(cmd('rate', ratedAt ?? closedAt, { rating }))
        thenColumns.push(columns.header.rating)
      }
    }
    const report: RowReport = {
      source: 'hotline', matter, lon, lat, crs: mapping.crs, description, externalId, reportedAt, actor: IMPORT_ACTOR, then,
    }
    if (address) report.address = address
    if (name) report.reporterName = name
    if (phone) report.reporterPhone = phone
    return { ok: true, report, columns: thenColumns }
  }
}

/** One row on its own (a reader per call; the importer keeps one per file). */
export function rowToReport(cells: readonly Cell[], row: number, ctx: RowContext): RowResult {
  return new RowReader(ctx).read(cells, row)
}
