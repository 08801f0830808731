// A wall browser's link to its wall's shared state (server/live/conductor.ts), on the live client's socket:
// joins the wall on every connect (so a reload or a reconnect starts from the wall's current state), learns
// its offset from the server's clock from the join answer, and applies each change at its apply-at time, so
// every browser of the wall changes in the same frame. Older changes (a late packet) are dropped.
import type { Socket } from 'socket.io-client'
import { WALL_EVENTS, type WallChange, type WallJoinAck, type WallSetAck, type WallShared, type WallState } from '../../shared/conductor'

export interface WallLinkOptions {
  /** Called with the wall's state at the moment to show it. */
  onState: (state: WallState) => void
  onError?: (message: string) => void
}

export class WallLink {
  /** Server clock minus this browser's clock (ms), from the last join. */
  offset = 0
  state: WallState | null = null
  private readonly timers = new Set<ReturnType<typeof setTimeout>>()
  private readonly onConnect = () => void this.join()
  private readonly onChange = (c: WallChange) => this.schedule(c)

  constructor(private readonly socket: Socket, readonly wall: string, private readonly opts: WallLinkOptions) {
    socket.on('connect', this.onConnect)
    socket.on(WALL_EVENTS.state, this.onChange)
    if (socket.connected) void this.join()
  }

  private async join(): Promise<void> {
    const sent = Date.now()
    let ack: WallJoinAck
    try {
      ack = (await this.socket.timeout(3000).emitWithAck(WALL_EVENTS.join, this.wall)) as WallJoinAck
    } catch {
      return this.opts.onError?.('the wall did not answer')
    }
    if (!ack.ok) return this.opts.onError?.(ack.error)
    // The server answered about halfway through the round trip.
    this.offset = ack.serverNow - (sent + Date.now()) / 2
    this.apply(ack.change.state, true)
  }

  /** Share a change with the wall's other browsers (camera, tour step, drill-down, takeover). */
  async share(patch: WallShared): Promise<WallSetAck> {
    return (await this.socket.timeout(3000).emitWithAck(WALL_EVENTS.set, patch)) as WallSetAck
  }

  private schedule(c: WallChange): void {
    const wait = c.applyAt - this.offset - Date.now()
    if (wait <= 0) return this.apply(c.state)
    const t = setTimeout(() => {
      this.timers.delete(t)
      this.apply(c.state)
    }, wait)
    this.timers.add(t)
  }

  private apply(state: WallState, joined = false): void {
    // After a join the server's state wins even if its version is lower (the server restarted).
    if (!joined && this.state && state.version <= this.state.version) return
    this.state = state
    this.opts.onState(state)
  }

  dispose(): void {
    this.socket.off('connect', this.onConnect)
    this.socket.off(WALL_EVENTS.state, this.onChange)
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
  }
}
