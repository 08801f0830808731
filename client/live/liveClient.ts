// The live connection of one screen, without a UI framework (useLiveScope wraps it for Vue; tests drive it
// in Node). It subscribes to a scope and window, applies the snapshot and then every delta onto full-length
// typed arrays in the stable grid order, asks for a resync on a seq gap, resubscribes after a reconnect,
// and tells live from stale from offline. Ticker and alerts are bounded. dispose() leaves nothing behind.
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client'
import {
  ACCESS_REVOKED, TRY_LATER, EVENTS, GRID_METRICS, LIVE_NAMESPACE, STALE_MS, continues, decodeGridValues, type AlertItem, type Delta, type GridMetric, type GridValues,
  type Panels, type Snapshot, type SubscribeAck, type TickerItem, type Window, toBytes,
} from '../../shared/protocol'
import { REPLAY_EVENTS, type ReplayAck, type ReplayCommand, type ReplayStatus } from '../../shared/replay'
import { decodeDelta, decodeSnapshot } from '../../shared/wire'
import { liveParser } from '../../shared/socket-parser'
import { FrameHold } from './frameHold'

export type LiveStatus = 'connecting' | 'live' | 'stale' | 'offline'

export interface GridView {
  /** Per metric, indexed by stable grid index, full length (counts 0 and rates −1 outside the scope). */
  values: Record<GridMetric, Int32Array>
  /** Grid indices changed by the last frame; null = everything (a snapshot). */
  changed: Int32Array | null
  version: number
}

/** What a screen reads from the connection. Each key is one part that onChange names, and useLiveScope and
 *  useScreenData mirror these keys generically: a new part is declared here and filled in below, nowhere else. */
export interface LiveState {
  status: LiveStatus
  seq: number
  /** When the last frame arrived (this screen's clock). */
  lastFrameAt: number | null
  /** The moment the last frame stands for (the server's clock; in a replay, the replayed moment). */
  frameAt: number | null
  panels: Panels | null
  grids: GridView
  alerts: AlertItem[]
  ticker: TickerItem[]
  /** Why the server refused the token or the subscription, if it did. */
  error: string | null
  /** The replay this screen shows instead of live (the frames above are then the replay's), or null. */
  replay: ReplayStatus | null
}
export type LivePart = keyof LiveState
export const LIVE_PARTS = ['status', 'seq', 'lastFrameAt', 'frameAt', 'panels', 'grids', 'alerts', 'ticker', 'error', 'replay'] as const satisfies readonly LivePart[]
/** The parts a frame carries besides the grids: a hidden screen holds these back (grids have their own gate). */
export const FRAME_PARTS = ['panels', 'alerts', 'ticker'] as const satisfies readonly LivePart[]

export interface LiveClientOptions {
  /** Server origin; default: the page's own. */
  url?: string
  token?: string
  /** No frame for this long and the screen is stale (default STALE_MS, derived from the server's HEARTBEAT_MS). */
  staleMs?: number
  maxTicker?: number
  maxAlerts?: number
  /** Called with what changed after each frame or status change. */
  onChange?: (parts: ReadonlySet<LivePart>) => void
  /** Diagnostics and tests: see every raw frame first; return false to drop it. */
  onFrame?: (kind: 'snapshot' | 'delta', bytes: Uint8Array) => boolean
  /** How long to hold a live delta built at `at` (server clock) before applying it: a wall's browsers apply
   *  each at the same moment (FrameHold). Default: at once. Not used in a replay (its `at` is the replayed time). */
  holdMs?: (at: number) => number
  socket?: Partial<ManagerOptions & SocketOptions>
}

type Start = Extract<ReplayCommand, { op: 'start' }>
/** A replay command as a screen gives it: a start is for the screen's own scope and window unless it says. */
export type ScreenCommand = Exclude<ReplayCommand, Start> | (Omit<Start, 'scope' | 'window'> & Partial<Pick<Start, 'scope' | 'window'>>)

const EMPTY: Record<GridMetric, number> = { received: 0, open: 0, overdue: 0, closureRate: -1, satisfaction: -1 }
/** A replay command not answered in this long is taken as refused (a first seek of a busy server is seconds). */
const REPLAY_ACK_MS = 20_000
/** Ask again if a resync's snapshot has not come after this long. */
const RESYNC_RETRY_MS = 5000

