// The server's side of replay: worker threads that do the work, so a seek or a fast replay never holds up
// the live screens' event loop. One service worker answers as-of reports and timelines and builds the
// saved states; every replay session gets a worker of its own (one is kept started and waiting, as a
// worker takes a second or two to load), up to a cap. An in-memory database cannot be opened from another
// thread, so there everything runs in one host in this thread (tests).
import { Worker } from 'node:worker_threads'
import type Database from 'better-sqlite3'
import type { IndicatorConfig } from '../../shared/indicators'
import type { Window } from '../../shared/protocol'
import type { ReplayStatus, Timeline } from '../../shared/replay'
import { ReplayHost, type HostCommand, type HostConfig, type HostMessage, type HostRequest, type HostStats } from './host'
import type { SessionOptions } from './session'
import type { AsOfReport } from './report'

type Req = HostRequest extends infer R ? (R extends { req: number } ? Omit<R, 'req'> : never) : never
type Plain = Exclude<HostRequest, { req: number }>

/** One host, in a worker or in this thread, with requests matched to their replies. */
class HostLink {
  readonly ready: Promise<void>
  onMessage: (m: HostMessage) => void = () => {}
  private next = 1
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  private readonly worker: Worker | null
  private readonly inline: ReplayHost | null

  constructor(config: HostConfig, sql: Database.Database | null, onError: (e: Error) => void) {
    const receive = (m: HostMessage | { op: 'ready' }) => {
      if (m.op === 'ready') return
      if (m.op !== 'reply') return this.onMessage(m)
      const p = this.pending.get(m.req)
      this.pending.delete(m.req)
      if (m.error !== undefined) p?.reject(new ReplayError(m.error))
      else p?.resolve(m.result)
    }
    if (sql) {
      this.worker = null
      // Replies after the caller's turn, as from a worker.
      this.inline = new ReplayHost(config, (m) => queueMicrotask(() => receive(m)), sql)
      this.ready = Promise.resolve()
      return
    }
    this.inline = null
    const worker = (this.worker = new Worker(new URL('./worker.mjs', import.meta.url), { workerData: config }))
    worker.on('message', receive)
    worker.on('error', (e) => {
      onError(e)
      for (const p of this.pending.values()) p.reject(e)
      this.pending.clear()
    })
    this.ready = new Promise((resolve, reject) => {
      worker.once('message', () => resolve())
      worker.once('error', reject)
      worker.once('exit', () => reject(new Error('replay worker stopped')))
    })
    // Only a session or a request keeps the process alive, not an idle worker.
    worker.unref()
  }

  request<T>(m: Req): Promise<T> {
    const req = this.next++
    return new Promise<T>((resolve, reject) => {
      this.pending.set(req, { resolve: resolve as (v: unknown) => void, reject })
      this.send({ ...m, req } as HostRequest)
    })
  }

  send(m: HostRequest | Plain): void {
    if (this.inline) this.inline.handle(m)
    else this.worker!.postMessage(m)
  }

  async close(): Promise<void> {
    if (this.inline) return this.inline.close()
    await this.request({ op: 'stop' }).catch(() => {})
    await this.worker!.terminate()
  }
}

/**
 * The spare worker for the next session starts once the replays have had no command for this long. Loading a
 * worker costs about a core-second; started the moment a session opens, it landed on that session's first
 * seeks (a wall's first seeks took over a second on a two-core machine, the page drawing at the same time).
 */
export const SPARE_AFTER_QUIET_MS = 5_000

/** Real time between two frames of a playing replay: 12.5 frames/s, so a busy machine still shows 10. */
export const FRAME_MS = 80

/** A refusal to show the caller (a cap reached, a moment outside the log, a replay ended), naming the field. */
export class ReplayError extends Error {
  constructor(
    message: string,
    readonly field = 'op',
    /** As HTTP would say it: 409 the server's state does not allow it, 422 the value cannot be replayed. */
    readonly status: 409 | 422 = 409,
  ) {
    super(message)
  }
}

export interface PoolOptions {
  /** The database file, or null for an in-memory database (then `sql` is used in this thread). */
  dbFile: string | null
  sql: Database.Database
  indicators: IndicatorConfig
  utcOffsetMinutes: number
  maxSessions: number
  frameMs?: number
  onError?: (e: Error) => void
  onBuilt?: (m: Extract<HostMessage, { op: 'built' }>) => void
}

export interface ReplayHandle {
  id: number
  status: ReplayStatus
  command(cmd: HostCommand): Promise<ReplayStatus>
  close(): void
}

export interface SessionEvents {
  frame(kind: 'snapshot' | 'delta', bytes: Uint8Array): void
  status(s: ReplayStatus): void
}

