// A Socket.IO parser that sends a frame (an event whose only argument is one Uint8Array) as ONE binary
// websocket message. The standard parser sends such an event as two: a JSON header naming the event plus
// the attachment. A thousand screens at four frames a second make that half the server's socket writes and
// half the client's message handling. Everything else (subscriptions, acks) goes through the standard parser.
// Both ends must use it: the live server and LiveClient pass it as the `parser` option.
//
//   [0xF7] [varint n] [n bytes: namespace] [varint m] [m bytes: event name] [the frame's bytes]
import { VarintReader, encodeVarint } from './varint'
import { Decoder as StandardDecoder, Encoder as StandardEncoder, PacketType, type Packet } from 'socket.io-parser'

const MARK = 0xf7
const utf8 = new TextEncoder()
const text = new TextDecoder()

const isFrame = (p: Packet): p is Packet & { data: [string, Uint8Array] } =>
  p.type === PacketType.EVENT && p.id === undefined && Array.isArray(p.data) && p.data.length === 2 &&
  typeof p.data[0] === 'string' && p.data[1] instanceof Uint8Array

export class Encoder extends StandardEncoder {
  override encode(packet: Packet): unknown[] {
    if (!isFrame(packet)) return super.encode(packet)
    const nsp = utf8.encode(packet.nsp)
    const event = utf8.encode(packet.data[0])
    const body = packet.data[1]
    const head = [MARK, ...encodeVarint(nsp.length), ...nsp, ...encodeVarint(event.length), ...event]
    const out = new Uint8Array(head.length + body.length)
    out.set(head)
    out.set(body, head.length)
    return [out]
  }
}

export class Decoder extends StandardDecoder {
  override add(chunk: unknown): void {
    const bytes = asBytes(chunk)
    // A lone binary message starting with the mark is a frame; a binary attachment of the standard
    // protocol only ever follows its JSON header, while the standard decoder is reconstructing.
    if (bytes && bytes[0] === MARK && !(this as unknown as { reconstructor?: unknown }).reconstructor) {
      this.emitReserved('decoded', decodeFrame(bytes))
      return
    }
    super.add(chunk)
  }
}

function asBytes(chunk: unknown): Uint8Array | null {
  if (chunk instanceof Uint8Array) return chunk
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk)
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)
  return null
}

function decodeFrame(b: Uint8Array): Packet {
  const r = new VarintReader(b, 1, 'socket frame')
  const nsp = text.decode(r.piece())
  const event = text.decode(r.piece())
  return { type: PacketType.EVENT, nsp, data: [event, r.rest()] }
}

/** The `parser` option for both ends of the live connection. */
export const liveParser = { Encoder, Decoder }
