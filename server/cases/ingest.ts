// The one way a case changes. REST, Open311, the 12345 import, the demo simulator and the deadline timer all
// write through it: the case writer (writer.ts) decides each step, the group commit (group-commit.ts) stores
// it in ONE transaction → (the caller acknowledges) → notifies `committed` listeners (metrics, deadlines,
// live frames). The catalogue and the idempotency store are given to it, and to whoever else needs them.
import type { Db } from '../db'
import type { GridIndex } from '../geo'
import { CaseLog } from './log'
import { Catalogue } from './catalogue'
import { IdempotencyStore } from './idempotency'
import { GroupCommit, type CommittedListener } from './group-commit'
import { CaseWriter } from './writer'
import type { Calendar } from '../../shared/timelimit'

export type { ReportInput } from './validate'
export { IngestError } from './errors'
export type { Committed, CommandInput, WriteOptions, ActTarget, BatchItem, ReportResult, ActResult, BatchResult } from './types'
export type { CommittedListener } from './group-commit'

export interface IngestOptions {
  calendar?: Calendar
  now?: () => number
  /** Where an exception thrown by a `committed` listener goes; the write stays acknowledged. */
  onListenerError?: (err: unknown) => void
  /** Resolves once everything committed so far is on disk; acknowledgements wait for it (db/wal-sync). */
  durable?: () => Promise<void>
  /** The catalogue and idempotency store the server shares with its routes; made from `db` if not given. */
  catalogue?: Catalogue
  idempotency?: IdempotencyStore
}

export class Ingest extends CaseWriter {
  constructor(db: Db, grids: GridIndex, opts: IngestOptions = {}) {
    const log = new CaseLog(db)
    const commits = new GroupCommit(db, { onListenerError: opts.onListenerError, onRollback: () => log.resyncIds(), durable: opts.durable })
    super(commits, {
      grids, log, calendar: opts.calendar, now: opts.now,
      catalogue: opts.catalogue ?? new Catalogue(db),
      idempotency: opts.idempotency ?? new IdempotencyStore(db),
    })
  }

  /** Group commits so far and the jobs they carried (jobs / groups = how much commits are shared). */
  get stats(): Readonly<{ groups: number; jobs: number }> {
    return this.commits.stats
  }

  on(event: 'committed', fn: CommittedListener): this {
    this.commits.on(event, fn)
    return this
  }

  off(event: 'committed', fn: CommittedListener): this {
    this.commits.off(event, fn)
    return this
  }

  /**
   * Run `work` (which calls report/act/batch) in the next group commit: every job submitted during one turn
   * of the event loop shares ONE transaction; a refused job leaves the others. The promise settles after the commit.
   */
  submit<T>(work: () => T): Promise<T> {
    return this.commits.submit(work)
  }

  /** Run `fn` now, its writes in ONE transaction, each in its own savepoint; listeners hear after the commit. */
  together(fn: () => void): void {
    this.commits.together(fn)
  }

  /** Resolves once everything committed so far is on disk: await it before acknowledging a direct write. */
  durable(): Promise<void> {
    return this.commits.durable()
  }
}