export class ReplayPool {
  private readonly config: HostConfig
  private readonly service: HostLink
  private spare: HostLink | null = null
  private spareTimer: ReturnType<typeof setTimeout> | null = null
  private readonly sessions = new Map<number, { link: HostLink; events: SessionEvents }>()
  private nextId = 1
  private opening = 0

  constructor(private readonly opts: PoolOptions) {
    this.config = {
      dbFile: opts.dbFile ?? ':memory:', statesFile: opts.dbFile ? `${opts.dbFile}-replay` : ':memory:',
      indicators: opts.indicators, utcOffsetMinutes: opts.utcOffsetMinutes, frameMs: opts.frameMs ?? FRAME_MS,
    }
    this.service = this.link()
    this.service.onMessage = (m) => (m.op === 'built' ? this.opts.onBuilt?.(m) : this.route(m))
  }

  private link(): HostLink {
    const inline = this.opts.dbFile === null
    return new HostLink(this.config, inline ? this.opts.sql : null, this.opts.onError ?? ((e) => console.error('replay worker:', e)))
  }

  get inline(): boolean {
    return this.opts.dbFile === null
  }

  get size(): number {
    return this.sessions.size + this.opening
  }

  /** Start a worker for the next session ahead of time. */
  warm(): void {
    if (this.spareTimer) clearTimeout(this.spareTimer)
    this.spareTimer = null
    if (!this.inline && !this.spare) this.spare = this.link()
  }

  /** Start the spare once the sessions have been quiet for SPARE_AFTER_QUIET_MS (each command puts it off). */
  private warmWhenQuiet(): void {
    if (this.inline || this.spare) return
    if (this.spareTimer) clearTimeout(this.spareTimer)
    this.spareTimer = setTimeout(() => this.warm(), SPARE_AFTER_QUIET_MS)
    this.spareTimer.unref?.()
  }

  /** Build the saved states not built yet (the service worker does it between requests). */
  build(): void {
    this.service.send({ op: 'build' })
  }

  /** An event dated `at` arrived late: the saved midnights after it no longer hold (build() writes them again). */
  invalidate(at: number): void {
    this.service.send({ op: 'invalidate', at })
  }

  report(scope: string, window: Window, at: number): Promise<AsOfReport> {
    return this.service.request({ op: 'report', scope, window, at })
  }

  timeline(scope: string, from: number, to: number): Promise<Timeline> {
    return this.service.request({ op: 'timeline', scope, from, to })
  }

  async open(options: SessionOptions & { play?: boolean }, events: SessionEvents): Promise<ReplayHandle> {
    if (this.size >= this.opts.maxSessions)
      throw new ReplayError(`all ${this.opts.maxSessions} replay slots of this server are in use (ONESCREEN_REPLAY_MAX_SESSIONS); end a replay first`)
    this.opening++
    const id = this.nextId++
    let link: HostLink
    try {
      link = this.inline ? this.service : (this.spare ?? this.link())
      this.spare = null
      if (link !== this.service) link.onMessage = (m) => this.route(m)
      await link.ready
      this.sessions.set(id, { link, events })
      const status = await link.request<ReplayStatus>({ op: 'open', id, opts: options })
      this.warmWhenQuiet()
      return {
        id, status,
        command: (cmd) => {
          this.warmWhenQuiet()
          return link.request<ReplayStatus>({ op: 'command', id, cmd })
        },
        close: () => this.end(id),
      }
    } catch (e) {
      this.end(id)
      throw e
    } finally {
      this.opening--
    }
  }

  private end(id: number): void {
    const s = this.sessions.get(id)
    if (!s) return
    this.sessions.delete(id)
    if (s.link === this.service) s.link.send({ op: 'close', id })
    else void s.link.close()
  }

  private route(m: HostMessage): void {
    if (m.op !== 'frame' && m.op !== 'status') return
    const s = this.sessions.get(m.id)
    if (!s) return
    if (m.op === 'frame') s.events.frame(m.kind, m.bytes)
    else s.events.status(m.status)
  }

  /** Each session's host (its thread's CPU, heap and arrays) and the service host. */
  async stats(): Promise<{ service: HostStats; sessions: (HostStats & { id: number })[]; max: number }> {
    const sessions = await Promise.all(
      [...this.sessions].filter(([, s]) => s.link !== this.service).map(async ([id, s]) => ({ id, ...(await s.link.request<HostStats>({ op: 'stats' })) })),
    )
    return { service: await this.service.request<HostStats>({ op: 'stats' }), sessions, max: this.opts.maxSessions }
  }

  async close(): Promise<void> {
    if (this.spareTimer) clearTimeout(this.spareTimer)
    this.spareTimer = null
    for (const id of [...this.sessions.keys()]) this.end(id)
    await Promise.all([this.spare?.close(), this.service.close()])
    this.spare = null
  }
}
