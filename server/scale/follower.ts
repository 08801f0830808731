// A live process follows the writer's committed log: entries from the Redis Stream as they come, and, when
// something is missing (a trimmed stream, a Redis restart, an append Redis did not take, Redis down), the
// changes from the writer over HTTP. Nothing is applied twice or out of order: every change goes through one
// queue and only changes after the engine's last event are applied. The live process is "current" when it
// holds everything up to a head the writer reported; when it cannot tell for `staleAfterMs` (the writer is
// away, or it is behind and cannot catch up) it is stale, and screens are told.
import type { LoggedChange, MetricsEngine } from '../metrics/engine'
import { restoreCheckpoint } from '../metrics/checkpoint'
import { decodeEntry, streamIdOf } from './entry'
import { closeRedis, redisClient, type Redis } from './redis'
import { EVENTS_MAX } from './writer-api'
import type { WriterClient } from './writer-client'

/** A gap longer than this is closed with a fresh checkpoint rather than by replaying its events. */
export const RELOAD_OVER = 50_000

export interface FollowerOptions {
  redisUrl: string
  stream: string
  writer: WriterClient
  engine: MetricsEngine
  /** Fold changes in (only changes after the engine's last event are passed, in log order). */
  apply: (changes: LoggedChange[]) => void
  /** The whole state was replaced from a checkpoint: every view must be rebuilt. */
  onReload?: () => void
  /** Became stale, or current again. */
  onStale?: (stale: boolean) => void
  /** How often the writer's head is asked for. */
  pollMs?: number
  staleAfterMs?: number
  /** How long one XREAD waits for new entries. */
  blockMs?: number
  log?: (level: 'info' | 'warn', msg: string) => void
  now?: () => number
}

export interface FollowerStats {
  lastEventId: number
  /** The newest head the writer reported. */
  head: number
  redis: boolean
  writer: boolean
  stale: boolean
  /** Since when the state may be behind (null while current). */
  staleSince: number | null
  streamed: number
  caughtUp: number
  gaps: number
  reloads: number
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export class LogFollower {
  readonly stats: FollowerStats
  private readonly now: () => number
  private queue: Promise<unknown> = Promise.resolve()
  private reader: Redis | null = null
  private stopped = false
  private poller: ReturnType<typeof setInterval> | null = null
  private reading: Promise<void> | null = null
  /** When the state was last known to hold everything the writer had committed. */
  private confirmedAt: number
  /** A head the writer reported that is not held yet, and when it was reported. */
  private pending: { head: number; at: number } | null = null

  constructor(private readonly o: FollowerOptions) {
    this.now = o.now ?? Date.now
    this.confirmedAt = this.now()
    this.stats = {
      lastEventId: o.engine.lastEventId, head: o.engine.lastEventId, redis: false, writer: true, stale: false, staleSince: null,
      streamed: 0, caughtUp: 0, gaps: 0, reloads: 0,
    }
  }

  start(): void {
    this.reading = this.readStream()
    this.poller = setInterval(() => void this.poll(), this.o.pollMs ?? 1000)
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.poller) clearInterval(this.poller)
    if (this.reader) await closeRedis(this.reader)
    await this.reading
    await this.queue.catch(() => {})
  }

  /** Run `fn` after everything queued before it: the engine changes in one order only. */
  private serial<T>(fn: () => Promise<T> | T): Promise<T> {
    const next = this.queue.then(fn, fn)
    this.queue = next.catch(() => {})
    return next
  }

  private applyFresh(changes: readonly LoggedChange[], via: 'streamed' | 'caughtUp'): void {
    const fresh = changes.filter((c) => c.id > this.o.engine.lastEventId)
    if (fresh.length === 0) return
    this.o.apply(fresh)
    this.stats[via] += fresh.length
    this.stats.lastEventId = this.o.engine.lastEventId
    if (this.pending && this.o.engine.lastEventId >= this.pending.head) {
      this.confirm(this.pending.at)
      this.pending = null
    }
  }

  private confirm(at: number): void {
    this.confirmedAt = Math.max(this.confirmedAt, at)
    this.checkStale()
  }

  private checkStale(): void {
    const stale = this.now() - this.confirmedAt > (this.o.staleAfterMs ?? 3000)
    if (stale === this.stats.stale) return
    this.stats.stale = stale
    this.stats.staleSince = stale ? this.confirmedAt : null
    this.o.log?.(stale ? 'warn' : 'info', stale ? 'live state is stale: cannot confirm it holds the whole log' : 'live state is current again')
    this.o.onStale?.(stale)
  }

