// The wire protocol between the server and every screen (Socket.IO namespace `/live`). Pure: no I/O.
//
// A screen subscribes to a scope (a grid code; the district code for all) and a window. It receives one
// Snapshot, then Deltas coalesced per tick. Every frame carries `seq`; a delta whose `base` is not the
// last seq the screen holds is a gap, and the screen asks for a resync (a fresh snapshot).
//
// Grid values travel as varint-packed arrays in the district's stable grid order (shared/grid.ts
// stableOrder), not as one object per grid: a district snapshot fits in a few tens of KB.
import { VARINT_MAX, readVarints, writeVarints } from './varint'
import type { CounterName, Counters } from './counters'
import type { IndicatorName, Indicators } from './indicators'

export const LIVE_NAMESPACE = '/live'

/** Every room gets a frame at least this often (an empty heartbeat when nothing changed). */
export const HEARTBEAT_MS = 5000
/** No frame for this long and a screen's data is stale: one missed heartbeat plus room for a busy server. */
export const STALE_MS = HEARTBEAT_MS + 3000

export const WINDOWS = ['today', '7d', 'month', 'all'] as const
export type Window = (typeof WINDOWS)[number]

export const SOURCES = ['app', 'hotline', 'patrol', 'video', 'department'] as const
export type Source = (typeof SOURCES)[number]

/** The per-grid values the map can colour by. Counts are integers; rates are per-mille (0–1000), -1 = no data. */
export const GRID_METRICS = ['received', 'open', 'overdue', 'closureRate', 'satisfaction'] as const
export type GridMetric = (typeof GRID_METRICS)[number]

// ---- client → server ----------------------------------------------------------------------------

export interface SubscribeRequest {
  scope: string
  window: Window
}
export type SubscribeAck = { ok: true } | { ok: false; error: string }

export const EVENTS = {
  subscribe: 'subscribe', // (SubscribeRequest, ack(SubscribeAck))
  resync: 'resync', // () → a fresh snapshot
  snapshot: 'snapshot', // server → client: Snapshot
  delta: 'delta', // server → client: Delta
  revoked: 'revoked', // server → client: Revoked, then a disconnect; the screen must not reconnect with that token
} as const

/** The reason a screen shows when its token was revoked (a refused handshake's message starts with it too). */
export const ACCESS_REVOKED = 'access revoked'
export interface Revoked {
  reason: typeof ACCESS_REVOKED
}

/**
 * A refused handshake whose message starts with this is not about the token: the server could not check it
 * just now (a live process whose writer is away). The screen tries again by itself, unlike other refusals.
 */
export const TRY_LATER = 'try later'

// ---- server → client ----------------------------------------------------------------------------

export interface Kpi {
  counters: Counters
  indicators: Indicators
}

/**
 * The KPI figures screens show (the wall's headline KPIs, the tablet's grid sheet): these counters, and these
 * indicators with their numerator and denominator (a KPI's detail shows both). A frame carries every counter,
 * but a change to the others alone (立案数 after a registration, 派遣数 after a dispatch) is not worth a frame to
 * every screen of a room: it rides along with the room's next frame. A screen that shows another figure adds it
 * here (test/server/live/shown.test.ts checks the client's panels read no other).
 */
export const SHOWN_COUNTERS: readonly CounterName[] = ['received', 'open', 'overdueOpen']
export const SHOWN_INDICATORS: readonly IndicatorName[] = ['closureRate', 'onTimeClosureRate', 'satisfactionRate', 'reworkRate', 'extensionRate']

export interface TrendFrame {
  /** Start of the first hourly bucket (ms); buckets follow hourly. */
  start: number
  received: number[]
  closed: number[]
}

export interface RankItem {
  code: string
  name: string
  value: number
  /** Optional second figure (e.g. the denominator of a rate). */
  of?: number
}

export interface TickerItem {
  id: number
  caseId: number
  at: number
  kind: 'new' | 'closed'
  matter: string
  grid: string
  /** Plain text, personal data masked. Never HTML. */
  text: string
  lon: number
  lat: number
}

export interface AlertItem {
  id: number
  at: number
  kind: 'yellow' | 'red' | 'supervise' | 'spike'
  grid: string
  gridName: string
  caseId?: number
  /** Plain text. */
  text: string
}

