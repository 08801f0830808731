// Replays on the screens: the `replay` command of the live namespace. A screen (or every browser of a wall)
// leaves its live room and joins its replay's room, where the replay's frames go: the same snapshot and
// delta events as live, so the screen's code does not change. A replay belongs to its owner (the screen,
// or the wall it is part of) and ends when the last of its screens leaves, disconnects, subscribes to live
// again, or says stop.
import type { Namespace, Socket } from 'socket.io'
import { EVENTS, WINDOWS, type Window } from '../../shared/protocol'
import { MAX_SPEED, MIN_SPEED, REPLAY_EVENTS, type ReplayAck, type ReplayCommand, type ReplayStatus } from '../../shared/replay'
import { SLOW_ROOM, type LiveHub } from '../live/hub'
import { WALL_EVENTS } from '../../shared/conductor'
import { ReplayError, type ReplayHandle, type ReplayPool } from './pool'

interface Group {
  owner: string
  /** The wall whose browsers replay together, or null for one screen. */
  wall: string | null
  room: string
  sockets: Set<Socket>
  handle: ReplayHandle | null
  /** Commands wait for the replay to have started. */
  started: Promise<ReplayHandle>
}

export interface ScreensOptions {
  /** May this screen watch this scope (the viewer token's subtree)? */
  covers(socket: Socket, scope: string): boolean
  /** The wall a screen is a browser of: its replay is the wall's. */
  wallOf?(socket: Socket): string | null
  /** The browsers of a wall (on this process). */
  wallMembers?(wall: string): Socket[]
  /** The moments a replay may show: not before the log began, not after now. */
  logStart(): number
}

type Start = Extract<ReplayCommand, { op: 'start' }>

/** A wall's replay is the wall's, whichever of its browsers (or its control) started it. */
const wallOwner = (wall: string) => `wall:${wall}`

export class ReplayScreens {
  private readonly groups = new Map<string, Group>()
  private readonly groupOf = new Map<string, Group>()

  constructor(
    private readonly nsp: Namespace,
    private readonly pool: ReplayPool,
    private readonly hub: LiveHub,
    private readonly opts: ScreensOptions,
  ) {
    nsp.on('connection', (socket) => this.connect(socket))
  }

  get replays(): number {
    return this.groups.size
  }

  private connect(socket: Socket): void {
    socket.on(REPLAY_EVENTS.command, (cmd: ReplayCommand, ack?: (a: ReplayAck) => void) => {
      const answer = (a: ReplayAck) => (typeof ack === 'function' ? ack(a) : undefined)
      this.fromScreen(socket, cmd).then(
        (status) => answer({ ok: true, status }),
        (e: Error) => answer({ ok: false, error: e instanceof ReplayError || e instanceof RangeError ? e.message : 'the replay failed' }),
      )
    })
    // A live subscription means the screen is back to live; a wall's browser that reconnected (and subscribes
    // as any screen does) stays in its wall's replay.
    socket.on(EVENTS.subscribe, () => {
      const g = this.groupOf.get(socket.id)
      if (g?.wall) this.join(g, socket)
      else this.leave(socket)
    })
    // A wall's browser that joins (again) while its wall replays takes part at once.
    socket.on(WALL_EVENTS.join, (name: unknown) => {
      const g = typeof name === 'string' ? this.groups.get(wallOwner(name)) : undefined
      if (g?.handle && this.opts.covers(socket, g.handle.status.scope)) this.join(g, socket)
    })
    socket.on(EVENTS.resync, () => {
      const g = this.groupOf.get(socket.id)
      if (g) void g.started.then((h) => h.command({ op: 'resync' })).catch(() => {})
    })
    socket.on('disconnect', () => this.leave(socket))
  }

  private async fromScreen(socket: Socket, cmd: ReplayCommand): Promise<ReplayStatus | null> {
    if (!cmd || typeof cmd !== 'object') throw new ReplayError('a replay command is an object with an op')
    const wall = this.opts.wallOf?.(socket) ?? null
    const owner = wall === null ? socket.id : wallOwner(wall)
    if (cmd.op === 'start') {
      this.check(socket, cmd.scope, cmd.window)
      if (wall === null) return this.start(owner, null, [socket], cmd)
      const members = this.wallScreens(wall)
      return this.start(owner, wall, members.includes(socket) ? members : [...members, socket], cmd)
    }
    if (cmd.op === 'view') this.check(socket, cmd.scope, cmd.window)
    return this.command(owner, cmd)
  }

  /** The browsers of a wall that may see a scope (a replay reaches no screen beyond its token). */
  private wallScreens(wall: string, scope?: string): Socket[] {
    const all = this.opts.wallMembers?.(wall) ?? []
    return scope === undefined ? all : all.filter((s) => this.opts.covers(s, scope))
  }

  /** Start a replay on a wall's browsers (the wall control, 大屏联动); the caller has checked its key. */
  startWall(wall: string, cmd: Start): Promise<ReplayStatus> {
    return this.start(wallOwner(wall), wall, this.wallScreens(wall, cmd.scope), cmd)
  }

  /** A command for a wall's replay (the wall control); stop ends it. */
  commandWall(wall: string, cmd: Exclude<ReplayCommand, Start>): Promise<ReplayStatus | null> {
    return this.command(wallOwner(wall), cmd)
  }