export class LiveClient implements LiveState {
  status: LiveStatus = 'connecting'
  seq = 0
  lastFrameAt: number | null = null
  frameAt: number | null = null
  panels: Panels | null = null
  grids: GridView = { values: emptyValues(0), changed: null, version: 0 }
  alerts: AlertItem[] = []
  ticker: TickerItem[] = []
  error: string | null = null
  replay: ReplayStatus | null = null
  /** A replay is starting or running: the live subscription waits (a live subscribe would end the replay). */
  private replaying = false
  /** Snapshots applied (the first, resyncs, reconnects). */
  snapshots = 0
  /** The token was revoked: the screen stays offline with that reason and never reconnects with it. */
  revoked = false
  readonly socket: Socket
  private scope: string | null = null
  private window: Window | null = null
  /** Waiting for a snapshot (after subscribe or a gap): deltas are ignored meanwhile. */
  private awaiting = true
  private resyncAt = 0
  /** The server refused this subscription: do not keep asking. */
  private refused = false
  private readonly staleMs: number
  private readonly timer: ReturnType<typeof setInterval>
  private disposed = false
  private retry: ReturnType<typeof setTimeout> | null = null
  private readonly held = new FrameHold()

  constructor(private readonly opts: LiveClientOptions = {}) {
    this.staleMs = opts.staleMs ?? STALE_MS
    const url = (opts.url ?? '') + LIVE_NAMESPACE
    this.socket = io(url, {
      transports: ['websocket', 'polling'],
      auth: opts.token ? { token: opts.token } : {},
      reconnectionDelayMax: 10_000,
      parser: liveParser,
      ...opts.socket,
    })
    this.socket.on('connect', () => {
      // A replay ends with the connection it ran on: a screen that comes back is live.
      if (this.replaying) this.setReplay(null)
      this.subscribeNow()
    })
    this.socket.on('disconnect', (reason) => {
      this.setStatus('offline')
      // Socket.IO does not reconnect by itself after a server-side disconnect (a server shutting down
      // gracefully disconnects every socket): ask again, and the manager's backoff takes it from there.
      if (reason === 'io server disconnect' && !this.disposed && !this.revoked) this.socket.connect()
    })
    this.socket.on('connect_error', (e: Error) => {
      if (e.message.startsWith(ACCESS_REVOKED)) return this.revoke()
      this.setError(e.message)
      this.setStatus('offline')
      // A refusal Socket.IO does not retry by itself; this one says to.
      if (e.message.startsWith(TRY_LATER)) this.retryLater()
    })
    this.socket.on(EVENTS.revoked, () => this.revoke())
    this.socket.on(EVENTS.snapshot, (b: ArrayBuffer | Uint8Array) => this.onSnapshot(b))
    this.socket.on(EVENTS.delta, (b: ArrayBuffer | Uint8Array) => this.onDelta(b))
    this.socket.on(REPLAY_EVENTS.status, (s: ReplayStatus | null) => {
      const ended = s === null && this.replaying
      this.setReplay(s)
      if (ended) this.subscribeNow()
    })
    this.timer = setInterval(() => this.watch(), 1000)
  }

  /** Watch a scope (a grid code) in a window; a change starts over with a new snapshot. */
  subscribe(scope: string, window: Window): void {
    if (this.scope === scope && this.window === window) return
    this.scope = scope
    this.window = window
    this.awaitSnapshot()
    this.refused = false
    this.seq = 0
    if (!this.socket.connected) return
    // Within a replay the screen moves the replay's view; its live subscription waits for the replay's end.
    if (this.replaying) void this.command({ op: 'view', scope, window })
    else this.subscribeNow()
  }

