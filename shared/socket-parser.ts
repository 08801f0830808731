// A Socket.IO parser that sends a frame (an event whose only argument is one Uint8Array) as ONE binary
// websocket message. The standard parser sends such an event as two: a JSON header naming the event plus
// the attachment. A thousand screens at four frames a second make that half the server's socket writes and
// half the client's message handling. Everything else (subscriptions, acks) goes through the standard parser.
// Both ends must use it: the live server and LiveClient pass it as the `parser` option. It uses only the
// parser's public classes and the protocol's documented packet form, no decoder internals.
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

/** A binary event or ack header of the Socket.IO protocol (v5) and its attachment count: `51-["two",…]`. */
const BINARY_HEADER = new RegExp(`^[${PacketType.BINARY_EVENT}${PacketType.BINARY_ACK}](\\d+)-`)

export class Decoder extends StandardDecoder {
  /** Binary attachments the standard decoder still expects for the packet it is putting together. */
  private attachmentsDue = 0

  override add(chunk: unknown): void {
    if (typeof chunk === 'string') {
      super.add(chunk)
      // Counted from the header text itself (the protocol's documented form), not from the decoder's state.
      this.attachmentsDue = Number(BINARY_HEADER.exec(chunk)?.[1] ?? 0)
      return
    }
    // A lone binary message starting with the mark is a frame; a binary attachment of the standard
    // protocol only ever follows its header, and goes to the standard decoder.
    if (this.attachmentsDue > 0) {
      this.attachmentsDue--
      super.add(chunk)
      return
    }
    const bytes = asBytes(chunk)
    if (bytes && bytes[0] === MARK) {
      this.emitReserved('decoded', decodeFrame(bytes))
      return
    }
    super.add(chunk)
  }

  override destroy(): void {
    this.attachmentsDue = 0
    super.destroy()
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
