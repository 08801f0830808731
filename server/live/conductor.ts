// The wall conductor: one shared state per configured wall (ONESCREEN_WALLS), held here and broadcast to the
// wall's browsers in their room of the /live namespace. A browser that joins (first time, after a reload or a
// reconnect) gets the current state in the answer. A control key drives a wall (drive()); after `idleMs`
// without a drive, the wall returns to its tour at its default scope. State exists only for configured walls,
// so it stays bounded however long the wall runs.
//
// Scaled out, one conductor holds the walls: the writer's (the tablets' drives reach it over REST). A live
// process's conductor relays: its browsers' changes go to the writer (`forward`), which applies them in one
// order and broadcasts the result to the wall's room on every process; the live process keeps a mirror of
// the state (`mirror`) for browsers that join it. Every change is announced as 'change' for that.
import { EventEmitter } from 'node:events'
import type { Namespace, Socket } from 'socket.io'
import { APPLY_LEAD_MS, FRAME_LEAD, frameLeadFor, leadSettled, MAX_TOUR_HOLD_MS, WALL_EVENTS, type WallChange, type WallDrive, type WallJoinAck, type WallSetAck, type WallShared, type WallState } from '../../shared/conductor'
import { CODE_LENGTH, DISTRICT_CODE } from '../../shared/grid'
import { GRID_METRICS, WINDOWS } from '../../shared/protocol'
import type { WallProfile } from '../../shared/wall'

export interface ConductorOptions {
  idleMs: number
  /** May the socket's viewer see this grid? (a drill-down stays inside the viewer's scope) */
  covers: (socket: Socket, scope: string) => boolean
  now?: () => number
  /** A live process of a scaled-out deployment: a browser's change goes here (to the writer) instead of being applied. */
  forward?: (name: string, patch: WallShared) => void
  /**
   * The version the walls start at (default 0). A writer of a scaled-out deployment starts at its clock, so
   * after a restart its changes are newer than those the browsers on live processes (which stay connected
   * and do not rejoin) already hold.
   */
  firstVersion?: number
}

const room = (name: string) => `\u0000wall:${name}`
/** A browser's reported hold counts this long (browsers report every HOLD_REPORT_MS; a closed one drops out). */
const HOLD_TTL_MS = 90_000
/** A new frame lead starts this long after it is announced: every browser has the change by then. */
const LEAD_SWITCH_MS = 1000
const ALERT_ID = /^[A-Za-z0-9-]{1,40}$/
const GRID_CODE = new RegExp(`^[0-9]{${CODE_LENGTH[0]},${CODE_LENGTH[4]}}$`)

export class WallConductor extends EventEmitter<{ change: [name: string, change: WallChange] }> {
  private readonly states = new Map<string, WallState>()
  private readonly defaults = new Map<string, WallState>()
  private readonly idle = new Map<string, ReturnType<typeof setTimeout>>()
  /** Per wall, each browser's last reported hold (bounded by the wall's browsers). */
  private readonly holds = new Map<string, Map<number, { ms: number; at: number }>>()
  private readonly now: () => number

  constructor(private readonly nsp: Namespace, walls: WallProfile[], private readonly opts: ConductorOptions) {
    super()
    this.now = opts.now ?? Date.now
    for (const w of walls) {
      const s: WallState = { scope: w.scope ?? DISTRICT_CODE, window: w.window ?? 'today', metric: 'received', case: null, driver: null, camera: null, tourStep: 0, drill: null, takeover: null, version: opts.firstVersion ?? 0,
        lead: { ms: FRAME_LEAD.start, since: 0, before: FRAME_LEAD.start } }
      this.defaults.set(w.name, s)
      this.states.set(w.name, s)
    }
    nsp.on('connection', (socket) => this.connect(socket))
  }

  state(name: string): WallState | undefined {
    return this.states.get(name)
  }

  /** The wall a browser has joined, if any. */
  wallOf(socket: Socket): string | null {
    return (socket.data as { wall?: string }).wall ?? null
  }

