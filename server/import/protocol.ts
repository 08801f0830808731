// Messages between an import's worker thread (worker.ts) and the main thread (importer.ts). Plain data:
// they cross the thread boundary by structured clone.
import type { IngestStatus } from '../cases/errors'
import type { FileKind } from './read'
import type { ParseCounts, ParseOptions } from './parse'
import type { PackedBatch } from './wire'
import type { ReportSummary, SkippedRow } from './report'
import type { RowError } from './row'

export interface WorkerJob {
  file: string
  kind: FileKind
  parse: Omit<ParseOptions, 'onBytes' | 'onTotal'>
  /** Where the whole error report goes as CSV, or null. */
  reportFile: string | null
}

type Of<T> = T & { id: number }

export type FromWorker = Of<
  | { type: 'progress'; bytes: number; total: number; counts: ParseCounts }
  /** Good rows, packed (wire.ts): a plain object per row would cost the main thread more to receive. */
  | ({ type: 'rows' } & PackedBatch)
  /** Every row is read; the job waits for the last commits, then a `finish`. */
  | { type: 'parsed'; counts: ParseCounts }
  | { type: 'done'; counts: ParseCounts; report: ReportSummary }
  | { type: 'failed'; status: IngestStatus | 500; field: string; message: string }
>

export type ToWorker = Of<
  | { type: 'start'; job: WorkerJob }
  /** One `rows` batch is committed; what the ingest refused or found already imported. */
  | { type: 'committed'; refused: RowError[]; skipped: SkippedRow[] }
  | { type: 'finish' }
  /** The import failed on the main thread: stop reading, drop the report. */
  | { type: 'cancel' }
>
