// The 12345 import: rows → checked reports → the ingest, in batches of a few hundred rows per transaction.
// Error policy: good rows are kept and every bad row is reported (row number, column, reason); a file whose
// header lacks a required column is refused as a whole, since no row of it could be read. Rows whose 工单编号
// is already in the database (or earlier in the same file) are skipped, so importing a file twice is harmless.
import { createReadStream } from 'node:fs'
import { open } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { setImmediate as yieldToLoop } from 'node:timers/promises'
import type { Ingest, BatchItem } from '../cases/ingest'
import type { Catalogue } from '../cases/catalogue'
import { IngestError } from '../cases/errors'
import { CatalogueLookup } from './catalogue'
import { DEFAULT_MAPPING, MappingError, resolveColumns, type ImportMapping } from './mapping'
import { kindOf, readRows, type FileKind, type SheetRow } from './read'
import { RowReader, type RowError, type RowReport } from './row'

export interface SkippedRow {
  row: number
  externalId: string
  reason: string
}

export interface ImportSummary {
  /** Data rows read (the header not counted). */
  rows: number
  imported: number
  skipped: number
  bad: number
  /** Every problem of every bad row (a row may have several). */
  errors: RowError[]
  /** The skipped rows, the first SKIPPED_LISTED of them. */
  skippedRows: SkippedRow[]
  ms: number
}

export interface ImportOptions {
  mapping?: ImportMapping
  /** Rows per ingest transaction. */
  batchSize?: number
  /** Bytes of data parsed so far (see readRows): for a progress bar. */
  onBytes?: (n: number) => void
  /** Called after every batch. */
  onProgress?: (s: Readonly<Omit<ImportSummary, 'errors' | 'skippedRows'>>) => void
  now?: () => number
}

export const SKIPPED_LISTED = 1000
const DEFAULT_BATCH = 1000
/** Rows at the top of a file that may hold a title before the header. */
const HEADER_SEARCH_ROWS = 5

interface Pending {
  row: number
  report: RowReport
  columns: string[]
}

/** The column an ingest refusal is about, from its field path (e.g. items[3].then[2].data.department). */
function columnOf(field: string | undefined, p: Pending, headers: Record<string, string>): string {
  const f = (field ?? '').replace(/^items\[\d+\]\.?/, '')
  const then = /^then\[(\d+)\]/.exec(f)
  if (then) return p.columns[Number(then[1])] ?? headers.reportedAt
  const key = f.split(/[.,]/)[0]
  return headers[key] ?? (f === '' ? '(row)' : f)
}

/** Where rows go: the one ingest, and the catalogue their matters and departments are looked up in. */
export interface ImportTarget {
  ingest: Pick<Ingest, 'batch' | 'caseIdOf'>
  catalogue: Catalogue
}