export interface Panels {
  /** KPI counters and indicators of the scope node, for every window. */
  kpis: Record<Window, Kpi>
  trend: TrendFrame
  /** Top matter big classes in the subscribed window. */
  categories: RankItem[]
  sources: Record<Source, number>
  /** Cases closed at grid, community, street, district, city. */
  ladder: [number, number, number, number, number]
  /** Departments by on-time closure (per-mille in `value`, dueClose in `of`). */
  departments: RankItem[]
  /** Special grids in scope by kind, then the busiest ones. */
  specials: { byKind: Record<string, number>; top: RankItem[] }
  /**
   * The grid whose figures `categories`, `sources` and `departments` show: the scope itself down to the
   * community level; for a deeper scope, its community (those panels are kept per community and up).
   */
  crossScope?: string
}

/** Packed per-grid values: `index` lists stable grid indices; each metric array is aligned with it. */
export interface GridValues {
  /** Varint, delta-encoded ascending stable indices. */
  index: Uint8Array
  /** Varint (zig-zag) values per metric, aligned with index. */
  values: Record<GridMetric, Uint8Array>
  /**
   * Absent: as above. 'runs': `index` holds varint pairs (gap from the previous run's end, run length) and
   * each metric holds zig-zag varint differences from the previous grid's value: a whole subtree's indices
   * pack into a few bytes and neighbouring rates into one byte each (encodeGridRuns).
   */
  packing?: 'runs'
}

export interface Snapshot {
  seq: number
  scope: string
  window: Window
  at: number
  /** Number of grids in the stable order: the length of the client's full value arrays. */
  gridCount?: number
  panels: Panels
  grids: GridValues
  alerts: AlertItem[]
  ticker: TickerItem[]
}

export interface Delta {
  seq: number
  /** The seq this delta applies on top of. */
  base: number
  at: number
  /** Only the panels that changed. */
  panels?: Partial<Panels>
  /** Only the grids whose values changed. */
  grids?: GridValues
  alerts?: AlertItem[]
  ticker?: TickerItem[]
  /**
   * The server cannot confirm that its figures hold the whole log (a live process of a scaled-out deployment
   * that has lost its writer): it keeps serving them, and the screen shows them as stale.
   */
  stale?: true
}

// ---- encoding ----------------------------------------------------------------------------------

/** Rate (0–1 or null) → per-mille integer, -1 for no data. */
export const toPermille = (r: number | null): number => (r === null ? -1 : Math.round(r * 1000))
export const fromPermille = (p: number): number | null => (p < 0 ? null : p / 1000)

const zig = (n: number) => (n >= 0 ? n * 2 : -n * 2 - 1)
const unzig = (n: number) => (n & 1 ? -(n + 1) / 2 : n / 2)

const INT32_MIN = -(2 ** 31)
const INT32_MAX = 2 ** 31 - 1

const checkCount = (n: number, count?: number) => {
  if (count !== undefined && n !== count) throw new Error(`expected ${count} values, got ${n}`)
}

/** Varint-pack non-negative integers 0..2^31−1 (LEB128); anything else is a RangeError, never silently wrapped. */
export function packUints(values: ArrayLike<number>): Uint8Array {
  return writeVarints(values, (v) => {
    if (!(Number.isInteger(v) && v >= 0 && v <= INT32_MAX)) throw new RangeError(`packUints: ${v} is not an integer in 0..2^31-1`)
    return v
  })
}

export function unpackUints(bytes: Uint8Array, count?: number): Int32Array {
  const values = readVarints(bytes, INT32_MAX)
  checkCount(values.length, count)
  return Int32Array.from(values)
}

/** Varint-pack 32-bit signed integers, zig-zag first so small negatives (−1 = no data) stay one byte. */
export const packInts = (values: ArrayLike<number>) =>
  writeVarints(values, (v) => {
    if (!(Number.isInteger(v) && v >= INT32_MIN && v <= INT32_MAX)) throw new RangeError(`packInts: ${v} is not a 32-bit integer`)
    return zig(v)
  })

export function unpackInts(bytes: Uint8Array, count?: number): Int32Array {
  const values = readVarints(bytes, VARINT_MAX)
  checkCount(values.length, count)
  return Int32Array.from(values, unzig)
}

