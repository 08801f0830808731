// The one way a case changes. REST, Open311, the 12345 import, the demo simulator and the deadline timer
// all call this: validate → locate → workflow decide/reduce → append case_events + update cases in ONE
// transaction → (the caller acknowledges) → notify `committed` listeners (metrics, deadlines, live frames).
import type { Db } from '../db'
import type { GridIndex } from '../geo'
import { CaseLog, stateOfRow, type CaseFacts } from './log'
import { Catalogue, type Matter } from './catalogue'
import { IdempotencyStore } from './idempotency'
import type { ActResult, ActTarget, BatchItem, BatchResult, CommandInput, Committed, ReportResult, WriteOptions } from './types'
import { IngestError, asIngestError, within } from './errors'
import { checkCommand, checkReport, type ReportInput } from './validate'
import { deadline, DEFAULT_CALENDAR, type Calendar } from '../../shared/timelimit'
import {
  decide, reduce, SYSTEM_ACTIONS, type CaseEvent, type CaseState, type Command,
} from '../../shared/workflow'

export type { ReportInput } from './validate'
export { IngestError } from './errors'
export type { Committed, CommandInput, WriteOptions, ActTarget, BatchItem, ReportResult, ActResult, BatchResult } from './types'

type Listener = (batch: Committed[]) => void

export interface IngestOptions {
  calendar?: Calendar
  now?: () => number
  /** Where an exception thrown by a `committed` listener goes; the write stays acknowledged. */
  onListenerError?: (err: unknown) => void
}

export class Ingest {
  readonly catalogue: Catalogue
  readonly idempotency: IdempotencyStore
  readonly log: CaseLog
  private readonly calendar: Calendar
  private readonly now: () => number
  private readonly onListenerError: (err: unknown) => void
  private readonly listeners = new Set<Listener>()
  private readonly byExternalId
  private readonly tx: (fn: () => unknown) => unknown
  private pending: Committed[] = []
  private queue: { work: () => unknown; resolve: (v: unknown) => void; reject: (e: unknown) => void }[] = []
  private grouping = false
  /** Writes the current group job has made, and the error of one that failed outside its own savepoint. */
  private jobWrites = 0
  private poison: unknown = null
  /** Group commits so far and the jobs they carried (jobs / groups = how much commits are shared). */
  readonly stats = { groups: 0, jobs: 0 }

  constructor(readonly db: Db, readonly grids: GridIndex, opts: IngestOptions = {}) {
    this.catalogue = new Catalogue(db)
    this.idempotency = new IdempotencyStore(db)
    this.log = new CaseLog(db)
    this.calendar = opts.calendar ?? DEFAULT_CALENDAR
    this.now = opts.now ?? Date.now
    this.onListenerError = opts.onListenerError ?? ((e) => console.error('committed listener failed:', e))
    this.byExternalId = db.$client.prepare('SELECT id FROM cases WHERE external_id = ?').pluck()
    this.tx = db.$client.transaction((fn: () => unknown) => fn())
  }

  on(event: 'committed', fn: Listener): this {
    if (event !== 'committed') throw new Error(`unknown ingest event ${event}`)
    this.listeners.add(fn)
    return this
  }

  off(event: 'committed', fn: Listener): this {
    this.listeners.delete(fn)
    return this
  }

  /** Report a new case (and apply `input.then`, if any). */
  report(input: ReportInput, opts: WriteOptions = {}): ReportResult {
    return this.write(() => this.reportIn(input, this.now(), opts), opts)
  }

  /** Apply one workflow command to a case. */
  act(caseId: number, command: CommandInput, opts: WriteOptions = {}): ActResult {
    return this.write(() => this.actIn({ caseId }, command, this.now(), opts), opts)
  }

  /** Several reports and commands in one transaction: all are stored or none. */
  batch(items: readonly BatchItem[], opts: WriteOptions = {}): BatchResult[] {
    return this.write(() => {
      const now = this.now()
      return items.map((item, i) => {
        try {
          if (item && 'report' in item) return this.reportIn(item.report, now, opts)
          if (item && 'act' in item) return this.actIn(item.act, item.act.command, now, { ...opts, system: false })
          throw new IngestError(400, undefined, 'an item must be a report or an act')
        } catch (e) {
          throw within(e, `items[${i}]`)
        }
      })
    }, opts)
  }