  /** The browsers of a wall connected to this process. */
  members(name: string): Socket[] {
    const ids = this.nsp.adapter.rooms.get(room(name)) ?? new Set<string>()
    return [...ids].map((id) => this.nsp.sockets.get(id)).filter((s): s is Socket => s !== undefined)
  }

  private connect(socket: Socket): void {
    let joined: string | null = null
    socket.on(WALL_EVENTS.join, (name: unknown, ack?: (a: WallJoinAck) => void) => {
      const answer = (a: WallJoinAck) => (typeof ack === 'function' ? ack(a) : undefined)
      const state = typeof name === 'string' ? this.states.get(name) : undefined
      if (!state) return answer({ ok: false, error: `no wall "${String(name)}" (walls: ${[...this.states.keys()].join(', ') || 'none configured'})` })
      if (joined && joined !== name) void socket.leave(room(joined))
      joined = name as string
      ;(socket.data as { wall?: string }).wall = joined
      void socket.join(room(joined))
      const now = this.now()
      answer({ ok: true, change: { state, applyAt: now }, serverNow: now })
    })
    socket.on(WALL_EVENTS.time, (ack?: (serverNow: number) => void) => {
      if (typeof ack === 'function') ack(this.now())
    })
    socket.on(WALL_EVENTS.set, (patch: WallShared, ack?: (a: WallSetAck) => void) => {
      const answer = (a: WallSetAck) => (typeof ack === 'function' ? ack(a) : undefined)
      if (!joined) return answer({ ok: false, error: 'join a wall first (wall:join)' })
      const problem = this.sharedProblem(socket, patch)
      if (problem) return answer({ ok: false, error: problem })
      const { camera: c, tourStep, drill, takeover, window, metric, tourHeldUntil, hold: h } = patch
      // Only the fields it knows, rebuilt: nothing else a browser sends is passed on to the others.
      const camera = c ? { lon: c.lon, lat: c.lat, zoom: c.zoom, ...(c.grid != null ? { grid: c.grid } : {}) } : c
      const hold = h ? { browser: h.browser, ms: h.ms } : undefined
      const known = { camera, tourStep, drill, takeover, window, metric, tourHeldUntil, hold }
      const shared: WallShared = Object.fromEntries(Object.entries(known).filter(([, v]) => v !== undefined))
      if (this.opts.forward) this.opts.forward(joined, shared)
      else this.take(joined, shared)
      answer({ ok: true })
    })
  }

  private sharedProblem(socket: Socket, p: WallShared): string | null {
    if (typeof p !== 'object' || p === null) return 'expected an object of what changes'
    const c = p.camera
    if (c != null && !(Number.isFinite(c.lon) && Number.isFinite(c.lat) && Number.isFinite(c.zoom)))
      return 'camera must be { lon, lat, zoom } numbers, or null'
    if (c?.grid != null && !(typeof c.grid === 'string' && GRID_CODE.test(c.grid) && this.opts.covers(socket, c.grid)))
      return `camera.grid "${String(c.grid)}" is not a grid this screen may see`
    if (p.window !== undefined && !WINDOWS.includes(p.window)) return `window must be one of ${WINDOWS.join(', ')}`
    if (p.metric !== undefined && !GRID_METRICS.includes(p.metric)) return `metric must be one of ${GRID_METRICS.join(', ')}`
    const held = p.tourHeldUntil
    if (held !== undefined && !(Number.isFinite(held) && held <= this.now() + MAX_TOUR_HOLD_MS))
      return `tourHeldUntil must be a time (ms) at most ${MAX_TOUR_HOLD_MS / 60_000} minutes ahead`
    if (p.tourStep !== undefined && !(Number.isInteger(p.tourStep) && p.tourStep >= 0 && p.tourStep < 1000))
      return 'tourStep must be a whole number from 0'
    if (p.drill != null && !(typeof p.drill === 'string' && this.opts.covers(socket, p.drill)))
      return `drill "${String(p.drill)}" is not a grid this screen may see`
    if (p.takeover != null && !(typeof p.takeover === 'string' && ALERT_ID.test(p.takeover))) return 'takeover must be an alert id, or null'
    const h = p.hold
    if (h !== undefined && !(typeof h === 'object' && h !== null && Number.isInteger(h.browser) && h.browser >= 0 && h.browser <= 64 && Number.isFinite(h.ms) && h.ms >= 0 && h.ms <= 60_000))
      return 'hold must be { browser: 0–64, ms: 0–60000 }'
    return null
  }

