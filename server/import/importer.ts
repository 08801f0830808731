// The 12345 import: a worker thread reads and checks the file (worker.ts, parse.ts); this, on the main thread,
// only commits the good rows through the one ingest, in slices short enough that the event loop keeps
// answering requests and sending the wall its frames while 100,000 rows go in.
//
// Error policy: good rows are kept and every bad row is reported (row number, column, reason); a file whose
// header lacks a required column is refused as a whole, since no row of it could be read. Rows whose 工单编号
// is already in the database (or earlier in the same file) are skipped, so importing a file twice is harmless.
// The answer is bounded however bad the file (counts by problem, the first 1,000 problems); the whole report
// can go to a CSV file.
import { open } from 'node:fs/promises'
import { setImmediate as yieldToLoop } from 'node:timers/promises'
import type { BatchItem, Ingest } from '../cases/ingest'
import type { Catalogue } from '../cases/catalogue'
import type { Db } from '../db'
import { IngestError, type IngestStatus } from '../cases/errors'
import { kindOf, type FileKind } from './read'
import type { ParsedRow } from './parse'
import type { WorkerJob } from './protocol'
import { startJob } from './thread'
import { packedExternalId, packedRow, unpackRow, type PackedBatch } from './wire'
import type { ReportSummary, SkippedRow } from './report'
import type { RowError } from './row'
import type { ImportMapping } from './mapping'
import type { InflateLimits } from './xlsx'

export { ERRORS_LISTED, SKIPPED_LISTED } from './report'
export { warmUp } from './thread'

export interface ImportProgress {
  /** Bytes of data parsed, out of total (file bytes for CSV, worksheet XML bytes for XLSX). */
  bytes: number
  total: number
  rows: number
  imported: number
  skipped: number
  bad: number
}

export interface ImportSummary extends ReportSummary {
  /** Data rows read (the header not counted). */
  rows: number
  imported: number
  skipped: number
  bad: number
  ms: number
}

/** Where rows go: the one ingest, the catalogue their matters and departments are looked up in, and the
 * database (to find, a batch at a time, the rows already imported). The app itself is one. */
export interface ImportTarget {
  ingest: Pick<Ingest, 'batch' | 'durable'>
  catalogue: Catalogue
  db: Db
}

export interface ImportOptions {
  mapping?: ImportMapping
  /** Rows per batch the worker hands over; a commit takes at most this many. */
  batchSize?: number
  /** Sniffed from the file's first bytes (and name) when not given. */
  kind?: FileKind
  /** Where the whole error report goes as CSV (null or absent: nowhere). */
  reportFile?: string | null
  onProgress?: (p: Readonly<ImportProgress>) => void
  now?: () => number
  limits?: InflateLimits
  /** How long one commit may hold the event loop (ms); the import yields between commits. */
  sliceMs?: number
}

const DEFAULT_BATCH = 1000
const DEFAULT_SLICE_MS = 12

/** Sniff a file's kind from its first bytes (and name). */
export async function fileKind(path: string, name = path): Promise<FileKind> {
  const fh = await open(path, 'r')
  try {
    const head = Buffer.alloc(4)
    await fh.read(head, 0, 4, 0)
    return kindOf(head, name)
  } finally {
    await fh.close()
  }
}

/** The column an ingest refusal is about, from its field path (e.g. items[3].then[2].data.department). */
function columnOf(field: string | undefined, p: ParsedRow, headers: Record<string, string>): string {
  const f = (field ?? '').replace(/^items\[\d+\]\.?/, '')
  const then = /^then\[(\d+)\]/.exec(f)
  if (then) return p.columns[Number(then[1])] ?? headers.reportedAt
  const key = f.split(/[.,]/)[0]
  return headers[key] ?? (f === '' ? '(row)' : f)
}