  /**
   * Drive a replay: start (at a moment, for this screen's scope and window unless given), play, pause, step,
   * seek, speed, stop. Resolves with the server's answer; a refusal (the cap reached, a moment outside the
   * log) comes back as { ok: false, error } and the screen stays where it was.
   */
  command(cmd: ScreenCommand): Promise<ReplayAck> {
    const sent = (cmd.op === 'start' ? { ...cmd, scope: cmd.scope ?? this.scope, window: cmd.window ?? this.window } : cmd) as ReplayCommand
    return new Promise((resolve) => {
      if (!this.socket.connected) return resolve({ ok: false, error: 'not connected' })
      // The replay's first snapshot replaces whatever is on its way from live.
      const jumps = cmd.op === 'start' || cmd.op === 'view' || cmd.op === 'seek'
      if (jumps) this.awaitSnapshot()
      if (cmd.op === 'start') this.replaying = true
      this.resyncAt = Date.now()
      this.socket.timeout(REPLAY_ACK_MS).emit(REPLAY_EVENTS.command, sent, (err: Error | null, answer?: ReplayAck) => {
        if (this.disposed) return
        // No answer: a server without the log to replay from (a live process of a scaled-out deployment).
        const ack: ReplayAck = err || !answer ? { ok: false, error: 'this server does not answer replay commands' } : answer
        if (ack.ok) this.setReplay(ack.status)
        else if (jumps) {
          // Refused: the screen stays where it was (live, or the replay it had).
          this.awaiting = false
          if (cmd.op === 'start') this.replaying = this.replay !== null
        }
        resolve(ack)
      })
    })
  }

  /** When the next held live frame is due (Date.now() clock), or null: see FrameHold.nextDue. */
  frameDue(): number | null {
    return this.held.nextDue()
  }

  /** Ask for a fresh snapshot (done by itself on a gap). */
  resync(): void {
    if (!this.socket.connected || this.scope === null) return
    this.awaitSnapshot()
    this.resyncAt = Date.now()
    this.socket.emit(EVENTS.resync)
  }

  dispose(): void {
    if (this.disposed) return
    this.disposed = true
    clearInterval(this.timer)
    this.held.clear()
    if (this.retry) clearTimeout(this.retry)
    this.socket.removeAllListeners()
    this.socket.disconnect()
  }

  /** From here on only a snapshot counts; deltas still held belong to what came before. */
  private awaitSnapshot(): void {
    this.awaiting = true
    this.held.clear()
  }

  /** Connect again in 1–3 s (spread, so a live process's screens do not all come back at once). */
  private retryLater(): void {
    if (this.retry || this.disposed) return
    this.retry = setTimeout(() => {
      this.retry = null
      if (!this.disposed && !this.revoked && !this.socket.connected) this.socket.connect()
    }, 1000 + Math.random() * 2000)
  }

  /** The server says the token was revoked: show why, stop, and do not come back with it. */
  private revoke(): void {
    this.revoked = true
    this.setError(ACCESS_REVOKED)
    this.setStatus('offline')
    this.socket.disconnect()
  }

  private setReplay(r: ReplayStatus | null): void {
    if (this.disposed) return
    this.replay = r
    this.replaying = r !== null
    this.opts.onChange?.(new Set<LivePart>(['replay']))
  }

  private subscribeNow(): void {
    if (this.scope === null || this.window === null) return
    if (this.replaying) {
      // Still replaying (or starting to): ask the replay for its snapshot (a live subscribe would end it).
      this.awaitSnapshot()
      this.resyncAt = Date.now()
      this.socket.emit(EVENTS.resync)
      return
    }
    const scope = this.scope
    const window = this.window
    this.awaitSnapshot()
    this.resyncAt = Date.now()
    this.setStatus('connecting')
    this.socket.emit(EVENTS.subscribe, { scope, window }, (ack: SubscribeAck) => {
      if (this.disposed || scope !== this.scope || window !== this.window) return
      if (ack.ok) this.setError(null)
      else {
        this.refused = true
        this.setError(ack.error)
        this.setStatus('offline')
      }
    })
  }

  private onSnapshot(b: ArrayBuffer | Uint8Array): void {
    const bytes = toBytes(b)
    if (this.opts.onFrame && !this.opts.onFrame('snapshot', bytes)) return
    const s: Snapshot = decodeSnapshot(bytes)
    // A snapshot of the previous subscription, still on its way when the screen moved on.
    if (s.scope !== this.scope || s.window !== this.window) return
    const size = s.gridCount ?? this.grids.values.received.length
    const values = this.grids.values.received.length === size ? this.grids.values : emptyValues(size)
    for (const m of GRID_METRICS) values[m].fill(EMPTY[m])
    this.applyGrids(values, s.grids)
    this.grids = { values, changed: null, version: this.grids.version + 1 }
    this.panels = s.panels
    this.ticker = s.ticker.slice(-this.maxTicker)
    this.alerts = [...s.alerts].reverse().slice(0, this.maxAlerts)
    this.seq = s.seq
    this.awaiting = false
    this.snapshots++
    this.frameAt = s.at
    this.frameArrived(new Set<LivePart>(['seq', 'panels', 'grids', 'ticker', 'alerts', 'frameAt']))
  }

