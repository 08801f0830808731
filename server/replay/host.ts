// The replay side of the message line between the server and a replay worker: it owns sessions (their
// engines and frame timer), answers as-of reports and timelines, and builds the saved states in slices. A
// worker thread runs one (worker.ts); for an in-memory database, which no other thread can open, the
// server runs one in its own thread with the same messages.
import Database from 'better-sqlite3'
import { readFileSync } from 'node:fs'
import { getHeapStatistics } from 'node:v8'
import type { IndicatorConfig } from '../../shared/indicators'
import { districtClock } from '../../shared/clock'
import type { ReplayCommand, ReplayStatus } from '../../shared/replay'
import type { Window } from '../../shared/protocol'
import { Layout } from '../metrics/layout'
import { MetricsEngine } from '../metrics/engine'
import { ReplaySession, type ReplayContext, type SessionOptions } from './session'
import { SavedStates, logStart } from './states'
import { StateStore } from './store'
import { LogFolder } from './tail'
import { seek } from './asof'
import { asOfReport } from './report'
import { timeline } from './timeline'

export interface HostConfig {
  /** The database file (a worker opens its own connection). */
  dbFile: string
  /** The saved states' file (StateStore); ':memory:' keeps them in this host. */
  statesFile: string
  indicators: IndicatorConfig
  utcOffsetMinutes: number
  /** Real time between two frames of a playing session. */
  frameMs: number
}

/** What a session is told: a screen's command, or a fresh snapshot for a screen that lost its place. */
export type HostCommand = ReplayCommand | { op: 'resync' }

export type HostRequest =
  | { op: 'open'; req: number; id: number; opts: SessionOptions & { play?: boolean } }
  | { op: 'command'; req: number; id: number; cmd: HostCommand }
  | { op: 'close'; id: number }
  | { op: 'report'; req: number; scope: string; window: Window; at: number }
  | { op: 'timeline'; req: number; scope: string; from: number; to: number }
  | { op: 'build' }
  | { op: 'invalidate'; at: number }
  | { op: 'stop'; req: number }
  | { op: 'stats'; req: number }

export type HostMessage =
  | { op: 'frame'; id: number; kind: 'snapshot' | 'delta'; bytes: Uint8Array }
  | { op: 'status'; id: number; status: ReplayStatus }
  | { op: 'reply'; req: number; result?: unknown; error?: string }
  | { op: 'built'; days: number; bytes: number; ms: number; error?: string }

export interface HostStats {
  cpuMs: number | null
  heapMB: number
  /** Typed arrays the sessions' engines and frames hold. */
  stateMB: number
  sessions: number
  building: boolean
  /** The newest saved midnight (a day number), or null. */
  lastDay: number | null
}

/** A build slice's length: the host answers requests between slices. */
const SLICE_MS = 100
/** Step when a command does not say: one second of play. */
const STEP_REAL_MS = 1000

export class ReplayHost {
  private readonly ctx: ReplayContext
  private readonly sessions = new Map<number, { session: ReplaySession; lastFrame: number }>()
  private timer: ReturnType<typeof setInterval> | null = null
  private building = false
  private reportEngine: { engine: MetricsEngine; folder: LogFolder; t: number } | null = null
  private readonly ownSql: boolean

  constructor(
    private readonly config: HostConfig,
    private readonly post: (m: HostMessage, transfer?: ArrayBuffer[]) => void,
    sql?: Database.Database,
  ) {
    this.ownSql = !sql
    const db = sql ?? new Database(config.dbFile, { readonly: true, fileMustExist: true })
    if (!sql) db.pragma('busy_timeout = 5000')
    const store = new StateStore(config.statesFile)
    const layout = Layout.fromDb({ $client: db } as Parameters<typeof Layout.fromDb>[0])
    const names = new Map((db.prepare('SELECT code, name FROM matters').all() as { code: string; name: string }[]).map((m) => [m.code, m.name]))
    const clock = districtClock(config.utcOffsetMinutes)
    let start: number | null = null
    this.ctx = {
      sql: db, layout, clock, indicators: config.indicators, states: new SavedStates(db, store),
      matterName: (code) => names.get(code) ?? code,
      logStart: () => (start ??= logStart(db) ?? Date.now()),
      now: () => Date.now(),
    }
  }

  get states(): SavedStates {
    return this.ctx.states!
  }

  handle(m: HostRequest): void {
    try {
      switch (m.op) {
        case 'open': {
          const session = new ReplaySession(this.ctx, m.opts)
          this.sessions.set(m.id, { session, lastFrame: Date.now() })
          this.send(m.id, session.seek(m.opts.at))
          session.playing = m.opts.play ?? true
          this.reply(m.req, session.status())
          this.ensureTimer()
          return
        }
        case 'command':
          return this.reply(m.req, this.command(m.id, m.cmd))
        case 'close':
          this.sessions.delete(m.id)
          if (this.sessions.size === 0 && this.timer) clearInterval(this.timer), (this.timer = null)
          return
        case 'report':
          return this.reply(m.req, this.report(m.scope, m.window, m.at))
        case 'timeline':
          return this.reply(m.req, timeline(this.ctx.sql, this.ctx.layout, this.ctx.clock, m.scope, m.from, m.to))
        case 'build':
          return this.build()
        case 'invalidate':
          this.states.invalidate(m.at, this.ctx.clock)
          return
        case 'stop':
          this.close()
          return this.reply(m.req, true)
        case 'stats':
          return this.reply(m.req, this.stats())
      }
    } catch (e) {
      if ('req' in m) this.post({ op: 'reply', req: m.req, error: (e as Error).message })
      else throw e
    }
  }

