// The writer's side of the log stream: after each commit, one XADD with the committed changes. An append
// never holds up the ingest and is never retried: while Redis is away the appends fail at once, and every
// live process sees the gap in the next entry's `prev` (or in the writer's head) and catches up over HTTP.
import type { Committed } from '../cases/types'
import { changeOf, encodeEntry, eventIdOf } from './entry'
import type { Redis } from './redis'

export interface PublisherStats {
  entries: number
  events: number
  /** Appends that Redis did not take (down, or refused): live processes catch those up from the writer. */
  failed: number
  lastError: string | null
}

export class LogPublisher {
  readonly stats: PublisherStats = { entries: 0, events: 0, failed: 0, lastError: null }
  private pending = new Set<Promise<unknown>>()

  /** `lastEventId`: the log's last event when the publisher starts (the `prev` of the first entry). */
  constructor(
    private readonly redis: Redis,
    private readonly opts: { stream: string; maxLen: number; onError?: (err: Error) => void },
    private prev: number,
  ) {}

  /**
   * A stream whose newest entry is ahead of this log belongs to another database (a reseeded writer with a
   * Redis that kept its data): appends would be refused, and readers would take its entries for this log's.
   */
  async claim(): Promise<'kept' | 'reset'> {
    const top = await this.redis.xRevRange(this.opts.stream, '+', '-', { COUNT: 1 })
    if (top.length === 0) return 'kept'
    const id = eventIdOf(top[0].id)
    if (Number.isFinite(id) && id <= this.prev) return 'kept'
    await this.redis.del(this.opts.stream)
    return 'reset'
  }

  publish(batch: readonly Committed[]): void {
    if (batch.length === 0) return
    const { id, fields } = encodeEntry({ prev: this.prev, changes: batch.map(changeOf) })
    this.prev = batch[batch.length - 1].id
    const p = this.redis
      .xAdd(this.opts.stream, id, fields, { TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: this.opts.maxLen } })
      .then(() => {
        this.stats.entries++
        this.stats.events += batch.length
      })
      .catch((err: Error) => {
        this.stats.failed++
        if (this.stats.lastError !== err.message) this.opts.onError?.(err)
        this.stats.lastError = err.message
      })
      .finally(() => this.pending.delete(p))
    this.pending.add(p)
  }

  /** Appends still on their way (shutdown waits for them). */
  async drain(): Promise<void> {
    await Promise.all([...this.pending])
  }
}