/** Pack ascending stable indices as deltas (small numbers, mostly one byte). */
export function packIndex(ascending: ArrayLike<number>): Uint8Array {
  const d = new Array<number>(ascending.length)
  for (let i = 0; i < ascending.length; i++) {
    d[i] = ascending[i] - (i ? ascending[i - 1] : 0)
    if (d[i] < 0) throw new RangeError(`packIndex: indices must be ascending (${ascending[i]} after ${ascending[i - 1]})`)
  }
  return packUints(d)
}

export function unpackIndex(bytes: Uint8Array): Int32Array {
  const d = unpackUints(bytes)
  for (let i = 1; i < d.length; i++) d[i] += d[i - 1]
  return d
}

/** Encode rows of grid values: `rows[m][k]` is metric m of the k-th grid in `indices`. */
export function encodeGridValues(indices: ArrayLike<number>, rows: Record<GridMetric, ArrayLike<number>>): GridValues {
  const values = {} as Record<GridMetric, Uint8Array>
  for (const m of GRID_METRICS) {
    if (rows[m].length !== indices.length) throw new RangeError(`encodeGridValues: ${m} has ${rows[m].length} values for ${indices.length} grids`)
    values[m] = packInts(rows[m])
  }
  return { index: packIndex(indices), values }
}

/** Like encodeGridValues, in the 'runs' packing (see GridValues): best for many neighbouring grids. */
export function encodeGridRuns(indices: ArrayLike<number>, rows: Record<GridMetric, ArrayLike<number>>): GridValues {
  const runs: number[] = []
  let end = 0
  for (let i = 0; i < indices.length; ) {
    const start = indices[i]
    if (start < end) throw new RangeError(`encodeGridRuns: indices must be ascending (${start} after ${end - 1})`)
    let j = i + 1
    while (j < indices.length && indices[j] === indices[j - 1] + 1) j++
    runs.push(start - end, j - i)
    end = start + (j - i)
    i = j
  }
  const values = {} as Record<GridMetric, Uint8Array>
  for (const m of GRID_METRICS) {
    const v = rows[m]
    if (v.length !== indices.length) throw new RangeError(`encodeGridRuns: ${m} has ${v.length} values for ${indices.length} grids`)
    const d = new Array<number>(v.length)
    for (let k = 0; k < v.length; k++) d[k] = v[k] - (k ? v[k - 1] : 0)
    values[m] = packInts(d)
  }
  return { index: packUints(runs), values, packing: 'runs' }
}

export function decodeGridValues(g: GridValues): { index: Int32Array; values: Record<GridMetric, Int32Array> } {
  const values = {} as Record<GridMetric, Int32Array>
  if (g.packing === 'runs') {
    const runs = unpackUints(toBytes(g.index))
    if (runs.length % 2) throw new RangeError('grid runs: odd number of values')
    let n = 0
    for (let r = 1; r < runs.length; r += 2) n += runs[r]
    const index = new Int32Array(n)
    let end = 0
    let k = 0
    for (let r = 0; r < runs.length; r += 2) {
      const start = end + runs[r]
      for (let i = 0; i < runs[r + 1]; i++) index[k++] = start + i
      end = start + runs[r + 1]
    }
    for (const m of GRID_METRICS) {
      const v = unpackInts(toBytes(g.values[m]), n)
      for (let i = 1; i < n; i++) v[i] += v[i - 1]
      values[m] = v
    }
    return { index, values }
  }
  const index = unpackIndex(toBytes(g.index))
  for (const m of GRID_METRICS) values[m] = unpackInts(toBytes(g.values[m]), index.length)
  return { index, values }
}

/** Socket.IO delivers binary as ArrayBuffer in browsers and Buffer in Node; normalise to Uint8Array. */
export function toBytes(b: Uint8Array | ArrayBuffer | ArrayBufferView): Uint8Array {
  if (b instanceof Uint8Array) return b
  if (ArrayBuffer.isView(b)) return new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
  // An ArrayBuffer, also one from another realm (a worker, an iframe) where instanceof fails.
  return new Uint8Array(b)
}

/** A delta continues the screen's frames only if it starts where the screen stands. */
export const continues = (heldSeq: number, d: Pick<Delta, 'base'>) => d.base === heldSeq
