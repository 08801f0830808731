// The one LEB128 (unsigned varint) codec of the wire: 7 bits a byte, low bits first, the high bit set on every
// byte but the last. Frame sections (shared/wire.ts), packed values (shared/protocol.ts) and the socket frame
// header (shared/socket-parser.ts) all read and write through it. Pure; runs in the browser and in Node.

/** Largest value written: zig-zagged 32-bit integers reach 2^32−1. */
export const VARINT_MAX = 2 ** 32 - 1

/** Bytes `v` takes as a varint. */
export function varintLength(v: number): number {
  let n = 1
  while (v >= 0x80) {
    v = Math.floor(v / 128)
    n++
  }
  return n
}

/** Write `v` (an integer in 0..2^32−1, checked by the caller) at `out[p]`; returns the offset after it. */
export function writeVarint(out: Uint8Array, p: number, v: number): number {
  while (v >= 0x80) {
    out[p++] = (v & 0x7f) | 0x80
    v = Math.floor(v / 128) // not >>>: values reach 2^32−1
  }
  out[p++] = v
  return p
}

/** One value as its own bytes (a length prefix). */
export function encodeVarint(v: number): Uint8Array {
  const out = new Uint8Array(varintLength(v))
  writeVarint(out, 0, v)
  return out
}

/** Many values, each through `map` (which checks and transforms it), packed back to back. */
export function writeVarints(values: ArrayLike<number>, map: (v: number) => number): Uint8Array {
  const out = new Uint8Array(values.length * 5)
  let p = 0
  for (let i = 0; i < values.length; i++) p = writeVarint(out, p, map(values[i]))
  return out.slice(0, p)
}

/** Read values packed back to back (at most 5 bytes each, none above `max`) as plain numbers. */
export function readVarints(bytes: Uint8Array, max: number): number[] {
  const out: number[] = []
  let v = 0
  let scale = 1
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]
    v += (b & 0x7f) * scale
    if (b & 0x80) {
      scale *= 128
      if (scale > 2 ** 28) throw new RangeError(`varint at byte ${i} is longer than 5 bytes`)
    } else {
      if (v > max) throw new RangeError(`varint value ${v} is out of range`)
      out.push(v)
      v = 0
      scale = 1
    }
  }
  if (scale !== 1) throw new RangeError('varint data ends in the middle of a value')
  return out
}

/** Reads varints and varint-length-prefixed pieces from `bytes`, starting at `offset`. */
export class VarintReader {
  constructor(
    private readonly bytes: Uint8Array,
    public offset = 0,
    /** What the errors call the data ("frame", "socket frame"). */
    private readonly what = 'data',
  ) {}

  uint(): number {
    let n = 0
    let scale = 1
    for (;;) {
      if (this.offset >= this.bytes.length) throw new RangeError(`${this.what} truncated: it ends inside a varint`)
      if (scale > 2 ** 28) throw new RangeError(`${this.what}: varint longer than 5 bytes`)
      const b = this.bytes[this.offset++]
      n += (b & 0x7f) * scale
      if (!(b & 0x80)) return n
      scale *= 128
    }
  }

  /** A varint length, then that many bytes (a view, not a copy). */
  piece(): Uint8Array {
    const n = this.uint()
    if (this.offset + n > this.bytes.length) throw new RangeError(`${this.what} truncated: it ends inside a section`)
    const s = this.bytes.subarray(this.offset, this.offset + n)
    this.offset += n
    return s
  }

  /** Everything after the current offset. */
  rest(): Uint8Array {
    return this.bytes.subarray(this.offset)
  }
}
