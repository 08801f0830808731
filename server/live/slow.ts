// Slow screens: a screen whose connection is still busy with earlier frames is parked in SLOW_ROOM and sits
// frames out, so it never holds up the others and the server never queues more than the frame in flight for
// it; once drained it leaves the room (and the hub sends it a fresh snapshot).
//
// engine.io hands a connection's packets to its transport only while the transport is writable (a websocket
// whose last write has gone out, a long-polling screen's waiting request); until then they wait in the
// connection's buffer. That buffer is counted here through engine.io's public events (`packetCreate` adds one,
// `drain` means it was handed on), not read from engine.io's private fields.
import type { Namespace, Socket } from 'socket.io'

/** Room of the sockets currently skipped because their connection is backed up (replay frames skip it too). */
export const SLOW_ROOM = '\u0000slow'
/** Messages waiting for a long-polling screen's next request beyond which it counts as backed up. */
const MAX_WAITING_POLLING = 4

interface Backlog {
  slow?: boolean
  /** Packets in the connection's buffer, not yet handed to its transport. */
  waiting?: number
}

export class SlowScreens {
  constructor(private readonly nsp: Namespace) {}

  /** Start counting a new connection's buffer. */
  track(socket: Socket): void {
    const data = socket.data as Backlog
    data.waiting = 0
    socket.conn.on('packetCreate', () => data.waiting!++)
    socket.conn.on('drain', () => (data.waiting = 0))
  }

  /** A long-polling screen collects what waits at its next request, so a frame or two waiting there is normal. */
  backedUp(socket: Socket): boolean {
    const waiting = (socket.data as Backlog).waiting ?? 0
    return socket.conn.transport.name === 'polling' ? waiting > MAX_WAITING_POLLING : waiting > 0
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
