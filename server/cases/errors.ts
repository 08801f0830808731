// The one error every write path throws: a status, the field at fault and what is wrong with it. Routes
// (REST, Open311, batch) turn it into their own answer shape, so every caller hears about bad input alike.
import Database from 'better-sqlite3'
import { TransitionError, type Action } from '../../shared/workflow'

export type IngestStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429

export class IngestError extends Error {
  constructor(
    readonly statusCode: IngestStatus,
    /** Path of the offending input field, e.g. 'lon', 'data.department', 'items[3].matter'. */
    readonly field: string | undefined,
    message: string,
  ) {
    super(message)
    this.name = 'IngestError'
  }

  /** The same error for an item of a batch: the field and message say which item. */
  within(prefix: string): IngestError {
    const field = this.field === undefined ? prefix : `${prefix}.${this.field}`
    return new IngestError(this.statusCode, field, `${prefix}: ${this.message}`)
  }
}

// The payload field each action's detailed refusal is about (see shared/workflow decide()).
const DATA_FIELD: Partial<Record<Action, string>> = {
  dispatch: 'data.department',
  register: 'data.deadline',
  extend: 'data.deadline',
  rate: 'data.rating',
}

/**
 * A workflow refusal as an IngestError. An action the state does not allow is a conflict with the case's
 * state (409); an allowed action missing its payload is unprocessable (422). Both name the state and the
 * actions allowed from it.
 */
export function fromTransition(e: TransitionError): IngestError {
  const allowed = `allowed: ${e.allowed.join(', ') || 'none'}`
  if (!e.allowed.includes(e.action)) return new IngestError(409, 'action', e.message)
  const field = DATA_FIELD[e.action] ?? 'action'
  return new IngestError(422, field, `${e.message} (case state "${e.state}"; ${allowed})`)
}

/** An item's error, its field and message prefixed with the item ('items[3]'); other errors pass through. */
export function within(e: unknown, prefix: string): unknown {
  const x = asIngestError(e)
  return x instanceof IngestError ? x.within(prefix) : x
}

/** What a write threw, as an IngestError where it is the caller's fault; anything else passes through. */
export function asIngestError(e: unknown): unknown {
  if (e instanceof IngestError) return e
  if (e instanceof TransitionError) return fromTransition(e)
  if (e instanceof Database.SqliteError && e.code.startsWith('SQLITE_CONSTRAINT')) {
    if (e.message.includes('cases.external_id')) return new IngestError(409, 'externalId', 'a case with this externalId already exists')
    if (e.message.includes('idempotency.key')) return new IngestError(409, 'idempotency-key', 'idempotency-key was already used')
  }
  if (e instanceof RangeError && /time limit|calendar/.test(e.message)) return new IngestError(422, 'matter', e.message)
  return e
}