function problemOf(e: IngestError): string {
  if (/outside the district/.test(e.message)) return 'outside the district'
  if (/look swapped/.test(e.message)) return 'swapped'
  if (/outside this key's scope/.test(e.message)) return "outside the key's scope"
  return `refused (${e.statusCode})`
}

/** Commits the good rows of one import, a slice at a time. */
class Committer {
  imported = 0
  private slice = 64
  private readonly costs = new Array<number>(8).fill(Infinity)
  private costAt = 0
  private readonly existing

  constructor(private readonly ingest: ImportTarget['ingest'], db: Db, private readonly sliceMs: number, private readonly maxSlice: number) {
    // Rows already in the database are skipped up front: one query per batch, not a refused write per row.
    this.existing = db.$client
      .prepare('SELECT external_id FROM cases WHERE external_id IN (SELECT value FROM json_each(?))')
      .pluck()
  }

  async commit({ rows, columns, headers }: PackedBatch) {
    const refused: RowError[] = []
    const skipped: SkippedRow[] = []
    const stored = new Set(this.existing.all(JSON.stringify(rows.map(packedExternalId))) as string[])
    const todo = stored.size ? rows.filter((x) => !stored.has(packedExternalId(x))) : rows
    for (const x of rows) if (stored.has(packedExternalId(x))) skipped.push({ row: packedRow(x), externalId: packedExternalId(x), reason: 'already imported' })
    for (let i = 0; i < todo.length; ) {
      const n = Math.min(this.slice, todo.length - i)
      const t0 = performance.now()
      // Each slice's rows are unpacked as it commits them (see unpackRow).
      const slice = new Array<ParsedRow>(n)
      for (let k = 0; k < n; k++) slice[k] = unpackRow(todo[i + k], columns)
      this.write(slice, headers, refused, skipped)
      // Size the next slice to the time budget from what recent ones cost a row. The least of them: on a busy
      // machine a slice also holds the time the process was not scheduled, which a smaller slice cannot save.
      this.costs[this.costAt++ % this.costs.length] = (performance.now() - t0) / n
      const perRow = Math.max(Math.min(...this.costs), 1e-3)
      this.slice = Math.max(8, Math.min(this.maxSlice, Math.round(this.sliceMs / perRow)))
      i += n
      // Let the server answer requests and send frames between slices.
      await yieldToLoop()
    }
    return { refused, skipped }
  }

  // One transaction for the slice. A refused item names its index: it becomes a bad row, the items before it
  // are committed in one go and the rest is tried again, so each row is written at most twice.
  private write(slice: ParsedRow[], headers: Record<string, string>, refused: RowError[], skipped: SkippedRow[]) {
    let rest = slice
    while (rest.length) {
      const items: BatchItem[] = rest.map((p) => ({ report: p.report }))
      try {
        this.ingest.batch(items)
        this.imported += rest.length
        return
      } catch (e) {
        if (!(e instanceof IngestError)) throw e
        const i = Number(/^items\[(\d+)\]/.exec(e.field ?? '')?.[1] ?? NaN)
        if (!Number.isInteger(i) || i >= rest.length) throw e
        const p = rest[i]
        const reason = e.message.replace(/^items\[\d+\]: (then\[\d+\]: )?/, '')
        if (e.statusCode === 409 && e.field?.endsWith('externalId')) skipped.push({ row: p.row, externalId: p.report.externalId, reason: 'already imported' })
        else refused.push({ row: p.row, column: columnOf(e.field, p, headers), problem: problemOf(e), reason })
        if (i > 0) {
          this.ingest.batch(items.slice(0, i))
          this.imported += i
        }
        rest = rest.slice(i + 1)
      }
    }
  }
}

/** Import an export file: parsed in a worker thread, committed here. Rejects with an IngestError for a file
 * that cannot be imported at all. */
export async function importFile({ ingest, catalogue: cat, db }: ImportTarget, path: string, opts: ImportOptions = {}): Promise<ImportSummary> {
  const started = performance.now()
  const kind = opts.kind ?? (await fileKind(path))
  const batchSize = opts.batchSize ?? DEFAULT_BATCH
  const job: WorkerJob = {
    file: path,
    kind,
    reportFile: opts.reportFile ?? null,
    parse: {
      mapping: opts.mapping,
      matters: [...cat.matters.values()].map((m) => ({
        code: m.code, name: m.name, bigClassName: m.bigClassName, smallClassName: m.smallClassName, department: m.department,
      })),
      departments: [...cat.departments.values()].map((d) => ({ code: d.code, name: d.name })),
      now: (opts.now ?? Date.now)(),
      batchSize,
      limits: opts.limits,
    },
  }
  const committer = new Committer(ingest, db, opts.sliceMs ?? DEFAULT_SLICE_MS, batchSize)
  const progress: ImportProgress = { bytes: 0, total: 0, rows: 0, imported: 0, skipped: 0, bad: 0 }
  let settled = false
  let thread: ReturnType<typeof startJob> | undefined

  try {
    return await new Promise<ImportSummary>((resolve, reject) => {
      // Batches are committed one after another, in file order.
      let chain: Promise<unknown> = Promise.resolve()
      let parsed = { rows: 0, bad: 0, duplicates: 0 }
      let lateSkipped = 0
      let lateBad = 0
      const tally = () => {
        Object.assign(progress, {
          rows: parsed.rows, imported: committer.imported, skipped: parsed.duplicates + lateSkipped, bad: parsed.bad + lateBad,
        })
        opts.onProgress?.(progress)
      }
      const fail = (e: unknown) => reject(e)
      thread = startJob(job, (m) => {
        switch (m.type) {
          case 'progress':
            progress.bytes = m.bytes
            progress.total = m.total
            parsed = m.counts
            tally()
            break
          case 'rows':
            chain = chain.then(async () => {
              const { refused, skipped } = await committer.commit(m)
              lateSkipped += skipped.length
              lateBad += refused.length
              tally()
              thread!.post({ type: 'committed', id: m.id, refused, skipped })
            }).catch(fail)
            break
          case 'parsed':
            chain = chain.then(() => thread!.post({ type: 'finish', id: m.id })).catch(fail)
            break
          case 'done':
            // The answer acknowledges every row it counts: only once they are on disk (the server's WAL fsync).
            chain.then(() => ingest.durable()).then(() => resolve({
              rows: m.counts.rows,
              imported: committer.imported,
              skipped: m.counts.duplicates + lateSkipped,
              bad: m.counts.bad + lateBad,
              ...m.report,
              ms: Math.round(performance.now() - started),
            }), fail)
            break
          case 'failed': {
            // Rows before the point of failure are committed (good rows are kept); say so.
            const kept = () => (committer.imported ? ` (the ${committer.imported} good rows before that were imported; importing the file again skips them)` : '')
            void chain.catch(() => {}).then(() =>
              reject(m.status === 500 ? new Error(m.message + kept()) : new IngestError(m.status as IngestStatus, m.field, m.message + kept())))
            break
          }
        }
      }, fail)
    }).then((s) => {
      settled = true
      return s
    })
  } finally {
    // A job that ended in an error on this side is cancelled: the worker stops reading and drops its report.
    thread?.close(!settled)
  }
}
