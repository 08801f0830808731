// What goes into the ingest and what comes out of it: write options, batch items, results, and the
// `committed` batches listeners (metrics, deadlines, live frames) receive.
import type { CaseFacts } from './log'
import type { IdempotentWrite } from './idempotency'
import type { ReportInput } from './validate'
import type { CaseEvent, CaseState, Command } from '../../shared/workflow'

/** One committed event, as listeners get it. */
export interface Committed {
  /** The event's id in case_events. */
  id: number
  event: CaseEvent
  before: CaseState | null
  after: CaseState
  facts: CaseFacts
  matter: { code: string; bigClass: string; department: string }
}

export interface WriteOptions {
  /** Store the answer under this key in the same transaction (see IdempotencyStore). */
  idempotency?: IdempotentWrite
  /** The deadline timer: allowed the system actions (warn, overdue). */
  system?: boolean
  /** The caller's grid scope: a case outside it is refused with 403. */
  covers?: (grid: string, special: string | null) => boolean
}

export interface ActTarget {
  caseId?: number
  externalId?: string
}

/** A command as callers give it: without `at`, it happens when the ingest writes it. */
export type CommandInput = Omit<Command, 'at'> & { at?: number }

export type BatchItem = { report: ReportInput } | { act: ActTarget & { command: CommandInput } }
/** A reported case: its events (the report, then `then`), where it lies and its state after them. */
export type ReportResult = { caseId: number; events: CaseEvent[]; grid: string; special: string | null; state: CaseState }
export type ActResult = { caseId: number; event: CaseEvent; state: CaseState }
export type BatchResult = ReportResult | ActResult
