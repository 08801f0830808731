// The group commit: every write of the ingest runs here, in one SQLite transaction, and the changes it made
// reach the `committed` listeners only after that transaction commits. Jobs submitted during one turn of the
// event loop share ONE transaction; one job's refusal leaves the others alone (a job that fails after storing
// part of its writes has the group run again with a savepoint per job). Knows nothing about cases: the case
// writer (ingest.ts) records what each write changed, as soon as it is stored.
import type { Db } from '../db'
import { asIngestError } from './errors'
import type { Committed } from './types'

export type CommittedListener = (batch: Committed[]) => void

type Job = { work: () => unknown; resolve: (v: unknown) => void; reject: (e: unknown) => void }
/** A group job failed after storing part of its writes: the group is run again, a savepoint per job. */
const PARTIAL = Symbol('partial')
/** The group's transaction itself failed. */
class Failed {
  constructor(readonly error: unknown) {}
}

export interface GroupCommitOptions {
  /** Where an exception thrown by a `committed` listener goes; the write stays acknowledged. */
  onListenerError?: (err: unknown) => void
  /** After a rollback: forget what the rolled-back writes reserved (the case log's next ids). */
  onRollback?: () => void
  /**
   * Resolves once everything committed so far is on disk (db/wal-sync). A group's writes are acknowledged
   * only then; listeners hear of them at once, in commit order. Without it, a commit is acknowledged as is.
   */
  durable?: () => Promise<void>
}

export class GroupCommit {
  private readonly listeners = new Set<CommittedListener>()
  private readonly tx: (fn: () => unknown) => unknown
  private readonly onListenerError: (err: unknown) => void
  private readonly onRollback: () => void
  private readonly whenDurable: (() => Promise<void>) | null
  private pending: Committed[] = []
  private queue: Job[] = []
  private grouping = false
  /**
   * The durability wait of the last group, while it runs. Jobs submitted meanwhile are committed when it is
   * over, all in one group: their acknowledgement waits for an fsync that starts after their commit, and none
   * can start before this one ends, so committing them earlier would only split them into more, smaller
   * commits (each COMMIT writes the pages it touched to the WAL again) for no earlier answer.
   */
  private syncing = false
  /** Writes the current group job has made, and the error of one that failed outside its own savepoint. */
  private jobWrites = 0
  private poison: unknown = null
  /** Group commits so far and the jobs they carried (jobs / groups = how much commits are shared). */
  readonly stats = { groups: 0, jobs: 0, reruns: 0 }

  constructor(db: Db, opts: GroupCommitOptions = {}) {
    this.tx = db.$client.transaction((fn: () => unknown) => fn())
    this.onListenerError = opts.onListenerError ?? ((e) => console.error('committed listener failed:', e))
    this.onRollback = opts.onRollback ?? (() => {})
    this.whenDurable = opts.durable ?? null
  }

  on(event: 'committed', fn: CommittedListener): this {
    if (event !== 'committed') throw new Error(`unknown ingest event ${event}`)
    this.listeners.add(fn)
    return this
  }

  off(event: 'committed', fn: CommittedListener): this {
    this.listeners.delete(fn)
    return this
  }

  /** A change the running write made; listeners get it once the write commits, dropped if it rolls back. */
  record(c: Committed): void {
    this.pending.push(c)
  }

