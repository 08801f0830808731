// What went wrong in an import, kept bounded however bad the file: counts by column and problem, the first
// ERRORS_LISTED row errors and SKIPPED_LISTED skipped rows for the answer, and — when a file is given — every
// one of them as CSV on disk, written as they are found (a few KB of memory, not the whole report).
//
// Problems arrive from two places: the parser finds most of them in row order; the ingest refuses a few more
// later, also in row order among themselves. Each source writes its own file; finish() merges the two into
// one CSV sorted by row.
import { closeSync, createReadStream, openSync, rmSync, writeSync } from 'node:fs'
import { createInterface } from 'node:readline'
import type { RowError } from './row'

export const ERRORS_LISTED = 1000
export const SKIPPED_LISTED = 1000

export interface SkippedRow {
  row: number
  externalId: string
  reason: string
}

export interface ProblemCount {
  column: string
  problem: string
  /** Rows with this problem (a row may have several problems, in several columns). */
  count: number
}

export interface ReportSummary {
  /** Every problem, counted by column and kind, most frequent first. */
  problems: ProblemCount[]
  /** The first ERRORS_LISTED problems by row. */
  errors: RowError[]
  /** How many problems there are in all (errors lists at most ERRORS_LISTED of them). */
  errorCount: number
  /** The first SKIPPED_LISTED skipped rows by row. */
  skippedRows: SkippedRow[]
}

export const CSV_HEADER = 'row,outcome,column,problem,reason,externalId'

const quote = (v: string | number) => {
  // One record per line (the merge reads lines): a cell's line breaks become spaces.
  const s = String(v).replace(/[\r\n]+/g, ' ')
  // Also quote what a spreadsheet would take for a formula (=, +, -, @ at the start): the report echoes
  // cell text from an uploaded file.
  return /[",\r\n]|^[=+\-@\t]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}
const errorLine = (e: RowError) => `${e.row},bad,${quote(e.column)},${quote(e.problem)},${quote(e.reason)},\n`
const skippedLine = (k: SkippedRow) => `${k.row},skipped,,skipped,${quote(k.reason)},${quote(k.externalId)}\n`

/** Lines appended to a file through a small buffer (a synchronous write per 64 KB). */
class LineFile {
  private fd: number | null
  private buf = ''
  constructor(readonly path: string) {
    this.fd = openSync(path, 'w')
  }
  add(line: string) {
    this.buf += line
    if (this.buf.length > 64 * 1024) this.flush()
  }
  flush() {
    if (this.buf && this.fd !== null) writeSync(this.fd, this.buf)
    this.buf = ''
  }
  close() {
    if (this.fd === null) return
    this.flush()
    closeSync(this.fd)
    this.fd = null
  }
}

/** Insert into a list kept sorted by row and at most `max` long. */
function keepFirst<T extends { row: number }>(list: T[], item: T, max: number) {
  if (list.length >= max && item.row >= list[list.length - 1].row) return
  let i = list.length
  while (i > 0 && list[i - 1].row > item.row) i--
  list.splice(i, 0, item)
  if (list.length > max) list.pop()
}

export class ErrorReport {
  private readonly counts = new Map<string, ProblemCount>()
  private readonly errors: RowError[] = []
  private readonly skipped: SkippedRow[] = []
  private errorCount = 0
  private readonly parsed: LineFile | null
  private readonly committed: LineFile | null

  /** `csvFile`: where the whole report goes (null: only the bounded summary is kept). */
  constructor(private readonly csvFile: string | null) {
    this.parsed = csvFile ? new LineFile(`${csvFile}.parsed`) : null
    this.committed = csvFile ? new LineFile(`${csvFile}.committed`) : null
  }

  /** Problems of one bad row. `late`: found at commit, after the parser had moved on. */
  bad(errors: readonly RowError[], late = false) {
    for (const e of errors) {
      this.errorCount++
      const key = `${e.column}\u0000${e.problem}`
      const c = this.counts.get(key)
      if (c) c.count++
      else this.counts.set(key, { column: e.column, problem: e.problem, count: 1 })
      keepFirst(this.errors, e, ERRORS_LISTED)
      ;(late ? this.committed : this.parsed)?.add(errorLine(e))
    }
  }

  skip(k: SkippedRow, late = false) {
    keepFirst(this.skipped, k, SKIPPED_LISTED)
    ;(late ? this.committed : this.parsed)?.add(skippedLine(k))
  }

  summary(): ReportSummary {
    return {
      problems: [...this.counts.values()].sort((a, b) => b.count - a.count || a.column.localeCompare(b.column)),
      errors: [...this.errors],
      errorCount: this.errorCount,
      skippedRows: [...this.skipped],
    }
  }

  /** Close the files and merge them into the CSV (UTF-8 with BOM, which Excel needs to show 汉字). */
  async finish(): Promise<ReportSummary> {
    if (this.csvFile && this.parsed && this.committed) {
      this.parsed.close()
      this.committed.close()
      const out = new LineFile(this.csvFile)
      out.add(`\uFEFF${CSV_HEADER}\n`)
      const a = lines(this.parsed.path)
      const b = lines(this.committed.path)
      let x = await a.next()
      let y = await b.next()
      while (!x.done || !y.done) {
        if (y.done || (!x.done && rowOf(x.value) <= rowOf(y.value))) {
          out.add(x.value + '\n')
          x = await a.next()
        } else {
          out.add(y.value + '\n')
          y = await b.next()
        }
      }
      out.close()
      this.discard(false)
    }
    return this.summary()
  }

  /** Remove the partial files (and the CSV too when `all`): the import failed or was cancelled. */
  discard(all = true) {
    if (!this.csvFile) return
    for (const f of [this.parsed!, this.committed!]) {
      f.close()
      rmSync(f.path, { force: true })
    }
    if (all) rmSync(this.csvFile, { force: true })
  }
}

const rowOf = (line: string) => Number(line.slice(0, line.indexOf(',')))

async function* lines(path: string): AsyncGenerator<string> {
  const rl = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity })
  // Quoted reasons never hold a newline (they are one-line messages), so a line is a record.
  for await (const line of rl) if (line) yield line
}
