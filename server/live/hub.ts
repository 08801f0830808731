// The live namespace: screens authenticate with a viewer token, subscribe to a scope and window, get a
// snapshot, then deltas (each encoded once, sent to the whole room). Frames go out when things happen: news
// in a room's scope (a new or closed case, an alert) is framed `coalesceMs` after its commit, so a burst
// becomes one frame; changed counts alone ride along with the next news, or go out `tickMs` after they changed.
// A room gets at most one frame per `frameMinMs`, and a room of many screens fewer (`msPerScreen` each: a
// frame costs one socket write per screen); what arrives meanwhile waits in its view for the next frame.
// With `roundGapMs`, rounds are at least that far apart: under load, the commits in between are framed in one.
// The housekeeping tick also sends heartbeats, rolls the windows at midnight and resyncs drained screens.
// A screen whose connection is backed up gets no deltas until it drains, then a fresh snapshot: it never
// holds up the others, and the server never queues more than the frame already in flight for it.
import type { Namespace, Socket } from 'socket.io'
import { EVENTS, HEARTBEAT_MS, WINDOWS, type Delta, type SubscribeAck, type SubscribeRequest, type Window } from '../../shared/protocol'
import { encodeDelta } from '../../shared/wire'
import type { MetricsEngine } from '../metrics/engine'
import type { Feed } from './feed'
import { SlowScreens } from './slow'
import { roomFrame, writeFrame } from './room-frame'
import { ScopeView, WindowGrids } from './frames'

export { SLOW_ROOM } from './slow'

export interface Viewer {
  scope: string
}

export interface HubOptions {
  /** Housekeeping period: heartbeats, the day and hour rolling over, drained screens' snapshots. */
  tickMs: number
  /** Least time between two frames to one room (the per-room frame-rate cap). */
  frameMinMs: number
  /** How long the first change waits for others before it is framed (a burst becomes one frame). */
  coalesceMs: number
  /** Each screen in a room adds this much to the room's least time between frames. */
  msPerScreen: number
  /**
   * Least time between two framing rounds (default 0: none). Under load, commits that arrive meanwhile are framed in
   * one round: a round's fixed cost (waking the event loop, walking the views, a burst of socket writes) is then
   * paid once for all of them instead of once per commit.
   */
  roundGapMs?: number
  /** An empty frame at least this often, so a quiet scope does not look stale. */
  heartbeatMs?: number
  /** The viewer a handshake token stands for; throws (or rejects: a live process asks its writer) when refused. */
  authorize: (token: string | undefined) => Viewer | Promise<Viewer>
  /** May this viewer watch this scope? */
  covers: (viewer: Viewer, scope: string) => boolean
  now?: () => number
  onError?: (err: unknown) => void
}

export interface HubStats {
  sockets: number
  views: number
  /** Rounds of framing (each after a change, or a capped room's turn, or housekeeping). */
  ticks: number
  deltas: number
  /** Deltas that carried changed counts alone (no ticker item, no alert), heartbeats not counted. */
  countDeltas: number
  deltaBytes: number
  snapshots: number
  snapshotBytes: number
  skipped: number
  resyncs: number
  lastTickMs: number
  /** Longest round since start (ms): what a frame may wait beyond its turn. */
  maxTickMs: number
  /** Total time spent in rounds (ms), and the part of it spent handing frames to the sockets. */
  tickMsTotal: number
  emitMsTotal: number
}

interface SocketData {
  viewer: Viewer
  view?: string
}

export class LiveHub {
  private readonly views = new Map<string, ScopeView>()
  private readonly slow: SlowScreens
  private readonly windows = new Map<Window, WindowGrids>()
  /**
   * Each view room's screens, as the adapter last had them: a frame goes to each from this list, not by looking
   * every screen up by its id. Dropped whenever a screen joins or leaves the room (the adapter's public
   * join-room / leave-room events, fired as it happens, disconnects included).
   */
  private readonly screens = new Map<string, Socket[]>()
  private timer: ReturnType<typeof setInterval> | null = null
  /** The next framing round, when one is due. */
  private roundTimer: ReturnType<typeof setTimeout> | null = null
  private roundAt = Infinity
  /** When the last round ran (-Infinity: none yet). */
  private lastRoundAt = -Infinity
  private readonly roundGapMs: number
  /** Rounds run so far (a view notes the round of its last frame). */
  private rounds = 0
  private readonly frameMinMs: number
  private readonly coalesceMs: number
  private readonly msPerScreen: number
  private readonly now: () => number
  private readonly heartbeatMs: number
  /** May the figures be behind the log (a live process that has lost its writer)? Frames say so. */
  private stale = false
  private staleChanged = false
  readonly stats: HubStats = {
    sockets: 0, views: 0, ticks: 0, deltas: 0, countDeltas: 0, deltaBytes: 0, snapshots: 0, snapshotBytes: 0, skipped: 0, resyncs: 0, lastTickMs: 0, maxTickMs: 0, tickMsTotal: 0, emitMsTotal: 0,
  }