  private command(id: number, cmd: HostCommand): ReplayStatus {
    const entry = this.sessions.get(id)
    if (!entry) throw new Error('this replay has ended')
    const s = entry.session
    switch (cmd.op) {
      case 'play':
        s.playing = true
        entry.lastFrame = Date.now()
        break
      case 'pause':
        s.playing = false
        break
      case 'step':
        this.send(id, s.step(cmd.ms ?? s.speed * STEP_REAL_MS))
        break
      case 'seek':
        this.send(id, s.seek(cmd.at))
        break
      case 'speed':
        s.setSpeed(cmd.speed)
        break
      case 'view':
        this.send(id, s.setView(cmd.scope, cmd.window))
        break
      case 'resync':
        this.send(id, s.snapshot())
        break
      default:
        throw new Error(`replay command "${cmd.op}" is handled by the server`)
    }
    return s.status()
  }

  private send(id: number, frame: { kind: 'snapshot' | 'delta'; bytes: Uint8Array } | null): void {
    if (!frame) return
    // A copy the worker can hand over without copying again (the view keeps its snapshot cache).
    const bytes = frame.bytes.slice()
    this.post({ op: 'frame', id, kind: frame.kind, bytes }, [bytes.buffer as ArrayBuffer])
  }

  private ensureTimer(): void {
    if (this.timer) return
    this.timer = setInterval(() => {
      const now = Date.now()
      for (const [id, e] of this.sessions) {
        const was = e.session.playing
        this.send(id, e.session.frame(now - e.lastFrame, now))
        e.lastFrame = now
        if (was && !e.session.playing) this.post({ op: 'status', id, status: e.session.status() })
      }
    }, this.config.frameMs)
  }

  /** The as-of report; one engine is kept for reports, so a run of them costs no new arrays. */
  private report(scope: string, window: Window, at: number) {
    const row = this.ctx.layout.gridIndex(scope)
    if (row < 0) throw new RangeError(`scope "${scope}" is not a grid code`)
    if (!this.reportEngine) {
      const holder = { t: at } as { engine: MetricsEngine; folder: LogFolder; t: number }
      holder.engine = new MetricsEngine(this.ctx.layout, { now: () => holder.t, indicators: this.ctx.indicators, clock: this.ctx.clock })
      holder.folder = new LogFolder(this.ctx.sql, holder.engine)
      this.reportEngine = holder
    }
    const r = this.reportEngine
    r.t = at
    seek(this.ctx.sql, r.engine, this.ctx.states, r.folder, at)
    return asOfReport(r.engine, this.ctx.clock, row, window, at)
  }

  /** Save the midnights not saved yet, a slice at a time so requests are answered in between. */
  private build(): void {
    if (this.building) return
    this.building = true
    const t = { t: Date.now() }
    const engine = new MetricsEngine(this.ctx.layout, { now: () => t.t, indicators: this.ctx.indicators, clock: this.ctx.clock })
    this.states.store.claim(this.states.identity(engine))
    const b = this.states.builder(engine, Date.now())
    const slice = () => {
      try {
        const t0 = performance.now()
        if (!b.resume(() => performance.now() - t0 > SLICE_MS)) return void setImmediate(slice)
        this.building = false
        this.post({ op: 'built', days: b.stats.days, bytes: b.stats.bytes, ms: b.stats.ms })
      } catch (e) {
        this.building = false
        this.post({ op: 'built', days: b.stats.days, bytes: b.stats.bytes, ms: b.stats.ms, error: (e as Error).message })
      }
    }
    slice()
  }

  /** What this host costs: its thread's CPU time (Linux), its heap, and the typed arrays of its engines. */
  stats(): HostStats {
    let cpuMs: number | null = null
    try {
      // A synchronous read runs on the calling thread, so thread-self is this worker's thread.
      const f = readFileSync('/proc/thread-self/stat', 'utf8')
      const x = f.slice(f.lastIndexOf(')') + 2).split(' ')
      cpuMs = ((Number(x[11]) + Number(x[12])) * 1000) / 100
    } catch {
      /* not Linux */
    }
    const h = getHeapStatistics()
    return {
      cpuMs, heapMB: +(h.used_heap_size / 1048576).toFixed(1), sessions: this.sessions.size,
      stateMB: +([...this.sessions.values()].reduce((n, e) => n + e.session.bytes(), 0) / 1048576).toFixed(1),
      building: this.building, lastDay: this.states.store.lastDay(),
    }
  }

  private reply(req: number, result: unknown): void {
    this.post({ op: 'reply', req, result })
  }

  close(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    this.sessions.clear()
    this.states.store.close()
    if (this.ownSql && this.ctx.sql.open) this.ctx.sql.close()
  }
}
