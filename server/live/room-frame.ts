// A frame to a room's screens, made into a websocket message once. Socket.IO's room broadcast encodes the
// packet once, but then every screen's connection frames it again for the websocket (ws builds a header and
// writes header and body as two parts); Socket.IO skips that only for text broadcasts, by handing engine.io
// the finished websocket message (`wsPreEncodedFrame`). Live frames are binary, so here the same is done for
// them: one message, header and body in one buffer, and each connection makes one plain write of it. A
// screen on long-polling gets the packet encoded as usual (engine.io uses the pre-encoded message only on a
// websocket without compression).
//
// A screen whose connection was opened as a websocket (every browser's first choice) gets the message written
// straight onto that connection's TCP socket: the socket the upgrade request came in on, which is the one ws
// writes to (engine.io keeps that request as the connection's public `request`). engine.io's write would wrap
// the same bytes in a packet object, five events and a send callback that fires two more, for every screen and
// frame (bench:live, paired: 15–24 % less server CPU per report without them). Whether such a screen is backed up is
// then its TCP socket's own buffer (slow.ts); what engine.io sends itself (snapshots, pings) keeps its order,
// since a frame is only written while engine.io has nothing waiting.
import { createRequire } from 'node:module'
import type { Socket as TcpSocket } from 'node:net'
import type { Namespace, Socket } from 'socket.io'
import { PacketType } from 'socket.io-parser'

interface FrameOptions {
  fin: boolean
  rsv1: boolean
  opcode: number
  mask: boolean
  readOnly: boolean
}
/**
 * ws's own framing (what Socket.IO's adapter calls for its text broadcasts); not in ws's published types. Loaded
 * by Node's own resolution: under Vitest, a test run that also loads client code can resolve `ws` to its
 * browser stub (which has no Sender), and the live hub failed to load in the full suite.
 */
const wsFrame = (createRequire(import.meta.url)('ws') as { Sender: { frame(data: Buffer, o: FrameOptions): Buffer[] } }).Sender.frame
const BINARY = 2

export interface RoomFrame {
  /** The Socket.IO packets of the event, as the namespace's parser encodes them. */
  packets: unknown[]
  /** engine.io write options: the finished websocket message, when the event is one binary packet. */
  options: { wsPreEncodedFrame?: Buffer[] }
}

/** Encode `event(bytes)` for the namespace's screens once. */
export function roomFrame(nsp: Namespace, event: string, bytes: Uint8Array): RoomFrame {
  const packets = nsp.server.encoder.encode({ type: PacketType.EVENT, nsp: nsp.name, data: [event, bytes] }) as unknown[]
  const only = packets.length === 1 ? packets[0] : null
  if (!(only instanceof Uint8Array)) return { packets, options: {} }
  const body = Buffer.from(only.buffer, only.byteOffset, only.byteLength)
  const message = Buffer.concat(wsFrame(body, { fin: true, rsv1: false, opcode: BINARY, mask: false, readOnly: false }))
  return { packets, options: { wsPreEncodedFrame: [message] } }
}

/** Each screen's websocket TCP socket, or null, found at its first frame (a connection keeps its kind). */
const wires = new WeakMap<Socket, TcpSocket | null>()

/**
 * The TCP socket a screen's websocket runs on, when its connection was opened as a websocket and is open; null
 * otherwise (long-polling, or a connection upgraded from it: its first request came on another connection).
 */
export function websocketWire(socket: Socket): TcpSocket | null {
  let wire = wires.get(socket)
  if (wire === undefined) {
    const conn = socket.conn
    const opened = conn.transport.name === 'websocket' && conn.request.headers.upgrade?.toLowerCase() === 'websocket'
    wire = opened ? (conn.request.socket as TcpSocket) : null
    wires.set(socket, wire)
  }
  return wire !== null && wire.writable && socket.conn.readyState === 'open' ? wire : null
}

/** Hand the frame to one screen's connection (engine.io buffers it while the connection is busy). */
export function writeFrame(socket: Socket, frame: RoomFrame): void {
  const message = frame.options.wsPreEncodedFrame?.[0]
  const wire = message ? websocketWire(socket) : null
  if (wire) wire.write(message!)
  else for (const packet of frame.packets) socket.conn.write(packet as Buffer, frame.options as { compress?: boolean })
}