  /** Everything up to `upTo` (or the writer's head) from the writer; a long gap by a fresh checkpoint. */
  private async catchUp(upTo = Infinity): Promise<void> {
    const engine = this.o.engine
    while (!this.stopped && engine.lastEventId < upTo) {
      const { head, changes } = await this.o.writer.events(engine.lastEventId, EVENTS_MAX)
      this.seeHead(head)
      if (Math.min(head, upTo) - engine.lastEventId > RELOAD_OVER) {
        await this.reload()
        continue
      }
      if (changes.length === 0) break
      this.applyFresh(changes, 'caughtUp')
    }
  }

  private async reload(): Promise<void> {
    const { blob } = await this.o.writer.checkpoint()
    if (!restoreCheckpoint(this.o.engine, blob)) throw new Error('the writer’s checkpoint does not fit this layout')
    this.stats.reloads++
    this.stats.lastEventId = this.o.engine.lastEventId
    this.o.onReload?.()
  }

  private seeHead(head: number): void {
    this.stats.writer = true
    if (head > this.stats.head) this.stats.head = head
    if (head <= this.o.engine.lastEventId) {
      this.confirm(this.now())
      this.pending = null
    } else if (!this.pending || head > this.pending.head) this.pending = { head, at: this.now() }
  }

  /** Ask the writer for its head; a head not reached since the previous poll is caught up over HTTP. */
  private async poll(): Promise<void> {
    try {
      const before = this.pending
      this.seeHead(await this.o.writer.head())
      if (before && this.o.engine.lastEventId < before.head) await this.serial(() => this.catchUp())
    } catch (e) {
      if (this.stats.writer) this.o.log?.('warn', `writer: ${(e as Error).message}`)
      this.stats.writer = false
    }
    this.checkStale()
  }

  /**
   * Apply stream entries in order; an entry after a gap waits for the catch-up. False when the catch-up
   * failed (the writer is away): the entries are read again from the engine's position next time.
   */
  private async applyEntries(entries: { message: Record<string, string> }[]): Promise<boolean> {
    try {
      for (const entry of entries) {
        const e = decodeEntry(entry.message)
        await this.serial(async () => {
          if (e.prev > this.o.engine.lastEventId) {
            this.stats.gaps++
            await this.catchUp(e.prev)
            // Still short of the entry's start: applying it would leave a hole.
            if (e.prev > this.o.engine.lastEventId) throw new Error(`the writer could not fill the gap up to event ${e.prev}`)
          }
          this.applyFresh(e.changes, 'streamed')
        })
      }
      return true
    } catch (e) {
      if (this.stats.writer) this.o.log?.('warn', `catching up: ${(e as Error).message}`)
      this.stats.writer = false
      this.checkStale()
      return false
    }
  }

  private async readStream(): Promise<void> {
    const block = this.o.blockMs ?? 2000
    let failures = 0
    while (!this.stopped) {
      this.reader ??= redisClient(this.o.redisUrl, { failFast: true })
      const reader = this.reader
      let watchdog: ReturnType<typeof setTimeout> | undefined
      try {
        // A blocked read on a connection that died without a word never returns: give it up and reconnect.
        const timeout = new Promise<never>((_, reject) => {
          watchdog = setTimeout(() => reject(new Error('stream read timed out')), block + 3000)
        })
        const read = reader.xRead({ key: this.o.stream, id: streamIdOf(this.o.engine.lastEventId) }, { COUNT: 100, BLOCK: block })
        read.catch(() => {}) // given up on by the watchdog: its rejection comes later and means nothing
        const res = (await Promise.race([read, timeout])) as { messages: { id: string; message: Record<string, string> }[] }[] | null
        if (!this.stats.redis) this.o.log?.('info', 'reading the log stream')
        this.stats.redis = true
        failures = 0
        if (!(await this.applyEntries(res?.[0]?.messages ?? []))) await sleep(this.o.pollMs ?? 1000)
      } catch (e) {
        if (this.stopped) break
        if (this.stats.redis) this.o.log?.('warn', `log stream: ${(e as Error).message}`)
        this.stats.redis = false
        if ((e as Error).message === 'stream read timed out') {
          const dead = this.reader
          this.reader = null
          if (dead) void closeRedis(dead)
        }
        await sleep(Math.min(100 * 2 ** failures++, 2000))
      } finally {
        clearTimeout(watchdog)
      }
    }
  }
}
