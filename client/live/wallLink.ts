// A wall browser's link to its wall's shared state (server/live/conductor.ts), on the live client's socket:
// joins the wall on every connect (so a reload or a reconnect starts from the wall's current state), learns
// its offset from the server's clock, and applies each change at its apply-at time, so every browser of the
// wall changes in the same frame. Older changes (a late packet) are dropped. The offset comes from the
// quickest of a few round trips, sampled again now and then: one round trip (the join's) is answered while
// the page is busiest starting up, and was measured 15–30 ms off, the skew between two browsers at rest.
import type { Socket } from 'socket.io-client'
import { WALL_EVENTS, type WallChange, type WallJoinAck, type WallSetAck, type WallShared, type WallState } from '../../shared/conductor'

/** Round trips per clock sample, the pause between them, and how often the clock is sampled again. */
const CLOCK_PINGS = 5
const CLOCK_GAP_MS = 200
const CLOCK_EVERY_MS = 60_000

/** One round trip to the server's clock: sent and received on this one, the server's answer in between. */
export interface ClockSample {
  sent: number
  received: number
  serverNow: number
}

/** A clock offset, the round trip it was taken from and when (this clock). The server read its clock between
 *  the send and the answer, so the true offset is within half the round trip of `offset`. */
export interface ClockOffset {
  offset: number
  rtt: number
  at: number
}

/** Server clock minus this one, from the quickest round trip (the least room for a one-sided delay). */
const quickest = (samples: readonly ClockSample[]): ClockOffset | null => {
  let best: ClockSample | null = null
  for (const s of samples) if (!best || s.received - s.sent < best.received - best.sent) best = s
  return best ? { offset: best.serverNow - (best.sent + best.received) / 2, rtt: best.received - best.sent, at: best.received } : null
}

/** How fast two clocks may drift apart (ms per ms): a PC's quartz without NTP is within ~50 ppm. */
const CLOCK_DRIFT = 100e-6

/** How far (ms) the true offset may be from `o` by `now`: half its round trip, plus the drift since. */
const errorOf = (o: ClockOffset, now: number): number => o.rtt / 2 + CLOCK_DRIFT * Math.max(0, now - o.at)

/**
 * The offset after a new round of samples: the one of the two that is surer by now. A round taken while the page
 * was busy (a map frame held it ~1 s, so every answer waited) is not: traced on a wall without a GPU, such a round
 * put one browser's offset 500 ms off, and it applied every frame that much later than the other until the next
 * round a minute after. Nor is a round of 30 ms trips over one of 2 ms a minute old (15 ms off against 7 at most).
 * When the two cannot both be right, this clock was set meanwhile (NTP): the new round stands.
 */
export function nextOffset(held: ClockOffset | null, samples: readonly ClockSample[]): ClockOffset | null {
  const q = quickest(samples)
  if (!q || !held) return q ?? held
  const heldError = errorOf(held, q.at)
  const moved = Math.abs(q.offset - held.offset) > heldError + q.rtt / 2
  return moved || q.rtt / 2 <= heldError ? q : held
}

export interface WallLinkOptions {
  /** Called with the wall's state at the moment to show it. */
  onState: (state: WallState) => void
  onError?: (message: string) => void
}

export class WallLink {
  /** Server clock minus this browser's clock (ms), from the last join. */
  offset = 0
  /** The offset's round trip and moment (nextOffset), null before the first. */
  private clock: ClockOffset | null = null
  state: WallState | null = null
  private readonly timers = new Set<ReturnType<typeof setTimeout>>()
  /** Counts joins: a clock sampling of an older connection stops. */
  private joins = 0
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
    // The server answered about halfway through the round trip; quicker round trips follow.
    const first = { sent, received: Date.now(), serverNow: ack.serverNow }
    this.clock = nextOffset(null, [first])
    this.offset = this.clock!.offset
    this.apply(ack.change.state, true)
    void this.sampleClock(++this.joins, [first])
  }

  /** A few round trips, the quickest taken; again every CLOCK_EVERY_MS while this connection lasts. */
  private async sampleClock(join: number, samples: ClockSample[]): Promise<void> {
    for (let k = 0; k < CLOCK_PINGS; k++) {
      await this.pause(CLOCK_GAP_MS)
      if (join !== this.joins || !this.socket.connected) return
      const sent = Date.now()
      try {
        const serverNow = (await this.socket.timeout(3000).emitWithAck(WALL_EVENTS.time)) as number
        if (Number.isFinite(serverNow)) samples.push({ sent, received: Date.now(), serverNow })
      } catch {
        // No answer (a server without the clock): the samples so far stand.
      }
    }
    if (join !== this.joins) return
    this.clock = nextOffset(this.clock, samples)
    this.offset = this.clock!.offset
    await this.pause(CLOCK_EVERY_MS)
    if (join === this.joins) void this.sampleClock(join, [])
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t)
        resolve()
      }, ms)
      this.timers.add(t)
    })
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
    this.joins++
    this.socket.off('connect', this.onConnect)
    this.socket.off(WALL_EVENTS.state, this.onChange)
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
  }
}
