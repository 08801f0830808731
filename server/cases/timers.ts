// Wires the deadline timer queue (deadlines.ts) to the ingest: every committed event re-schedules its case's
// warn/overdue moments, and a moment that comes due enters through the same ingest as a system action.
// On start, every open timed case in the database is scheduled at once.
import type { Db } from '../db'
import type { Ingest, Committed } from './ingest'
import type { Catalogue, Matter } from './catalogue'
import { DeadlineQueue, type DeadlineQueueOptions, type DueKind } from './deadlines'
import { IngestError } from './errors'
import { timeLimit, warnBetween, DEFAULT_CALENDAR, type Calendar } from '../../shared/timelimit'
import { TRANSITIONS, type CaseState } from '../../shared/workflow'

/** States in which a case runs against its time limit. */
const TIMED: ReadonlySet<string> = new Set(TRANSITIONS.warn.from)

/** When the light turns yellow: the catalogue's warnAt, or 80 % of an extended span in the limit's kind of time. */
export function warnMoment(start: number, due: number, matter: Matter, cal: Calendar): number {
  const planned = timeLimit(start, matter.limitKind, matter.limitValue, cal)
  return planned.deadline === due ? planned.warnAt : warnBetween(start, due, matter.limitKind, cal)
}

/** [warnAt, deadline] still to come for a case, each null when it must not fire. */
export function moments(c: Pick<CaseState, 'state' | 'light' | 'deadline' | 'registeredAt'>, matter: Matter | undefined, cal: Calendar) {
  if (!TIMED.has(c.state) || c.deadline === null || c.light === 'red') return [null, null] as const
  if (c.light === 'yellow' || !matter || c.registeredAt === null) return [null, c.deadline] as const
  return [warnMoment(c.registeredAt, c.deadline, matter, cal), c.deadline] as const
}

export class CaseTimers {
  readonly queue: DeadlineQueue
  private readonly listener = (batch: Committed[]) => this.onCommitted(batch)

  constructor(
    private readonly db: Db,
    private readonly ingest: Pick<Ingest, 'act' | 'on' | 'off' | 'together'>,
    private readonly catalogue: Catalogue,
    private readonly calendar: Calendar = DEFAULT_CALENDAR,
    queueOptions: DeadlineQueueOptions = {},
    private readonly log: (msg: string, err?: unknown) => void = (m, e) => console.error(m, e ?? ''),
  ) {
    this.queue = new DeadlineQueue(queueOptions)
  }

  /** Schedule every open timed case from the database, then fire from now on. */
  start(): number {
    const rows = this.db.$client
      .prepare(
        `SELECT id, matter, state, light, deadline, registered_at AS registeredAt FROM cases
         WHERE deadline IS NOT NULL AND light <> 'red' AND state IN (${[...TIMED].map((s) => `'${s}'`).join(',')})`,
      )
      .all() as { id: number; matter: string; state: CaseState['state']; light: CaseState['light']; deadline: number; registeredAt: number | null }[]
    const matters = this.catalogue.matters
    this.queue.scheduleMany(rows.map((r) => [r.id, ...moments(r, matters.get(r.matter), this.calendar)] as const))
    this.ingest.on('committed', this.listener)
    // Crossings that come due at once (an import of old open cases, a restart after downtime) are committed
    // together: one transaction and one fsync per slice of them, not one each.
    this.queue.start((caseId, kind, at) => this.due(caseId, kind, at), (slice) => this.ingest.together(slice))
    return rows.length
  }

  stop(): void {
    this.ingest.off('committed', this.listener)
    this.queue.stop()
  }

  private due(caseId: number, kind: DueKind, at: number) {
    try {
      this.ingest.act(caseId, { action: kind, actor: 'system', at }, { system: true })
    } catch (e) {
      // A case that moved on in the same instant (closed, extended) is not an error worth more than a note.
      if (e instanceof IngestError && (e.statusCode === 409 || e.statusCode === 422)) return
      this.log(`deadline ${kind} of case ${caseId} failed`, e)
    }
  }

  private onCommitted(batch: Committed[]) {
    // Only the last event of each case in a batch decides its schedule. All of them are put in at once, with
    // one timer armed for the earliest: one each re-armed it whenever the earliest changed (an import's old
    // open cases are due at once, each earlier or later than the last), a clearTimeout and setTimeout apiece.
    const last = new Map<number, Committed>()
    for (const c of batch) last.set(c.event.caseId, c)
    const plans: [number, number | null, number | null][] = []
    for (const [caseId, c] of last) plans.push([caseId, ...moments(c.after, this.catalogue.matters.get(c.matter.code), this.calendar)])
    this.queue.scheduleMany(plans)
  }
}