  constructor(
    readonly nsp: Namespace,
    private readonly engine: MetricsEngine,
    private readonly feed: Feed,
    private readonly opts: HubOptions,
  ) {
    this.now = opts.now ?? Date.now
    this.slow = new SlowScreens(nsp)
    this.heartbeatMs = opts.heartbeatMs ?? HEARTBEAT_MS
    this.frameMinMs = opts.frameMinMs
    this.coalesceMs = opts.coalesceMs
    this.msPerScreen = opts.msPerScreen
    this.roundGapMs = opts.roundGapMs ?? 0
    nsp.use((socket, next) => {
      const auth = socket.handshake.auth as { token?: unknown } | undefined
      const query = socket.handshake.query.token
      const token = typeof auth?.token === 'string' ? auth.token : typeof query === 'string' ? query : undefined
      const admit = (viewer: Viewer) => {
        ;(socket.data as SocketData).viewer = viewer
        next()
      }
      const refuse = (e: unknown) => next(new Error((e as Error).message || 'unauthorized'))
      try {
        const viewer = opts.authorize(token)
        if (viewer instanceof Promise) viewer.then(admit, refuse)
        else admit(viewer)
      } catch (e) {
        refuse(e)
      }
    })
    nsp.on('connection', (socket) => this.connect(socket))
    const changed = (room: string) => void this.screens.delete(room)
    nsp.adapter.on('join-room', changed)
    nsp.adapter.on('leave-room', changed)
  }

  start(): void {
    if (this.timer) return
    this.timer = setInterval(() => this.guard(() => this.housekeeping()), this.opts.tickMs)
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    if (this.roundTimer) clearTimeout(this.roundTimer)
    this.roundTimer = null
    this.roundAt = Infinity
  }

  /** Committed changes were folded into the metrics (and the feed): frame them soon. */
  changed(): void {
    if (this.timer) this.scheduleRound(this.now() + this.coalesceMs)
  }

  private guard(fn: () => void): void {
    try {
      fn()
    } catch (e) {
      ;(this.opts.onError ?? console.error)(e)
    }
  }

  private scheduleRound(at: number): void {
    at = Math.max(at, this.lastRoundAt + this.roundGapMs)
    if (at >= this.roundAt) return
    if (this.roundTimer) clearTimeout(this.roundTimer)
    this.roundAt = at
    this.roundTimer = setTimeout(() => {
      this.roundTimer = null
      this.roundAt = Infinity
      this.guard(() => this.round())
    }, Math.max(0, at - this.now()))
  }

  private connect(socket: Socket): void {
    const data = socket.data as SocketData
    this.slow.track(socket)
    socket.on(EVENTS.subscribe, (req: SubscribeRequest, ack?: (a: SubscribeAck) => void) => {
      const answer = (a: SubscribeAck) => (typeof ack === 'function' ? ack(a) : undefined)
      const scope = typeof req?.scope === 'string' ? req.scope : ''
      const window = req?.window as Window
      const row = this.engine.layout.gridIndex(scope)
      if (row < 0) return answer({ ok: false, error: `scope "${scope}" is not a grid code` })
      if (!WINDOWS.includes(window)) return answer({ ok: false, error: `window must be one of ${WINDOWS.join(', ')}` })
      if (!this.opts.covers(data.viewer, scope))
        return answer({ ok: false, error: `this viewer token covers ${data.viewer.scope}, not ${scope}` })
      const key = `${scope}|${window}`
      if (data.view && data.view !== key) void socket.leave(data.view)
      data.view = key
      void socket.join(key)
      const view = this.viewFor(key, row, window)
      answer({ ok: true })
      this.sendSnapshot(socket, view)
    })
    socket.on(EVENTS.resync, () => {
      const view = data.view ? this.views.get(data.view) : undefined
      if (!view) return
      this.stats.resyncs++
      this.sendSnapshot(socket, view)
    })
  }

  /** Take a screen off live frames (a replay took it over); its next subscribe brings it back. */
  release(socket: Socket): void {
    const data = socket.data as SocketData
    if (data.view) void socket.leave(data.view)
    data.view = undefined
  }

  private viewFor(key: string, row: number, window: Window): ScopeView {
    let view = this.views.get(key)
    if (!view) {
      let grids = this.windows.get(window)
      if (!grids) {
        grids = new WindowGrids(this.engine, window)
        this.windows.set(window, grids)
      }
      view = new ScopeView(this.engine, grids, row, key, { ticker: this.feed.recentTicker, alerts: this.feed.recentAlerts })
      this.views.set(key, view)
    }
    return view
  }

  /** Mark the figures as possibly behind (or current again): every screen hears it at the next housekeeping tick. */
  setStale(stale: boolean): void {
    if (stale === this.stale) return
    this.stale = stale
    this.staleChanged = true
  }

