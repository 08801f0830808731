// Idempotent writes: a client retrying with the same key and the same body gets the first answer again;
// the same key with another body is a mistake and gets 409. The answer is stored by the ingest inside the
// write's own transaction, so "answered" and "stored" can never disagree.
import { hash } from 'node:crypto'
import { setImmediate as nextTurn } from 'node:timers/promises'
import type { Db } from '../db'
import { IngestError } from './errors'

export interface Answer {
  status: number
  /** The JSON body exactly as first sent. */
  body: string
}

/** What the ingest needs to record an answer with the write. */
export interface IdempotentWrite {
  key: string
  hash: string
  /** Builds the answer from the write's result (called inside the transaction). */
  answer: (result: unknown) => Answer
}

export const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/

/** Answers forgotten per statement: a millisecond or two of the event loop, then it gets a turn. */
export const FORGET_CHUNK = 1000

export class IdempotencyStore {
  private readonly select
  private readonly insert
  private readonly oldest
  private readonly dropThrough
  private readonly sql

  constructor(db: Db) {
    const sql = (this.sql = db.$client)
    this.select = sql.prepare('SELECT body_hash AS hash, status, response FROM idempotency WHERE key = ?')
    this.insert = sql.prepare('INSERT INTO idempotency (key, body_hash, status, response, created_at) VALUES (?, ?, ?, ?, ?)')
    // Forgetting walks the answers in the order they were stored (rowid), which is their age order, so it
    // reads only what it forgets. `created_at` has no index (it would cost every write a page), and a scan of
    // it held the event loop for 1.4 s after an hour of bench:soak (1.4 million answers; 0.6–3.3 s cold or warm).
    this.oldest = sql.prepare('SELECT rowid, created_at FROM idempotency ORDER BY rowid LIMIT ?').raw()
    this.dropThrough = sql.prepare('DELETE FROM idempotency WHERE rowid <= ?')
  }

  /**
   * The hash of one request: what it does (method and route) and its body as JSON. The same body is the same
   * JSON value written in the same field order (a retry resends what it sent); spacing does not matter.
   * Sorting keys first would forgive reordered fields, at three times the cost on a 500-item batch.
   */
  static hash(what: string, body: unknown): string {
    // One-shot: every REST write hashes its body, and a Hash object per request costs more than the digest.
    return hash('sha256', `${what}\n${JSON.stringify(body) ?? ''}`, 'base64url')
  }

  /** The stored answer for a replay, null for a new key; 409 when the key was used for another body. */
  lookup(key: string, hash: string): Answer | null {
    const row = this.select.get(key) as { hash: string; status: number; response: string } | undefined
    if (!row) return null
    if (row.hash !== hash)
      throw new IngestError(409, 'idempotency-key', 'idempotency-key was already used for a different request body')
    return { status: row.status, body: row.response }
  }

  /** Record an answer; call inside the write's transaction. */
  save(key: string, hash: string, answer: Answer, now = Date.now()): void {
    this.insert.run(key, hash, answer.status, answer.body, now)
  }

  /**
   * Forget the answers stored before `before` (ms), FORGET_CHUNK at a time with a turn of the event loop
   * between: a week of answers at a busy hour's rate is millions of rows. Resolves to how many. An answer
   * stored out of time order (a clock set back) waits for the ones stored before it, so none is forgotten
   * early. Stops when the database is closed.
   */
  async forgetBefore(before: number, chunk = FORGET_CHUNK): Promise<number> {
    let total = 0
    while (this.sql.open) {
      const n = this.forgetSome(before, chunk)
      total += n
      if (n < chunk) break
      await nextTurn()
    }
    return total
  }

  /** Forget up to `max` of the oldest answers, as far as the first one stored at or after `before`. */
  private forgetSome(before: number, max: number): number {
    let through = -1
    let n = 0
    for (const [rowid, at] of this.oldest.all(max) as [number, number][]) {
      if (at >= before) break
      through = rowid
      n++
    }
    return n === 0 ? 0 : this.dropThrough.run(through).changes
  }
}