  /**
   * Run `work` (which calls report/act/batch) in the next group commit. The promise settles after the commit:
   * an acknowledgement still means "committed", at a fraction of the per-commit cost when many callers write
   * at once.
   */
  submit<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (v: unknown) => void, reject })
      if (this.queue.length === 1 && !this.syncing) setImmediate(this.flush)
    })
  }

  /**
   * Run `fn` now with every write it makes in ONE transaction, each write in its own savepoint (one refused
   * leaves the others); listeners hear of them once it commits. For a burst of writes no caller waits on
   * (the deadline timer's crossings): one commit for all instead of one each.
   */
  together(fn: () => void): void {
    if (this.grouping) return fn()
    this.pending = []
    try {
      this.grouping = true
      // As if a job had written already: every write gets its own savepoint, none poisons the others.
      this.jobWrites = 1
      this.poison = null
      this.tx(fn)
    } catch (e) {
      this.rollbackTo(0)
      throw e
    } finally {
      this.grouping = false
    }
    this.notify()
    this.whenDurable?.().catch(() => {})
  }

  /** One write: in its own transaction, or inside the running group job. Errors come out as IngestErrors. */
  write<T>(run: () => T): T {
    if (this.grouping) {
      // Inside a group commit: the job's first write needs no savepoint of its own (a savepoint copies every
      // page it touches). The job's savepoint covers it, or, in a group's first run without them, the run
      // again with them if it fails after storing part. Further writes of the same job get their own, so one
      // failing leaves the others.
      if (this.jobWrites++ === 0) {
        try {
          return run()
        } catch (e) {
          this.poison = asIngestError(e)
          throw this.poison
        }
      }
      const mark = this.pending.length
      try {
        return this.tx(run) as T
      } catch (e) {
        this.rollbackTo(mark)
        throw asIngestError(e)
      }
    }
    this.pending = []
    let result: T
    try {
      result = this.tx(run) as T
    } catch (e) {
      this.rollbackTo(0)
      throw asIngestError(e)
    }
    this.notify()
    // A caller that acknowledges this write awaits durable(); start the fsync now either way.
    this.whenDurable?.().catch(() => {})
    return result
  }

  private rollbackTo(mark: number) {
    this.pending.length = mark
    // Ids reserved by the rolled-back transaction are free again: case ids stay dense.
    this.onRollback()
  }

  private readonly flush = () => {
    const jobs = this.queue
    this.queue = []
    this.stats.groups++
    this.stats.jobs += jobs.length
    // First without a savepoint per job: a savepoint costs every job two statements and a copy of each page it
    // touches, and most jobs either write in full or are refused before they store anything. Only a job that
    // fails after storing part of its writes needs one: then the group is rolled back and run again with a
    // savepoint per job (the jobs are synchronous and ran against the same state, so they do the same again).
    let outcomes = this.runGroup(jobs, false)
    if (outcomes === PARTIAL) {
      this.stats.reruns++
      outcomes = this.runGroup(jobs, true)
    }
    if (!Array.isArray(outcomes)) {
      // The commit itself failed (disk full, I/O error): nothing of the group was stored. (With a savepoint per
      // job, no job can fail the group partway: PARTIAL is not an answer of the second run.)
      for (const job of jobs) job.reject(outcomes instanceof Failed ? outcomes.error : new Error('group commit failed'))
      return
    }
    const done = outcomes
    const settle = () => jobs.forEach((job, i) => (done[i].ok ? job.resolve(done[i].value) : job.reject(done[i].value)))
    // Acknowledge once on disk; a failed fsync fails the writes it could not make durable. The jobs that
    // arrived meanwhile commit after it, as one group.
    if (this.whenDurable) {
      this.syncing = true
      const next = () => {
        this.syncing = false
        if (this.queue.length) setImmediate(this.flush)
      }
      this.whenDurable().then(
        () => (settle(), next()),
        (e) => (jobs.forEach((job) => job.reject(e)), next()),
      )
    } else settle()
    this.notify()
  }

  /**
   * One group in one transaction. `savepoints`: each job in its own, so a job that fails partway leaves the
   * others. Without: a job refused before it stored anything simply fails, and one that fails after storing
   * part of its writes rolls the group back (PARTIAL). Every write of the case writer records its change as
   * soon as it is stored, so a job has stored something exactly when the changes pending grew.
   */
  private runGroup(jobs: Job[], savepoints: boolean): { ok: boolean; value: unknown }[] | typeof PARTIAL | Failed {
    this.pending = []
    const outcomes: { ok: boolean; value: unknown }[] = []
    const run = (job: Job) => {
      const v = job.work()
      // A failed write that the job caught and went past still takes the job's writes down with it.
      if (this.poison) throw this.poison
      return v
    }
    try {
      this.grouping = true
      this.tx(() => {
        for (const job of jobs) {
          const mark = this.pending.length
          this.jobWrites = 0
          this.poison = null
          try {
            outcomes.push({ ok: true, value: savepoints ? this.tx(() => run(job)) : run(job) })
          } catch (e) {
            if (!savepoints && this.pending.length > mark) throw PARTIAL
            // (Without savepoints nothing of the job is stored; the ids it reserved are free again all the same.)
            this.rollbackTo(mark)
            outcomes.push({ ok: false, value: asIngestError(e) })
          }
        }
      })
      return outcomes
    } catch (e) {
      this.rollbackTo(0)
      return e === PARTIAL ? PARTIAL : new Failed(e)
    } finally {
      this.grouping = false
    }
  }

  /** Resolves once everything committed so far is on disk (at once without a durability hook). */
  durable(): Promise<void> {
    return this.whenDurable ? this.whenDurable() : Promise.resolve()
  }

  private notify() {
    const batch = this.pending
    this.pending = []
    if (batch.length === 0) return
    for (const fn of this.listeners) {
      try {
        fn(batch)
      } catch (e) {
        this.onListenerError(e)
      }
    }
  }
}
