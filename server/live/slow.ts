// Slow screens: a screen whose connection is still busy with earlier frames is parked in SLOW_ROOM and sits
// frames out, so it never holds up the others and the server never queues more than the frame in flight for
// it; once drained it leaves the room (and the hub sends it a fresh snapshot).
//
// engine.io hands a connection's packets to its transport only while the transport is writable (a websocket
// whose last write has gone out, a long-polling screen's waiting request); until then they wait in the
// connection's buffer. Only public engine.io API is used, not its private fields:
// - a websocket is busy while its transport is not `writable` (what Socket.IO's own volatile packets check):
//   its last frame has not been handed to the kernel yet, so the next one would wait behind it;
// - a long-polling screen is between requests most of the time, so it is busy only when more than a few
//   packets wait for its next request; that buffer is counted through the connection's `packetCreate` (adds
//   one) and `drain` (handed on) events, listened to only while the screen is on polling: on a websocket they
//   would run for every frame written to every screen;
// - a websocket screen's frames are written onto its TCP socket directly (room-frame.ts), so it is also busy
//   while that socket holds bytes the kernel has not taken yet (Node's public `writableLength`).
import type { Namespace, Socket } from 'socket.io'
import { websocketWire } from './room-frame'

/** Room of the sockets currently skipped because their connection is backed up (replay frames skip it too). */
export const SLOW_ROOM = '\u0000slow'
/** Messages waiting for a long-polling screen's next request beyond which it counts as backed up. */
const MAX_WAITING_POLLING = 4

interface Backlog {
  slow?: boolean
  /** Long-polling only: packets in the connection's buffer, not yet handed to its transport. */
  waiting?: number
}

export class SlowScreens {
  constructor(private readonly nsp: Namespace) {}

  /** Start watching a new connection: a long-polling one's buffer is counted until it upgrades. */
  track(socket: Socket): void {
    const conn = socket.conn
    if (conn.transport.name !== 'polling') return
    const data = socket.data as Backlog
    data.waiting = 0
    const add = () => data.waiting!++
    const drained = () => (data.waiting = 0)
    conn.on('packetCreate', add)
    conn.on('drain', drained)
    conn.once('upgrade', () => {
      conn.off('packetCreate', add)
      conn.off('drain', drained)
      data.waiting = undefined
    })
  }

  /** A long-polling screen collects what waits at its next request, so a frame or two waiting there is normal. */
  backedUp(socket: Socket): boolean {
    const transport = socket.conn.transport
    // Writable: nothing waits in engine.io (it hands its buffer on the moment the transport can take it), and
    // nothing in the TCP socket the frames are written to.
    if (transport.writable) return (websocketWire(socket)?.writableLength ?? 0) > 0
    if (transport.name === 'polling') return ((socket.data as Backlog).waiting ?? 0) > MAX_WAITING_POLLING
    return !transport.writable
  }

  /** Before a frame goes to this screen: park it if backed up. True when it sits the frame out. */
  sitsOut(socket: Socket): boolean {
    const data = socket.data as Backlog
    if (!data.slow && this.backedUp(socket)) {
      data.slow = true
      void socket.join(SLOW_ROOM)
    }
    return data.slow === true
  }

  /** Let the parked screens that have drained go; returns them, and how many are still backed up. */
  release(): { drained: Socket[]; still: number } {
    const drained: Socket[] = []
    let still = 0
    for (const id of [...(this.nsp.adapter.rooms.get(SLOW_ROOM) ?? [])]) {
      const socket = this.nsp.sockets.get(id)
      if (!socket) continue
      if (this.backedUp(socket)) {
        still++
        continue
      }
      ;(socket.data as Backlog).slow = false
      void socket.leave(SLOW_ROOM)
      drained.push(socket)
    }
    return { drained, still }
  }
}