  /**
   * A control key sends the wall somewhere (the caller has checked the key and its scope). The wall shows
   * who drives it, and returns to its tour `idleMs` after the last drive.
   */
  drive(name: string, to: WallDrive, driver: string): WallChange {
    const state = this.states.get(name)!
    clearTimeout(this.idle.get(name))
    const timer = setTimeout(() => this.release(name), this.opts.idleMs)
    timer.unref()
    this.idle.set(name, timer)
    const pointed = to.scope !== undefined && to.scope !== state.scope
    return this.change(name, {
      ...to, driver: { name: driver, until: this.now() + this.opts.idleMs },
      // A new scope starts undrilled, at that scope's own view.
      ...(pointed ? { drill: null, camera: null } : {}),
    })
  }

  /** Back to the tour at the wall's default scope and window. */
  release(name: string): void {
    clearTimeout(this.idle.get(name))
    this.idle.delete(name)
    const d = this.defaults.get(name)!
    this.change(name, { scope: d.scope, window: d.window, metric: d.metric, case: null, drill: null, camera: null, driver: null })
  }

  /** A change a browser of the wall made on another process (checked there). Unknown walls are ignored. */
  share(name: string, patch: WallShared): WallChange | null {
    return this.states.has(name) ? this.take(name, patch) : null
  }

  /** A browser's change: what it shares, and its hold, which may move the wall's frame lead. */
  private take(name: string, { hold, ...shared }: WallShared): WallChange | null {
    const lead = hold ? this.leadAfter(name, hold) : null
    if (!lead && !Object.keys(shared).length) return null
    return this.change(name, lead ? { ...shared, lead } : shared)
  }

  /** The wall's new frame lead once this hold is counted, or null if it stays. At most one switch at a time: the
   *  next waits until the last has settled (shared/conductor.ts leadSettled), as a lead knows only the one before. */
  private leadAfter(name: string, hold: { browser: number; ms: number }): WallState['lead'] | null {
    const now = this.now()
    let holds = this.holds.get(name)
    if (!holds) this.holds.set(name, (holds = new Map()))
    holds.set(hold.browser, { ms: hold.ms, at: now })
    for (const [b, h] of holds) if (h.at < now - HOLD_TTL_MS) holds.delete(b)
    const lead = this.states.get(name)!.lead
    if (now < leadSettled(lead)) return null
    const ms = frameLeadFor([...holds.values()].map((h) => h.ms), lead.ms)
    return ms === null ? null : { ms, since: now + LEAD_SWITCH_MS, before: lead.ms }
  }

  /**
   * The state the writer's conductor holds (a live process's copy, for browsers that join here). An announced
   * change older than the copy is ignored; `whole` (the writer's own list of its walls) replaces it anyway.
   */
  mirror(name: string, state: WallState, whole = false): void {
    const held = this.states.get(name)
    if (held && (whole ? state.version !== held.version : state.version > held.version)) this.states.set(name, state)
  }

  /** Every wall's state, by name. */
  all(): Record<string, WallState> {
    return Object.fromEntries(this.states)
  }

  private change(name: string, patch: Partial<WallState>): WallChange {
    const prev = this.states.get(name)!
    const state: WallState = { ...prev, ...patch, version: prev.version + 1 }
    this.states.set(name, state)
    const change = { state, applyAt: this.now() + APPLY_LEAD_MS }
    // A broadcast (not local): with the Redis adapter the wall's browsers on every live process hear it.
    this.nsp.to(room(name)).emit(WALL_EVENTS.state, change)
    this.emit('change', name, change)
    return change
  }

  dispose(): void {
    for (const t of this.idle.values()) clearTimeout(t)
    this.idle.clear()
  }
}
