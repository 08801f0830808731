// Persisted metrics state, so a start reads one blob and replays only the log's tail instead of the whole
// history. The blob holds the typed arrays that define the state (the windows are derived from the day
// ring) plus the last event id folded in, deflated. A checkpoint over another grid/catalogue layout (or
// another clock) is ignored: the rows would not mean the same thing.
import { deflate, deflateSync, inflateSync, constants } from 'node:zlib'
import { promisify } from 'node:util'
import type { Db } from '../db'
import type { MetricsEngine } from './engine'
import { rebuild, replayTail } from './rebuild'
import { DEFAULT_UTC_OFFSET_MINUTES } from '../../shared/clock'

const VERSION = 1
const deflateAsync = promisify(deflate)
const ZLIB = { level: constants.Z_BEST_SPEED }

interface Header {
  v: number
  fingerprint: string
  lastEventId: number
  at: number
  lengths: number[]
  /** The clock's UTC offset (minutes): day and hour slots mean other instants under another one. */
  utcOffset?: number
}

function parts(engine: MetricsEngine): Int32Array[] {
  return [...engine.counters.parts(), ...engine.cross.parts(), ...engine.hours.parts()]
}

/** Copy the state now (synchronously, so it matches lastEventId) into one buffer. */
function capture(engine: MetricsEngine): { header: Header; body: Buffer } {
  const ps = parts(engine)
  const body = Buffer.allocUnsafe(ps.reduce((n, p) => n + p.byteLength, 0))
  let o = 0
  for (const p of ps) {
    body.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), o)
    o += p.byteLength
  }
  const header: Header = {
    v: VERSION, fingerprint: engine.layout.fingerprint, lastEventId: engine.lastEventId, at: engine.now(),
    lengths: ps.map((p) => p.length), utcOffset: engine.clock.offsetMinutes,
  }
  return { header, body }
}

function blob(header: Header, deflated: Buffer): Buffer {
  const h = Buffer.from(JSON.stringify(header))
  const len = Buffer.alloc(4)
  len.writeUInt32LE(h.length)
  return Buffer.concat([len, h, deflated])
}

function store(db: Db, header: Header, data: Buffer): void {
  const sql = db.$client
  sql.transaction(() => {
    const id = sql
      .prepare('INSERT INTO metric_checkpoints (last_event_id, created_at, state) VALUES (?, ?, ?)')
      .run(header.lastEventId, header.at, data).lastInsertRowid
    sql.prepare('DELETE FROM metric_checkpoints WHERE id <> ?').run(id)
  })()
}

/** Write a checkpoint, blocking (shutdown). Returns its size in bytes. */
export function saveCheckpointSync(db: Db, engine: MetricsEngine): number {
  const { header, body } = capture(engine)
  const data = blob(header, deflateSync(body, ZLIB))
  store(db, header, data)
  return data.length
}

/** Write a checkpoint, compressing off the main thread. Returns its size in bytes. */
export async function saveCheckpoint(db: Db, engine: MetricsEngine): Promise<number> {
  const { header, body } = capture(engine)
  const data = blob(header, await deflateAsync(body, ZLIB))
  if (!db.$client.open) return 0
  store(db, header, data)
  return data.length
}

/** The engine's state now as one checkpoint blob (what a live process of a scaled-out deployment starts from). */
export async function checkpointBlob(engine: MetricsEngine): Promise<Buffer> {
  const { header, body } = capture(engine)
  return blob(header, await deflateAsync(body, ZLIB))
}

/** Load the newest usable checkpoint into the engine. False when there is none (or it does not fit). */
export function loadCheckpoint(db: Db, engine: MetricsEngine): boolean {
  const row = db.$client.prepare('SELECT state FROM metric_checkpoints ORDER BY id DESC LIMIT 1').get() as { state: Buffer } | undefined
  return row ? restoreCheckpoint(engine, row.state) : false
}

/** Put a checkpoint blob's state into the engine. False when it was taken over another layout. */
export function restoreCheckpoint(engine: MetricsEngine, data: Buffer): boolean {
  const hlen = data.readUInt32LE(0)
  const header = JSON.parse(data.subarray(4, 4 + hlen).toString()) as Header
  const want = parts(engine).map((p) => p.length)
  if (header.v !== VERSION || header.fingerprint !== engine.layout.fingerprint || header.lengths.join() !== want.join()) return false
  // Checkpoints from before the offset was recorded were all written on the default clock.
  if ((header.utcOffset ?? DEFAULT_UTC_OFFSET_MINUTES) !== engine.clock.offsetMinutes) return false
  const body = inflateSync(data.subarray(4 + hlen))
  const arrays: Int32Array[] = []
  let o = 0
  for (const n of header.lengths) {
    arrays.push(new Int32Array(body.buffer, body.byteOffset + o, n))
    o += n * 4
  }
  const now = engine.now()
  const c = engine.counters.parts().length
  const x = engine.cross.parts().length
  const clock = engine.clock
  engine.counters.restore(arrays.slice(0, c), clock.dayOf(now))
  engine.cross.restore(arrays.slice(c, c + x), clock.dayOf(now))
  engine.hours.restore(arrays.slice(c + x), clock.hourOf(now))
  engine.lastEventId = header.lastEventId
  engine.markAllDirty()
  return true
}

export interface StartStats {
  from: 'checkpoint' | 'rebuild'
  tail: number
  events?: number
  ms: number
}

/** Bring the engine up to the end of the log: checkpoint + tail when possible, else a full rebuild. */
export function startMetrics(db: Db, engine: MetricsEngine): StartStats {
  const t0 = performance.now()
  if (loadCheckpoint(db, engine)) {
    const tail = replayTail(db, engine, engine.lastEventId)
    return { from: 'checkpoint', tail, ms: performance.now() - t0 }
  }
  const r = rebuild(db, engine)
  return { from: 'rebuild', tail: 0, events: r.events, ms: performance.now() - t0 }
}
