// One binary message per frame (shared/protocol Snapshot or Delta), so Socket.IO sends a frame as one header
// and one attachment instead of one attachment per typed array. Pure; runs in the browser and in Node.
//
//   [kind: 1 snapshot | 2 delta] [varint n] [n bytes of JSON: the frame without its numbers]
//   then varint-length-prefixed sections: KPIs, trend, grid index, grid metrics (GRID_METRICS order)
//
// The KPIs (counters and indicators of four windows) and the trend are the bulk of a typical delta, so they
// travel as varints in COUNTERS / INDICATORS order, not as named JSON; rates as millionths (−1 = no data).
import { COUNTERS, type Counters } from './counters'
import { INDICATORS, type Indicators } from './indicators'
import {
  GRID_METRICS, WINDOWS, packInts, packUints, toBytes, unpackInts, unpackUints, type Delta, type GridMetric,
  type GridValues, type Kpi, type Panels, type Snapshot, type Window,
} from './protocol'
import { VarintReader, encodeVarint } from './varint'

export const FRAME_SNAPSHOT = 1
export const FRAME_DELTA = 2
const KPI_WIDTH = COUNTERS.length + INDICATORS.length
const MICRO = 1e6

interface Header {
  f: Omit<Snapshot | Delta, 'grids' | 'panels'> & { panels?: Partial<Panels> }
  /** Which sections follow: k = KPIs, t = trend, g = grids (with its packing). */
  k?: 1
  t?: { start: number }
  g?: { packing?: 'runs' }
}

function packKpis(kpis: Record<Window, Kpi>): Uint8Array {
  const v: number[] = []
  for (const w of WINDOWS) {
    const k = kpis[w]
    for (const c of COUNTERS) v.push(k.counters[c])
    for (const i of INDICATORS) {
      const x = k.indicators[i]
      v.push(x === null ? -1 : Math.round(x * MICRO))
    }
  }
  return packInts(v)
}

function unpackKpis(bytes: Uint8Array): Record<Window, Kpi> {
  const v = unpackInts(bytes, WINDOWS.length * KPI_WIDTH)
  const out = {} as Record<Window, Kpi>
  WINDOWS.forEach((w, wi) => {
    const o = wi * KPI_WIDTH
    const counters = {} as Counters
    COUNTERS.forEach((c, ci) => (counters[c] = v[o + ci]))
    const indicators = {} as Indicators
    INDICATORS.forEach((n, ii) => {
      const x = v[o + COUNTERS.length + ii]
      indicators[n] = x < 0 ? null : x / MICRO
    })
    out[w] = { counters, indicators }
  })
  return out
}

function encode(kind: number, frame: Snapshot | Delta): Uint8Array {
  const { grids, panels, ...rest } = frame
  const header: Header = { f: rest }
  const sections: Uint8Array[] = []
  if (panels) {
    const { kpis, trend, ...others } = panels
    if (Object.keys(others).length) header.f.panels = others
    if (kpis) {
      header.k = 1
      sections.push(packKpis(kpis))
    }
    if (trend) {
      header.t = { start: trend.start }
      sections.push(packUints(trend.received), packUints(trend.closed))
    }
  }
  if (grids) {
    header.g = grids.packing ? { packing: grids.packing } : {}
    sections.push(toBytes(grids.index), ...GRID_METRICS.map((m) => toBytes(grids.values[m])))
  }
  const json = new TextEncoder().encode(JSON.stringify(header))
  const lengths = [json.length, ...sections.map((s) => s.length)]
  const prefix = lengths.map(encodeVarint)
  const size = 1 + prefix.reduce((n, p) => n + p.length, 0) + lengths.reduce((a, b) => a + b, 0)
  const out = new Uint8Array(size)
  out[0] = kind
  // Length prefix, then the piece: the JSON first, then each section. (A plain loop: a named helper closure
  // would be made again for every frame, and given its name by the TypeScript loader at each call.)
  let o = 1
  for (let i = 0; i < prefix.length; i++) {
    const piece = i === 0 ? json : sections[i - 1]
    out.set(prefix[i], o)
    o += prefix[i].length
    out.set(piece, o)
    o += piece.length
  }
  return out
}

export const encodeSnapshot = (s: Snapshot): Uint8Array => encode(FRAME_SNAPSHOT, s)
export const encodeDelta = (d: Delta): Uint8Array => encode(FRAME_DELTA, d)

function decode(input: Uint8Array | ArrayBuffer | ArrayBufferView, kind: number): Snapshot | Delta {
  const bytes = toBytes(input)
  if (bytes[0] !== kind) throw new RangeError(`frame kind ${bytes[0]}, expected ${kind}`)
  const sections = new VarintReader(bytes, 1, 'frame')
  const next = () => sections.piece()
  const header = JSON.parse(new TextDecoder().decode(next())) as Header
  const frame = header.f as Snapshot & Delta
  if (header.k || header.t) frame.panels = { ...(frame.panels ?? {}) } as Panels
  if (header.k) frame.panels.kpis = unpackKpis(next())
  if (header.t) {
    const received = Array.from(unpackUints(next()))
    const closed = Array.from(unpackUints(next()))
    frame.panels.trend = { start: header.t.start, received, closed }
  }
  if (header.g) {
    const index = next()
    const values = {} as Record<GridMetric, Uint8Array>
    for (const m of GRID_METRICS) values[m] = next()
    const g: GridValues = { index, values }
    if (header.g.packing) g.packing = header.g.packing
    frame.grids = g
  }
  return frame
}

export const decodeSnapshot = (b: Uint8Array | ArrayBuffer | ArrayBufferView) => decode(b, FRAME_SNAPSHOT) as Snapshot
export const decodeDelta = (b: Uint8Array | ArrayBuffer | ArrayBufferView) => decode(b, FRAME_DELTA) as Delta