export async function importRows({ ingest, catalogue }: ImportTarget, rows: AsyncIterable<SheetRow>, opts: ImportOptions = {}): Promise<ImportSummary> {
  const started = performance.now()
  const mapping = opts.mapping ?? DEFAULT_MAPPING
  const batchSize = opts.batchSize ?? DEFAULT_BATCH
  const now = opts.now ?? Date.now
  const lookup = new CatalogueLookup(catalogue.matters.values(), catalogue.departments.values())
  const summary: ImportSummary = { rows: 0, imported: 0, skipped: 0, bad: 0, errors: [], skippedRows: [], ms: 0 }
  const seen = new Map<string, number>()
  let headers: Record<string, string> = {}
  let reader: RowReader | null = null
  let pending: Pending[] = []

  const skip = (row: number, externalId: string, reason: string) => {
    summary.skipped++
    if (summary.skippedRows.length < SKIPPED_LISTED) summary.skippedRows.push({ row, externalId, reason })
  }
  const reject = (errors: RowError[]) => {
    summary.bad++
    summary.errors.push(...errors)
  }
  const progress = () => {
    summary.ms = Math.round(performance.now() - started)
    opts.onProgress?.({ rows: summary.rows, imported: summary.imported, skipped: summary.skipped, bad: summary.bad, ms: summary.ms })
  }

  // One transaction for the whole batch. A refused item names its index: it becomes a bad row, the items
  // before it are committed in one go and the rest is tried again, so each row is written at most twice.
  const flush = () => {
    let rest = pending
    pending = []
    while (rest.length) {
      const items: BatchItem[] = rest.map((p) => ({ report: p.report }))
      try {
        ingest.batch(items)
        summary.imported += rest.length
        return
      } catch (e) {
        if (!(e instanceof IngestError)) throw e
        const i = Number(/^items\[(\d+)\]/.exec(e.field ?? '')?.[1] ?? NaN)
        if (!Number.isInteger(i) || i >= rest.length) throw e
        const p = rest[i]
        const reason = e.message.replace(/^items\[\d+\]: (then\[\d+\]: )?/, '')
        if (e.statusCode === 409 && e.field?.endsWith('externalId')) skip(p.row, p.report.externalId, 'already imported')
        else reject([{ row: p.row, column: columnOf(e.field, p, headers), reason }])
        if (i > 0) {
          ingest.batch(items.slice(0, i))
          summary.imported += i
        }
        rest = rest.slice(i + 1)
      }
    }
  }

  let headerError: MappingError | null = null
  let tried = 0
  for await (const { row, cells } of rows) {
    if (!reader) {
      // Exports often put a title (二七区12345工单明细 2025年12月) above the header: look a few rows down.
      try {
        const columns = resolveColumns(cells, mapping)
        headers = columns.header
        reader = new RowReader({ mapping, columns, lookup, now: now() })
      } catch (e) {
        if (!(e instanceof MappingError)) throw e
        headerError ??= e
        if (++tried >= HEADER_SEARCH_ROWS) throw headerError
      }
      continue
    }
    summary.rows++
    const r = reader.read(cells, row)
    if (!r.ok) {
      reject(r.errors)
      continue
    }
    const id = r.report.externalId
    const first = seen.get(id)
    if (first !== undefined) skip(row, id, `duplicate of row ${first} in this file`)
    else if (ingest.caseIdOf(id) !== undefined) {
      seen.set(id, row)
      skip(row, id, 'already imported')
    } else {
      seen.set(id, row)
      pending.push({ row, report: r.report, columns: r.columns })
      if (pending.length >= batchSize) {
        flush()
        progress()
        // Let the server answer requests and send frames between batches.
        await yieldToLoop()
      }
    }
  }
  if (!reader) throw headerError ?? new IngestError(400, 'file', 'the file is empty: no header row')
  flush()
  progress()
  summary.errors.sort((a, b) => a.row - b.row)
  return summary
}

/** A file that cannot be parsed is the caller's problem (400), not the server's. */
async function* readable(rows: AsyncIterable<SheetRow>, kind: FileKind): AsyncGenerator<SheetRow> {
  const it = rows[Symbol.asyncIterator]()
  try {
    for (;;) {
      let next: IteratorResult<SheetRow>
      try {
        next = await it.next()
      } catch (e) {
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

/** Import from a stream whose kind is known (or sniffed by the caller). */
export function importStream(to: ImportTarget, source: Readable, kind: FileKind, opts?: ImportOptions) {
  return importRows(to, readable(readRows(source, kind, opts?.onBytes), kind), opts)
}

/** Sniff a file's kind from its first bytes (and name). */
export async function fileKind(path: string): Promise<FileKind> {
  const fh = await open(path, 'r')
  try {
    const head = Buffer.alloc(4)
    await fh.read(head, 0, 4, 0)
    return kindOf(head, path)
  } finally {
    await fh.close()
  }
}

export async function importFile(to: ImportTarget, path: string, opts?: ImportOptions): Promise<ImportSummary> {
  return importStream(to, createReadStream(path), await fileKind(path), opts)
}
