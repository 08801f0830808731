import { describe, expect, test } from 'vitest'
import { Decoder as StandardDecoder, Encoder as StandardEncoder, PacketType, type Packet } from 'socket.io-parser'
import { Decoder, Encoder } from '../../shared/socket-parser'

function roundTrip(packet: Packet, decoder = new Decoder()): { wire: unknown[]; out: Packet[] } {
  const wire = new Encoder().encode(packet)
  const out: Packet[] = []
  decoder.on('decoded', (p: Packet) => out.push(p))
  for (const part of wire) decoder.add(part)
  return { wire, out }
}

describe('live socket parser', () => {
  test('an event with one binary argument is one binary message and decodes back', () => {
    const bytes = Uint8Array.from([0xf7, 1, 2, 3, 250, 0])
    const { wire, out } = roundTrip({ type: PacketType.EVENT, nsp: '/live', data: ['delta', bytes] })
    expect(wire).toHaveLength(1)
    expect(wire[0]).toBeInstanceOf(Uint8Array)
    expect((wire[0] as Uint8Array).length).toBe(1 + 1 + 5 + 1 + 5 + bytes.length)
    expect(out).toHaveLength(1)
    expect(out[0].type).toBe(PacketType.EVENT)
    expect(out[0].nsp).toBe('/live')
    expect(out[0].data[0]).toBe('delta')
    expect(Array.from(out[0].data[1] as Uint8Array)).toEqual(Array.from(bytes))
  })

  test('an ArrayBuffer (as browsers deliver binary) decodes too', () => {
    const wire = new Encoder().encode({ type: PacketType.EVENT, nsp: '/live', data: ['snapshot', Uint8Array.from([9, 8])] })
    const u = wire[0] as Uint8Array
    const out: Packet[] = []
    const d = new Decoder()
    d.on('decoded', (p: Packet) => out.push(p))
    d.add(u.buffer.slice(u.byteOffset, u.byteOffset + u.byteLength))
    expect(Array.from(out[0].data[1] as Uint8Array)).toEqual([9, 8])
  })

  test('everything else is the standard protocol, both ways', () => {
    const packets: Packet[] = [
      { type: PacketType.EVENT, nsp: '/live', data: ['subscribe', { scope: '410103', window: 'all' }], id: 3 },
      { type: PacketType.ACK, nsp: '/live', data: [{ ok: true }], id: 3 },
      { type: PacketType.CONNECT, nsp: '/live', data: { token: 'x' } },
      // Two attachments, the first starting with the frame mark: still the standard binary event.
      { type: PacketType.EVENT, nsp: '/live', data: ['two', Uint8Array.from([0xf7, 1]), Uint8Array.from([2])] },
      // An ack carrying binary, its only attachment starting with the mark too.
      { type: PacketType.ACK, nsp: '/live', data: [Uint8Array.from([0xf7, 0xf7])], id: 12 },
    ]
    for (const p of packets) {
      const ours = new Encoder().encode(p)
      expect(ours).toEqual(new StandardEncoder().encode(p))
      const { out } = roundTrip(p)
      const standard: Packet[] = []
      const sd = new StandardDecoder()
      sd.on('decoded', (x: Packet) => standard.push(x))
      for (const part of new StandardEncoder().encode(p)) sd.add(part)
      expect(out).toEqual(standard)
    }
  })

  test('a truncated frame header is refused', () => {
    expect(() => new Decoder().add(Uint8Array.from([0xf7, 5, 47]))).toThrow(/truncated/)
  })
})