  /**
   * Run `work` (which calls report/act/batch) in the next group commit: every job submitted during one turn
   * of the event loop shares ONE transaction, each in its own savepoint, so one job's refusal leaves the
   * others alone. The promise settles after the commit: an acknowledgement still means "committed", at a
   * fraction of the per-commit cost when many callers write at once.
   */
  submit<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (v: unknown) => void, reject })
      if (this.queue.length === 1) setImmediate(this.flush)
    })
  }

  // ---- the transaction ------------------------------------------------------------------------------

  private readonly flush = () => {
    const jobs = this.queue
    this.queue = []
    this.pending = []
    this.stats.groups++
    this.stats.jobs += jobs.length
    const outcomes: { ok: boolean; value: unknown }[] = []
    try {
      this.grouping = true
      this.tx(() => {
        for (const job of jobs) {
          const mark = this.pending.length
          this.jobWrites = 0
          this.poison = null
          try {
            const value = this.tx(() => {
              const v = job.work()
              // A failed write that the job caught and went past still takes the job's savepoint down with it.
              if (this.poison) throw this.poison
              return v
            })
            outcomes.push({ ok: true, value })
          } catch (e) {
            this.pending.length = mark
            this.log.resyncIds()
            outcomes.push({ ok: false, value: asIngestError(e) })
          }
        }
      })
    } catch (e) {
      // The commit itself failed (disk full, I/O error): nothing of the group was stored.
      this.pending = []
      this.log.resyncIds()
      for (const job of jobs) job.reject(e)
      return
    } finally {
      this.grouping = false
    }
    jobs.forEach((job, i) => (outcomes[i].ok ? job.resolve(outcomes[i].value) : job.reject(outcomes[i].value)))
    this.notify()
  }

  private write<T>(work: () => T, opts: WriteOptions): T {
    const run = () => {
      const r = work()
      const idem = opts.idempotency
      if (idem) this.idempotency.save(idem.key, idem.hash, idem.answer(r), this.now())
      return r
    }
    if (this.grouping) {
      // Inside a group commit, whose job already runs in a savepoint: its first write needs no other (a
      // savepoint copies every page it touches; two levels of them cost more than the write). Further
      // writes of the same job get their own, so one failing leaves the others.
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
        this.pending.length = mark
        this.log.resyncIds()
        throw asIngestError(e)
      }
    }
    this.pending = []
    let result: T
    try {
      result = this.tx(run) as T
    } catch (e) {
      this.pending = []
      // Ids reserved by the rolled-back transaction are free again: case ids stay dense.
      this.log.resyncIds()
      throw asIngestError(e)
    }
    this.notify()
    return result
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

  private reportIn(input: ReportInput, now: number, opts: WriteOptions): ReportResult {
    const { facts, at, matter, actor } = checkReport(input, this.catalogue, this.grids, now)
    if (opts.covers && !opts.covers(facts.grid, facts.special))
      throw new IngestError(403, 'lon,lat', `the point lies in grid ${facts.grid}, outside this key's scope`)
    if (facts.externalId !== null && this.byExternalId.get(facts.externalId) !== undefined)
      throw new IngestError(409, 'externalId', `a case with externalId "${facts.externalId}" already exists`)
    const then = input.then ?? []
    if (!Array.isArray(then)) throw new IngestError(400, 'then', 'then must be a list of commands')
    const caseId = this.log.newCaseId()
    const first = decide(caseId, null, { action: 'report', actor, at })
    let state = reduce(null, first)
    let lastId = this.append(first, null, state, facts, matter)
    const events = [first]
    then.forEach((cmd, i) => {
      try {
        const { event, after, id } = this.step(caseId, state, events[events.length - 1].at, cmd, facts, matter, now, false)
        state = after
        lastId = id
        events.push(event)
      } catch (e) {
        throw within(e, `then[${i}]`)
      }
    })
    this.log.insertProjection(caseId, facts, state, events[events.length - 1].at, lastId)
    return { caseId, events, grid: facts.grid, special: facts.special, state }
  }

  private actIn(target: ActTarget, command: CommandInput, now: number, opts: WriteOptions): ActResult {
    const caseId = this.resolve(target)
    const row = this.log.get(caseId)
    if (!row) throw new IngestError(404, target.externalId !== undefined ? 'externalId' : 'id', `unknown case ${target.externalId ?? caseId}`)
    if (opts.covers && !opts.covers(row.grid, row.special))
      throw new IngestError(403, 'id', `case ${caseId} lies in grid ${row.grid}, outside this key's scope`)
    const matter = this.catalogue.matters.get(row.matter)
    if (!matter) throw new IngestError(422, 'matter', `case ${caseId} has matter "${row.matter}", which is no longer in the catalogue`)
    // Listeners keep the facts: hand them a copy of the case's facts, not the whole row.
    const { event, after, id } = this.step(caseId, stateOfRow(row), row.updatedAt, command, pickFacts(row), matter, now, !!opts.system)
    this.log.updateProjection(caseId, after, event.at, id)
    return { caseId, event, state: after }
  }

  private resolve(t: ActTarget): number {
    if (t.externalId !== undefined) {
      const id = this.byExternalId.get(t.externalId) as number | undefined
      if (id === undefined) throw new IngestError(404, 'externalId', `unknown case with externalId "${t.externalId}"`)
      return id
    }
    if (!Number.isSafeInteger(t.caseId) || t.caseId! < 1) throw new IngestError(400, 'id', 'a case id must be a positive whole number')
    return t.caseId!
  }

  /** decide + reduce + append one command; fills in the register deadline and the dispatch department. */
  private step(
    caseId: number, current: CaseState, lastAt: number, input: CommandInput, facts: CaseFacts,
    matter: Matter, now: number, system: boolean,
  ) {
    const cmd: Command = { ...input, at: input?.at ?? now }
    checkCommand(cmd, this.catalogue, now)
    if (SYSTEM_ACTIONS.has(cmd.action) && !system)
      throw new IngestError(422, 'action', `"${cmd.action}" is set by the deadline timer only`)
    if (cmd.at < lastAt) {
      // The timer reports when a crossing really happened; a later human step may already be in the log.
      if (system) cmd.at = lastAt
      else throw new IngestError(422, 'at', `at ${new Date(cmd.at).toISOString()} is before the case's last event (${new Date(lastAt).toISOString()})`)
    }
    if (cmd.action === 'register' && cmd.data?.deadline === undefined)
      cmd.data = { ...cmd.data, deadline: deadline(cmd.at, matter.limitKind, matter.limitValue, this.calendar) }
    if (cmd.action === 'dispatch' && cmd.data?.department === undefined)
      cmd.data = { ...cmd.data, department: matter.department }
    let event: CaseEvent
    try {
      event = decide(caseId, current, cmd)
    } catch (e) {
      throw asIngestError(e)
    }
    const after = reduce(current, event)
    const id = this.append(event, current, after, facts, matter)
    return { event, after, id }
  }

  private readonly matterRefs = new Map<string, Committed['matter']>()

  /** The matter as listeners see it; one shared object per matter, not one per event. */
  private matterRef(m: Matter): Committed['matter'] {
    let ref = this.matterRefs.get(m.code)
    if (!ref || ref.department !== m.department || ref.bigClass !== m.bigClass)
      this.matterRefs.set(m.code, (ref = Object.freeze({ code: m.code, bigClass: m.bigClass, department: m.department })))
    return ref
  }

  private append(event: CaseEvent, before: CaseState | null, after: CaseState, facts: CaseFacts, matter: Matter): number {
    const id = this.log.appendEvent(event)
    this.pending.push({
      id, event, before, after, facts,
      matter: this.matterRef(matter),
    })
    return id
  }
}

function pickFacts(f: CaseFacts): CaseFacts {
  return {
    externalId: f.externalId, source: f.source, matter: f.matter, grid: f.grid, special: f.special, lon: f.lon,
    lat: f.lat, address: f.address, description: f.description, reporterName: f.reporterName,
    reporterPhone: f.reporterPhone, mediaUrl: f.mediaUrl,
  }
}