  private sendSnapshot(socket: Socket, view: ScopeView): void {
    const now = this.now()
    const bytes = view.snapshotBytes(now)
    this.stats.snapshots++
    this.stats.snapshotBytes += bytes.length
    socket.emit(EVENTS.snapshot, bytes)
    // A snapshot is the same for every screen at its seq; whether it may be behind follows at once.
    if (this.stale) socket.emit(EVENTS.delta, encodeDelta({ ...view.heartbeat(now), stale: true }))
  }

  /**
   * One framing round: roll the clock, fold the changed grids once per window and note them in every view.
   * Each view with news gets its delta at its turn (a view still inside its frame-rate cap gets a later round).
   * Counts alone wait for news to carry them, at most one housekeeping period (`tickMs`) after they were noted:
   * no later than the old fixed tick showed them, and a street whose news comes a few times a second gets a
   * tenth fewer frames (most of its count changes ride along with the next new case).
   */
  round(): void {
    const t0 = performance.now()
    this.rounds++
    const now = this.now()
    this.lastRoundAt = now
    this.engine.setClock(now)
    const dirty = this.engine.takeDirty()
    const items = this.feed.take(now)
    if (dirty.all || dirty.grids.length || items.ticker.length || items.alerts.length) {
      for (const grids of this.windows.values()) grids.update(dirty)
      for (const view of this.views.values()) view.note(dirty, items, now)
    }
    let next = Infinity
    for (const view of this.views.values()) {
      if (!view.pending) continue
      const turn = view.lastSentAt + this.gapOf(view)
      const due = view.news ? turn : Math.max(turn, view.pendingSince + this.opts.tickMs)
      if (now >= due) this.send(view, view.take(now), now)
      else next = Math.min(next, due)
    }
    if (next < Infinity) this.scheduleRound(next)
    this.stats.ticks++
    this.stats.lastTickMs = performance.now() - t0
    this.stats.tickMsTotal += this.stats.lastTickMs
    if (this.stats.lastTickMs > this.stats.maxTickMs) this.stats.maxTickMs = this.stats.lastTickMs
  }

  /** The least time between two frames to this view's room. */
  private gapOf(view: ScopeView): number {
    return Math.max(this.frameMinMs, (this.nsp.adapter.rooms.get(view.key)?.size ?? 0) * this.msPerScreen)
  }

  /** Heartbeats for quiet rooms, snapshots for screens that drained, views nobody watches dropped. */
  housekeeping(): void {
    const now = this.now()
    this.round()
    const { drained, still } = this.slow.release()
    this.stats.skipped += still
    for (const socket of drained) {
      const data = socket.data as SocketData
      const view = data.view ? this.views.get(data.view) : undefined
      if (view) {
        this.stats.resyncs++
        this.sendSnapshot(socket, view)
      }
    }
    // A view framed in this very round already told its screens whether the figures may be behind; a second
    // frame in the same turn would find their websockets still busy with the first and park them all.
    for (const view of this.views.values())
      if ((!view.pending && now - view.lastSentAt >= this.heartbeatMs) || (this.staleChanged && view.lastRound !== this.rounds))
        this.send(view, view.heartbeat(now), now)
    this.staleChanged = false
    this.collect()
    this.stats.sockets = this.nsp.sockets.size
    this.stats.views = this.views.size
  }

  /** One frame to a room, encoded once; its backed-up screens are parked and sit it out. */
  private send(view: ScopeView, delta: Delta | null, now: number): void {
    if (!delta) return
    if (this.stale) delta.stale = true
    view.lastSentAt = now
    view.lastRound = this.rounds
    const bytes = encodeDelta(delta)
    this.stats.deltas++
    if ((delta.grids || delta.panels) && !delta.ticker && !delta.alerts) this.stats.countDeltas++
    this.stats.deltaBytes += bytes.length
    const e0 = performance.now()
    const frame = roomFrame(this.nsp, EVENTS.delta, bytes)
    // Local: each process builds the frames of its own screens (with a Redis adapter, a room broadcast would
    // also reach the same rooms on every other process).
    for (const socket of this.screensOf(view.key)) {
      if (this.slow.sitsOut(socket)) this.stats.skipped++
      else writeFrame(socket, frame)
    }
    this.stats.emitMsTotal += performance.now() - e0
  }

  private screensOf(room: string): Socket[] {
    let screens = this.screens.get(room)
    if (!screens) {
      screens = []
      for (const id of this.nsp.adapter.rooms.get(room) ?? []) {
        const socket = this.nsp.sockets.get(id)
        if (socket) screens.push(socket)
      }
      this.screens.set(room, screens)
    }
    return screens
  }

  /** Drop views nobody watches any more, and window grids no view uses. */
  private collect(): void {
    const rooms = this.nsp.adapter.rooms
    for (const key of this.views.keys()) if (!rooms.get(key)?.size) this.views.delete(key)
    const used = new Set([...this.views.values()].map((v) => v.window))
    for (const w of this.windows.keys()) if (!used.has(w)) this.windows.delete(w)
  }
}
