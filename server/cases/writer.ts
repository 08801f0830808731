// The case writer: what one report or command does to a case. validate → locate → workflow decide/reduce →
// append case_events + update cases, each write inside the group commit (group-commit.ts), which notifies the
// `committed` listeners (metrics, deadlines, live frames) once it is stored.
import Database from 'better-sqlite3'
import type { GridIndex } from '../geo'
import { CaseLog, type CaseFacts } from './log'
import type { Catalogue, Matter } from './catalogue'
import type { IdempotencyStore } from './idempotency'
import type { GroupCommit } from './group-commit'
import type { ActResult, ActTarget, BatchItem, BatchResult, CommandInput, Committed, ReportResult, WriteOptions } from './types'
import { IngestError, asIngestError, within } from './errors'
import { checkCommand, checkReport, type ReportInput } from './validate'
import { deadline, DEFAULT_CALENDAR, type Calendar } from '../../shared/timelimit'
import {
  decide, reduce, SYSTEM_ACTIONS, type CaseEvent, type CaseState, type Command,
} from '../../shared/workflow'

export interface CaseWriterDeps {
  grids: GridIndex
  catalogue: Catalogue
  idempotency: IdempotencyStore
  log: CaseLog
  calendar?: Calendar
  now?: () => number
}

export class CaseWriter {
  readonly log: CaseLog
  private readonly grids: GridIndex
  private readonly catalogue: Catalogue
  private readonly idempotency: IdempotencyStore
  private readonly calendar: Calendar
  protected readonly now: () => number
  private readonly byExternalId

  constructor(protected readonly commits: GroupCommit, deps: CaseWriterDeps) {
    this.grids = deps.grids
    this.catalogue = deps.catalogue
    this.idempotency = deps.idempotency
    this.log = deps.log
    this.calendar = deps.calendar ?? DEFAULT_CALENDAR
    this.now = deps.now ?? Date.now
    this.byExternalId = this.log.db.$client.prepare('SELECT id FROM cases WHERE external_id = ?').pluck()
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

  private write<T>(work: () => T, opts: WriteOptions): T {
    return this.commits.write(() => {
      const r = work()
      const idem = opts.idempotency
      if (idem) this.idempotency.save(idem.key, idem.hash, idem.answer(r), this.now())
      return r
    })
  }

  private reportIn(input: ReportInput, now: number, opts: WriteOptions): ReportResult {
    const { facts, at, matter, actor } = checkReport(input, this.catalogue, this.grids, now)
    if (opts.covers && !opts.covers(facts.grid, facts.special))
      throw new IngestError(403, 'lon,lat', `the point lies in grid ${facts.grid}, outside this key's scope`)
    // A taken externalId is refused by the projection's unique index when the case is inserted (below), not
    // looked up first: a lookup per report cost the import as much as a tenth of its rows' own inserts, and the
    // index checks anyway. Refused before anything else about the report, as the lookup did.
    const caseId = this.log.newCaseId()
    const events: CaseEvent[] = []
    const states: CaseState[] = []
    try {
      const then = input.then ?? []
      if (!Array.isArray(then)) throw new IngestError(400, 'then', 'then must be a list of commands')
      const first = decide(caseId, null, { action: 'report', actor, at })
      // The case's whole history is decided first, then appended in one go (one INSERT, not one per event).
      events.push(first)
      states.push(reduce(null, first))
      then.forEach((cmd, i) => {
        try {
          const { event, after } = this.next(caseId, states[i], events[i].at, cmd, matter, now, false)
          events.push(event)
          states.push(after)
        } catch (e) {
          throw within(e, `then[${i}]`)
        }
      })
    } catch (e) {
      throw this.taken(facts.externalId) ?? e
    }
    const ref = this.matterRef(matter)
    let lastId = 0
    for (let i = 0; i < events.length; ) {
      const { n, firstId } = this.log.appendEvents(events, i)
      // Recorded as soon as stored (the group commit tells a job that stored part of its writes by this).
      for (let k = 0; k < n; k++, i++)
        this.commits.record({ id: firstId + k, event: events[i], before: i === 0 ? null : states[i - 1], after: states[i], facts, matter: ref })
      lastId = firstId + n - 1
    }
    const state = states[states.length - 1]
    try {
      this.log.insertProjection(caseId, facts, state, events[events.length - 1].at, lastId)
    } catch (e) {
      // The events appended above go with the write's transaction (or savepoint), which this refusal rolls back.
      throw (isDuplicateExternalId(e) && this.taken(facts.externalId)) || e
    }
    return { caseId, events, grid: facts.grid, special: facts.special, state }
  }

  /** The refusal of a report whose externalId a case already has, or null. */
  private taken(externalId: string | null): IngestError | null {
    if (externalId === null || this.byExternalId.get(externalId) === undefined) return null
    return new IngestError(409, 'externalId', `a case with externalId "${externalId}" already exists`)
  }

  private actIn(target: ActTarget, command: CommandInput, now: number, opts: WriteOptions): ActResult {
    const caseId = this.resolve(target)
    const current = this.log.current(caseId)
    if (!current) throw new IngestError(404, target.externalId !== undefined ? 'externalId' : 'id', `unknown case ${target.externalId ?? caseId}`)
    const { facts, state: before } = current
    if (opts.covers && !opts.covers(facts.grid, facts.special))
      throw new IngestError(403, 'id', `case ${caseId} lies in grid ${facts.grid}, outside this key's scope`)
    const matter = this.catalogue.matters.get(facts.matter)
    if (!matter) throw new IngestError(422, 'matter', `case ${caseId} has matter "${facts.matter}", which is no longer in the catalogue`)
    const { event, after } = this.next(caseId, before, current.updatedAt, command, matter, now, !!opts.system)
    const id = this.append(event, before, after, facts, matter)
    this.log.updateProjection(caseId, before, after, event.at, id)
    return { caseId, event, state: after }
  }

  /** The case an external id (a 12345 order number) was reported as, if any. */
  caseIdOf(externalId: string): number | undefined {
    return this.byExternalId.get(externalId) as number | undefined
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

  /** decide + reduce one command (not yet appended); fills in the register deadline and the dispatch department. */
  private next(caseId: number, current: CaseState, lastAt: number, input: CommandInput, matter: Matter, now: number, system: boolean) {
    const cmd = commandAt(input, now)
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
    return { event, after: reduce(current, event) }
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
    this.commits.record({ id, event, before, after, facts, matter: this.matterRef(matter) })
    return id
  }
}

/**
 * The command with its time (now when not given), a new object the writer may fill in. Written out for the
 * fields a command has: a spread of inputs of several shapes is V8's slow generic copy, once per event.
 */
function commandAt(input: CommandInput, now: number): Command {
  if (input === null || typeof input !== 'object') return { ...(input as object), at: now } as Command
  const cmd: Command = { action: input.action, actor: input.actor, at: input.at ?? now }
  if (input.reason !== undefined) cmd.reason = input.reason
  if (input.data !== undefined) cmd.data = input.data
  return cmd
}

const isDuplicateExternalId = (e: unknown) =>
  e instanceof Database.SqliteError && e.code === 'SQLITE_CONSTRAINT_UNIQUE' && e.message.includes('cases.external_id')

