// Sparse differences between two versions of a list of Int32Arrays (the metrics state): only the entries
// that changed, as (gap since the previous change, difference) pairs of varints, deflated. A day of the log
// changes a small part of the state (the rows its cases belong to, a day slot of the ring), so a day's
// difference is a few tens of KB where the state itself is 36 MB of mostly zeros.
//
// Differences wrap like the arrays do (int32), so adding one back restores the exact bits (also for the
// ring's EMPTY slot marker, which is far from any day number).
import { deflateSync, inflateSync, constants } from 'node:zlib'

const ZLIB = { level: constants.Z_BEST_SPEED }
/** Entries compared at once. */
const BLOCK = 512
const ZEROS = Buffer.alloc(BLOCK * 4)
const bytesOf = (a: Int32Array, lo: number, hi: number) => Buffer.from(a.buffer, a.byteOffset + lo * 4, (hi - lo) * 4)

class Bytes {
  buf = new Uint8Array(1 << 16)
  n = 0
  uint(v: number): void {
    if (this.n + 5 > this.buf.length) {
      const b = new Uint8Array(this.buf.length * 2)
      b.set(this.buf)
      this.buf = b
    }
    while (v > 0x7f) {
      this.buf[this.n++] = (v & 0x7f) | 0x80
      v >>>= 7
    }
    this.buf[this.n++] = v
  }
}

/**
 * Entries where `next` differs from `prev` (same shapes), deflated. `prev` null means all zeros: the whole
 * state, as a key frame. Returns the bytes and how many entries changed.
 */
export function encodeDiff(next: readonly Int32Array[], prev: readonly Int32Array[] | null): { bytes: Buffer; changed: number } {
  const out = new Bytes()
  let base = 0
  let last = 0
  let changed = 0
  for (let p = 0; p < next.length; p++) {
    const a = next[p]
    const b = prev?.[p] ?? null
    if (b && b.length !== a.length) throw new RangeError(`encodeDiff: part ${p} has ${a.length} entries, the base ${b.length}`)
    // Blocks that did not change are skipped by a native compare: most of the state does not move in a day.
    for (let lo = 0; lo < a.length; lo += BLOCK) {
      const hi = Math.min(lo + BLOCK, a.length)
      if (Buffer.compare(bytesOf(a, lo, hi), b ? bytesOf(b, lo, hi) : ZEROS.subarray(0, (hi - lo) * 4)) === 0) continue
      for (let i = lo; i < hi; i++) {
        const d = b ? (a[i] - b[i]) | 0 : a[i]
        if (d === 0) continue
        out.uint(base + i - last)
        out.uint(((d << 1) ^ (d >> 31)) >>> 0)
        last = base + i
        changed++
      }
    }
    base += a.length
  }
  return { bytes: deflateSync(out.buf.subarray(0, out.n), ZLIB), changed }
}

/** Add a difference made by encodeDiff onto `into` (the same shapes). Returns the entries changed. */
export function applyDiff(into: readonly Int32Array[], bytes: Uint8Array): number {
  const raw = inflateSync(bytes)
  const n = raw.length
  let part = 0
  let a = into[0]
  let base = 0
  let end = a.length
  let pos = 0
  let changed = 0
  let i = 0
  // Varints of at most 5 bytes: the low 28 bits by shifts, the rest by multiplication (no int32 overflow).
  const read = (): number => {
    let b = raw[i++]
    if (b < 0x80) return b
    let v = b & 0x7f
    let shift = 7
    do {
      b = raw[i++]
      v = shift < 28 ? v | ((b & 0x7f) << shift) : v + (b & 0x7f) * 2 ** shift
      shift += 7
    } while (b & 0x80)
    return v
  }
  while (i < n) {
    pos += read()
    const z = read()
    while (pos >= end) {
      if (++part >= into.length) throw new RangeError(`applyDiff: entry ${pos} lies past the state`)
      base = end
      a = into[part]
      end = base + a.length
    }
    const d = z & 1 ? -((z + 1) / 2) : z / 2
    a[pos - base] = (a[pos - base] + d) | 0
    changed++
  }
  return changed
}
