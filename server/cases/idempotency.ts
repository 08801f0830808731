// Idempotent writes: a client retrying with the same key and the same body gets the first answer again;
// the same key with another body is a mistake and gets 409. The answer is stored by the ingest inside the
// write's own transaction, so "answered" and "stored" can never disagree.
import { hash } from 'node:crypto'
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

export class IdempotencyStore {
  private readonly select
  private readonly insert
  private readonly prune

  constructor(db: Db) {
    const sql = db.$client
    this.select = sql.prepare('SELECT body_hash AS hash, status, response FROM idempotency WHERE key = ?')
    this.insert = sql.prepare('INSERT INTO idempotency (key, body_hash, status, response, created_at) VALUES (?, ?, ?, ?, ?)')
    this.prune = sql.prepare('DELETE FROM idempotency WHERE created_at < ?')
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

  /** Forget answers older than `before` (ms); returns how many. */
  forgetBefore(before: number): number {
    return this.prune.run(before).changes
  }
}