  private onDelta(b: ArrayBuffer | Uint8Array): void {
    const bytes = toBytes(b)
    if (this.opts.onFrame && !this.opts.onFrame('delta', bytes)) return
    if (this.awaiting) return
    const d: Delta = decodeDelta(bytes)
    this.held.run(this.replay ? 0 : (this.opts.holdMs?.(d.at) ?? 0), () => this.applyDelta(d))
  }

  private applyDelta(d: Delta): void {
    if (this.awaiting || this.disposed) return
    if (d.seq <= this.seq && !continues(this.seq, d)) return // an old frame
    if (!continues(this.seq, d)) {
      this.resync()
      return
    }
    const parts = new Set<LivePart>(['seq', 'frameAt'])
    this.frameAt = d.at
    if (d.grids) {
      const changed = this.applyGrids(this.grids.values, d.grids)
      this.grids = { values: this.grids.values, changed, version: this.grids.version + 1 }
      parts.add('grids')
    }
    if (d.panels && this.panels) {
      this.panels = { ...this.panels, ...d.panels }
      parts.add('panels')
    }
    if (d.ticker?.length) {
      const seen = new Set(this.ticker.map((t) => t.id))
      this.ticker = [...this.ticker, ...d.ticker.filter((t) => !seen.has(t.id))].slice(-this.maxTicker)
      parts.add('ticker')
    }
    if (d.alerts?.length) {
      const seen = new Set(this.alerts.map((a) => a.id))
      this.alerts = [...d.alerts.filter((a) => !seen.has(a.id)).reverse(), ...this.alerts].slice(0, this.maxAlerts)
      parts.add('alerts')
    }
    this.seq = d.seq
    this.frameArrived(parts, d.stale === true)
  }

  private applyGrids(values: Record<GridMetric, Int32Array>, g: GridValues): Int32Array {
    const { index, values: v } = decodeGridValues(g)
    const size = values.received.length
    for (const m of GRID_METRICS) {
      const to = values[m]
      const from = v[m]
      for (let k = 0; k < index.length; k++) if (index[k] < size) to[index[k]] = from[k]
    }
    return index
  }

  /** `stale`: the server says its figures may be behind the log (it keeps sending them). */
  private frameArrived(parts: Set<LivePart>, stale = false): void {
    this.lastFrameAt = Date.now()
    parts.add('lastFrameAt')
    const status = stale ? 'stale' : 'live'
    if (this.status !== status) {
      this.status = status
      parts.add('status')
    }
    this.opts.onChange?.(parts)
  }

  /** Once a second: staleness, and a resync whose snapshot never came. */
  private watch(): void {
    const now = Date.now()
    if (this.status === 'live' && this.lastFrameAt !== null && now - this.lastFrameAt > this.staleMs) this.setStatus('stale')
    if (this.awaiting && !this.refused && this.socket.connected && this.scope !== null && now - this.resyncAt > RESYNC_RETRY_MS)
      this.subscribeNow()
  }

  private setStatus(s: LiveStatus): void {
    if (this.status === s || this.disposed) return
    this.status = s
    this.opts.onChange?.(new Set<LivePart>(['status']))
  }

  private setError(e: string | null): void {
    if (this.error === e || this.disposed) return
    this.error = e
    this.opts.onChange?.(new Set<LivePart>(['error']))
  }

  private get maxTicker(): number {
    return this.opts.maxTicker ?? 50
  }

  private get maxAlerts(): number {
    return this.opts.maxAlerts ?? 50
  }
}

function emptyValues(n: number): Record<GridMetric, Int32Array> {
  return Object.fromEntries(GRID_METRICS.map((m) => [m, new Int32Array(n).fill(EMPTY[m])])) as Record<GridMetric, Int32Array>
}