  /** The status of a wall's replay, or null when it shows live. */
  wallStatus(wall: string): ReplayStatus | null {
    return this.groups.get(wallOwner(wall))?.handle?.status ?? null
  }

  private async command(owner: string, cmd: Exclude<ReplayCommand, Start>): Promise<ReplayStatus | null> {
    if (cmd.op === 'stop') {
      this.stop(owner)
      return null
    }
    const g = this.groups.get(owner)
    if (!g) throw new ReplayError('this screen is not replaying; start a replay first')
    if (cmd.op === 'seek') this.moment(cmd.at, 'at')
    if (cmd.op === 'speed') this.speed(cmd.speed)
    if (cmd.op === 'step' && cmd.ms !== undefined && !(Number.isFinite(cmd.ms) && cmd.ms > 0)) throw new ReplayError('step ms must be a positive number')
    const handle = await g.started
    const status = await handle.command(cmd)
    handle.status = status
    this.nsp.to(g.room).emit(REPLAY_EVENTS.status, status)
    return status
  }

  /** Start (or restart) the owner's replay on these screens; their live frames stop. */
  private async start(owner: string, wall: string | null, sockets: Socket[], cmd: Start): Promise<ReplayStatus> {
    const at = this.moment(cmd.at, 'at')
    const until = cmd.until == null ? null : this.moment(cmd.until, 'until')
    if (until !== null && until <= at) throw new ReplayError('until must come after at', 'until', 422)
    if (sockets.length === 0) throw new ReplayError(`no browser of wall ${wall} is connected`, 'name')
    this.stop(owner)
    const room = `\u0000replay:${owner}`
    const g: Group = { owner, wall, room, sockets: new Set(), handle: null, started: null as unknown as Promise<ReplayHandle> }
    this.groups.set(owner, g)
    for (const s of sockets) this.join(g, s)
    g.started = this.pool.open(
      { scope: cmd.scope, window: cmd.window, at, until, speed: cmd.speed === undefined ? undefined : this.speed(cmd.speed), play: cmd.play },
      {
        frame: (kind, bytes) => this.nsp.to(room).except(SLOW_ROOM).emit(kind === 'snapshot' ? EVENTS.snapshot : EVENTS.delta, bytes),
        status: (s) => {
          if (g.handle) g.handle.status = s
          this.nsp.to(room).emit(REPLAY_EVENTS.status, s)
        },
      },
    )
    try {
      g.handle = await g.started
    } catch (e) {
      this.stop(owner)
      throw e
    }
    // Everyone left while it was starting.
    if (this.groups.get(owner) !== g) {
      g.handle.close()
      throw new ReplayError('the screens left before the replay started')
    }
    this.nsp.to(room).emit(REPLAY_EVENTS.status, g.handle.status)
    return g.handle.status
  }

  /** Add a screen to a running replay (a wall's browser that came back). */
  private join(group: Group, socket: Socket): boolean {
    const was = this.groupOf.get(socket.id)
    if (was && was !== group) this.leave(socket)
    this.hub.release(socket)
    group.sockets.add(socket)
    this.groupOf.set(socket.id, group)
    void socket.join(group.room)
    if (group.handle) {
      socket.emit(REPLAY_EVENTS.status, group.handle.status)
      void group.handle.command({ op: 'resync' }).catch(() => {})
    }
    return true
  }

  /** End the owner's replay; its screens are told (status null) and go back to live. */
  stop(owner: string): void {
    const g = this.groups.get(owner)
    if (!g) return
    this.groups.delete(owner)
    this.nsp.to(g.room).emit(REPLAY_EVENTS.status, null)
    for (const s of g.sockets) {
      this.groupOf.delete(s.id)
      void s.leave(g.room)
    }
    g.handle?.close()
  }

  private leave(socket: Socket): void {
    const g = this.groupOf.get(socket.id)
    if (!g) return
    this.groupOf.delete(socket.id)
    g.sockets.delete(socket)
    void socket.leave(g.room)
    if (g.sockets.size === 0) this.stop(g.owner)
  }

  private check(socket: Socket, scope: unknown, window: unknown): void {
    if (typeof scope !== 'string' || !scope) throw new ReplayError('scope must be a grid code')
    if (!WINDOWS.includes(window as Window)) throw new ReplayError(`window must be one of ${WINDOWS.join(', ')}`)
    if (!this.opts.covers(socket, scope)) throw new ReplayError(`this viewer token does not cover ${scope}`)
  }

  private moment(t: unknown, field: string): number {
    if (typeof t !== 'number' || !Number.isFinite(t)) throw new ReplayError(`${field} must be a time (ms since epoch)`, field, 422)
    if (t < this.opts.logStart())
      throw new ReplayError(`${field} ${new Date(t).toISOString()} is before the log begins (${new Date(this.opts.logStart()).toISOString()})`, field, 422)
    if (t > Date.now()) throw new ReplayError(`${field} ${new Date(t).toISOString()} is in the future`, field, 422)
    return t
  }

  private speed(s: unknown): number {
    if (typeof s !== 'number' || !(s >= MIN_SPEED && s <= MAX_SPEED)) throw new ReplayError(`speed must be ${MIN_SPEED}–${MAX_SPEED}`, 'speed', 422)
    return s
  }

  async close(): Promise<void> {
    for (const owner of [...this.groups.keys()]) this.stop(owner)
  }
}
