// A live frame is made into its websocket message once per room (server/live/room-frame): the message must be
// exactly what ws would have sent, and every screen, on a websocket or on long-polling, gets the frame's bytes.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createServer, type Server as HttpServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Server } from 'socket.io'
import { io, type Socket as ClientSocket } from 'socket.io-client'
import { liveParser } from '../../../shared/socket-parser'
import { roomFrame, websocketWire, writeFrame } from '../../../server/live/room-frame'
import { SlowScreens } from '../../../server/live/slow'
import { until } from '../../until'

/** The payload of one unmasked, final binary websocket message (RFC 6455 §5.2), or an error. */
function unframe(m: Buffer): Buffer {
  expect(m[0]).toBe(0x82) // FIN, opcode 2 (binary)
  let len = m[1]
  let at = 2
  expect(len & 0x80).toBe(0) // a server's messages are not masked
  if (len === 126) (len = m.readUInt16BE(2)), (at = 4)
  else if (len === 127) (len = Number(m.readBigUInt64BE(2))), (at = 10)
  expect(m.length).toBe(at + len)
  return m.subarray(at)
}

describe('room frames', () => {
  let http: HttpServer
  let server: Server
  let url: string
  const clients: ClientSocket[] = []

  beforeAll(async () => {
    http = createServer()
    server = new Server(http, { parser: liveParser, transports: ['websocket', 'polling'] })
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r))
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/live`
  })
  afterAll(async () => {
    for (const c of clients) c.disconnect()
    await server.close()
  })

  test.each([10, 1000, 70_000])('a %d-byte frame is one binary websocket message of the packet, header included', (n) => {
    const bytes = Uint8Array.from({ length: n }, (_, i) => i % 251)
    const f = roomFrame(server.of('/live'), 'delta', bytes)
    expect(f.packets).toHaveLength(1)
    const [message] = f.options.wsPreEncodedFrame!
    expect(unframe(message).equals(Buffer.from(f.packets[0] as Uint8Array))).toBe(true)
  })

  test('the standard parser (two packets for a binary event) is sent as usual, without a pre-encoded message', () => {
    const plain = new Server() // not attached to an HTTP server: nothing to close
    const f = roomFrame(plain.of('/live'), 'delta', new Uint8Array([1, 2, 3]))
    expect(f.packets).toHaveLength(2)
    expect(f.options.wsPreEncodedFrame).toBeUndefined()
  })

  test('screens on a websocket and on long-polling receive the frame bytes', async () => {
    const got: Uint8Array[][] = [[], []]
    for (const [i, transports] of [['websocket'], ['polling']].entries()) {
      const c = io(url, { transports, parser: liveParser, forceNew: true, reconnection: false })
      c.on('delta', (b: Uint8Array) => got[i].push(new Uint8Array(b)))
      clients.push(c)
    }
    await until('both connected', () => server.of('/live').sockets.size === 2)
    const bytes = Uint8Array.from({ length: 3000 }, (_, i) => (i * 7) % 256)
    const f = roomFrame(server.of('/live'), 'delta', bytes)
    for (const socket of server.of('/live').sockets.values()) writeFrame(socket, f)
    await until('both received', () => got[0].length === 1 && got[1].length === 1)
    expect(got[0][0]).toEqual(bytes)
    expect(got[1][0]).toEqual(bytes)
  })

  test('a screen that opened on a websocket gets the message on its TCP socket, past engine.io; one upgraded from polling through engine.io', async () => {
    const before = server.of('/live').sockets.size
    const got: Uint8Array[][] = [[], []]
    const opened = [['websocket'], ['polling', 'websocket']]
    for (const [i, transports] of opened.entries()) {
      const c = io(url, { transports, parser: liveParser, forceNew: true, reconnection: false })
      c.on('delta', (b: Uint8Array) => got[i].push(new Uint8Array(b)))
      clients.push(c)
    }
    await until('both connected and upgraded', () => {
      const fresh = [...server.of('/live').sockets.values()].slice(before)
      return fresh.length === 2 && fresh.every((s) => s.conn.transport.name === 'websocket')
    })
    const [ws, upgraded] = [...server.of('/live').sockets.values()].slice(before)
    expect(websocketWire(ws)).toBe(ws.conn.request.socket)
    expect(websocketWire(upgraded)).toBeNull()
    const created = [0, 0]
    ws.conn.on('packetCreate', () => created[0]++)
    upgraded.conn.on('packetCreate', () => created[1]++)
    const bytes = Uint8Array.from({ length: 500 }, (_, i) => (i * 3) % 256)
    const f = roomFrame(server.of('/live'), 'delta', bytes)
    for (let k = 0; k < 3; k++) for (const s of [ws, upgraded]) writeFrame(s, f)
    await until('both received three', () => got[0].length === 3 && got[1].length === 3)
    for (const g of got) for (const b of g) expect(b).toEqual(bytes)
    expect(created).toEqual([0, 3])
  })

  test('a websocket screen whose TCP socket still holds a frame the kernel has not taken counts as backed up', async () => {
    const before = server.of('/live').sockets.size
    let received = 0
    const c = io(url, { transports: ['websocket'], parser: liveParser, forceNew: true, reconnection: false })
    c.on('delta', () => received++)
    clients.push(c)
    await until('connected', () => server.of('/live').sockets.size === before + 1)
    const screen = [...server.of('/live').sockets.values()][before]
    const slow = new SlowScreens(server.of('/live'))
    expect(slow.backedUp(screen)).toBe(false)
    // More than the kernel takes at once: the rest waits in the socket (engine.io knows nothing of it).
    writeFrame(screen, roomFrame(server.of('/live'), 'delta', new Uint8Array(32 * 1024 * 1024)))
    expect(screen.conn.transport.writable).toBe(true)
    expect(slow.backedUp(screen)).toBe(true)
    await until('received', () => received === 1, 15_000)
    expect(slow.backedUp(screen)).toBe(false)
  })
})
