// The reading half of an import, which runs in a worker thread (worker.ts): rows of the file → header →
// checked reports, in batches. Bad rows and rows repeated within the file go to the error report here; only
// good rows leave, for the ingest to commit (importer.ts). No database: the catalogue comes in as data.
import { IngestError } from '../cases/errors'
import { CatalogueLookup, type DepartmentEntry, type MatterEntry } from './catalogue'
import { DEFAULT_MAPPING, MappingError, resolveColumns, type ImportMapping } from './mapping'
import { readRows, type FileKind, type SheetRow } from './read'
import type { ErrorReport } from './report'
import { RowReader, type RowReport } from './row'
import type { InflateLimits } from './xlsx'

export interface ParseOptions {
  mapping?: ImportMapping
  matters: MatterEntry[]
  departments: DepartmentEntry[]
  /** Times after this (plus a little slack) are refused as lying in the future. */
  now: number
  /** Good rows per batch handed on. */
  batchSize: number
  limits?: InflateLimits
  onBytes?: (n: number) => void
  onTotal?: (n: number) => void
}

/** A good row on its way to the ingest. */
export interface ParsedRow {
  row: number
  report: RowReport
  /** The column each command of report.then comes from, so a refusal of then[i] names it. */
  columns: string[]
}

/** Good rows in file order, and the header as the file spells it (refusals name their column by it). */
export interface ParsedBatch {
  rows: ParsedRow[]
  headers: Record<string, string>
}

export interface ParseCounts {
  /** Data rows read (the header not counted). */
  rows: number
  bad: number
  /** Rows repeating an earlier row's 工单编号. */
  duplicates: number
}

/** Rows at the top of a file that may hold a title before the header. */
const HEADER_SEARCH_ROWS = 5

/** A file that cannot be parsed is the caller's problem (400), not the server's. */
async function* readable(rows: AsyncIterable<SheetRow>, kind: FileKind): AsyncGenerator<SheetRow> {
  const it = rows[Symbol.asyncIterator]()
  try {
    for (;;) {
      let next: IteratorResult<SheetRow>
      try {
        next = await it.next()
      } catch (e) {
        if (e instanceof IngestError) throw e
        throw new IngestError(400, 'file', `the file cannot be read as ${kind.toUpperCase()}: ${(e as Error).message}`)
      }
      if (next.done) return
      yield next.value
    }
  } finally {
    // Stop the reader (and close its file) when the import ends early.
    await it.return?.()
  }
}

/**
 * Good rows of an export in batches; problems go to `report`, counts to `counts`. Throws an IngestError for
 * a file that cannot be imported at all (unreadable, no header with the required columns, too big inflated).
 */
export async function* parseExport(
  source: string | Buffer, kind: FileKind, opts: ParseOptions, report: ErrorReport, counts: ParseCounts,
): AsyncGenerator<ParsedBatch> {
  const mapping = opts.mapping ?? DEFAULT_MAPPING
  const lookup = new CatalogueLookup(opts.matters, opts.departments)
  // The first row of each 工单编号: a later one is a duplicate within the file.
  const seen = new Map<string, number>()
  let reader: RowReader | null = null
  let headers: Record<string, string> = {}
  let headerError: MappingError | null = null
  let tried = 0
  let batch: ParsedRow[] = []
  for await (const { row, cells } of readable(readRows(source, kind, opts), kind)) {
    if (!reader) {
      // Exports often put a title (二七区12345工单明细 2025年12月) above the header: look a few rows down.
      try {
        const columns = resolveColumns(cells, mapping)
        headers = columns.header
        reader = new RowReader({ mapping, columns, lookup, now: opts.now })
      } catch (e) {
        if (!(e instanceof MappingError)) throw e
        headerError ??= e
        if (++tried >= HEADER_SEARCH_ROWS) throw new IngestError(400, 'file', headerError.message)
      }
      continue
    }
    counts.rows++
    const r = reader.read(cells, row)
    if (!r.ok) {
      counts.bad++
      report.bad(r.errors)
      continue
    }
    const id = r.report.externalId
    const first = seen.get(id)
    if (first !== undefined) {
      counts.duplicates++
      report.skip({ row, externalId: id, reason: `duplicate of row ${first} in this file` })
      continue
    }
    seen.set(id, row)
    batch.push({ row, report: r.report, columns: r.columns })
    if (batch.length >= opts.batchSize) {
      yield { rows: batch, headers }
      batch = []
    }
  }
  if (!reader) throw new IngestError(400, 'file', headerError?.message ?? 'the file is empty: no header row')
  if (batch.length) yield { rows: batch, headers }
}
