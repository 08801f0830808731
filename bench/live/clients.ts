// Load generator for bench:live (a child process): N Socket.IO connections, each its own connection. In
// `live` mode they subscribe to the district or a street; in `raw` mode they just listen to the raw
// broadcast. The first `measure` clients decode what they get and record latencies into a histogram; the
// rest only receive, as most wall screens would, so this process does not become the bottleneck.
// Talks to the orchestrator over IPC: 'ready' → {report} → stats, {stop} → exit.
import { io, type Socket } from 'socket.io-client'
import { EVENTS, LIVE_NAMESPACE } from '../../shared/protocol'
import { decodeDelta, decodeSnapshot } from '../../shared/wire'
import { liveParser } from '../../shared/socket-parser'
import { Histogram } from './histogram'

const url = process.env.URL!
const mode = process.env.MODE as 'live' | 'raw'
const count = Number(process.env.CLIENTS ?? 1000)
const measure = Number(process.env.MEASURE ?? 100)
const scopes = JSON.parse(process.env.SCOPES ?? '["410103"]') as string[]

// Event-to-screen latency is taken on street screens: a street gets every new case of its own in the ticker,
// while a district screen's ticker carries only the newest 30 per tick (at 1,000 events/s most new cases
// reach it as counts and map values in the same frame, not as ticker lines), which would bias the sample.
const latency = new Histogram()
/** The two halves of a live latency: report sent → the server's tick that framed it, and that tick → here. */
const toTick = new Histogram()
const fromTick = new Histogram()
/** District screens: frame delivery, the server's tick → here. */
const districtDelivery = new Histogram()
/** Frame cadence on the measured district screens: the time between one delta and the next, counted from the
 *  last report on (a stall shows as a long gap). District screens get a frame each tick while news flows; a
 *  street's frames follow its own news, which says nothing about the server's cadence. */
const frameGap = new Histogram()
let cadenceSince = Date.now()
let frames = 0
let bytes = 0
let gaps = 0
let snapshots = 0
const sockets: Socket[] = []

function open(i: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const measuring = i < measure
    // The live server speaks its one-message-per-frame parser; the raw baseline is plain Socket.IO.
    const s = mode === 'live'
      ? io(url + LIVE_NAMESPACE, { transports: ['websocket'], forceNew: true, reconnection: false, parser: liveParser })
      : io(url, { transports: ['websocket'], forceNew: true, reconnection: false })
    sockets.push(s)
    s.on('connect_error', reject)
    if (mode === 'raw') {
      s.on('connect', () => resolve())
      s.on('frame', (b: Uint8Array) => {
        frames++
        bytes += b.byteLength
        if (measuring) latency.add(Date.now() - new DataView(b.buffer, b.byteOffset, 8).getFloat64(0))
      })
      return
    }
    // Half the screens watch the district, the rest a street each.
    const scope = i % 2 === 0 ? '410103' : scopes[i % scopes.length]
    let seq = -1
    let last = 0
    s.on('connect', () => s.emit(EVENTS.subscribe, { scope, window: 'today' }))
    s.on(EVENTS.snapshot, (b: Uint8Array) => {
      snapshots++
      bytes += b.byteLength
      if (measuring) seq = decodeSnapshot(b).seq
      resolve()
    })
    s.on(EVENTS.delta, (b: Uint8Array) => {
      frames++
      bytes += b.byteLength
      if (!measuring) return
      const now = Date.now()
      if (scope === '410103' && last >= cadenceSince) frameGap.add(now - last)
      last = now
      const d = decodeDelta(b)
      if (seq >= 0 && d.base !== seq) {
        gaps++
        s.emit(EVENTS.resync)
      }
      seq = d.seq
      if (scope === '410103') {
        districtDelivery.add(now - d.at)
        return
      }
      for (const t of d.ticker ?? [])
        if (t.kind === 'new') {
          latency.add(now - t.at)
          toTick.add(d.at - t.at)
          fromTick.add(now - d.at)
        }
    })
  })
}

async function main() {
  for (let i = 0; i < count; i += 50) await Promise.all(Array.from({ length: Math.min(50, count - i) }, (_, k) => open(i + k)))
  process.send!({ type: 'ready', connected: sockets.filter((s) => s.connected).length })
  process.on('message', (m: { type: string }) => {
    if (m.type === 'report') {
      process.send!({
        type: 'stats', latency: latency.summary(), toTick: toTick.summary(), fromTick: fromTick.summary(),
        districtDelivery: districtDelivery.summary(), frameGap: frameGap.summary(), frames, bytes, gaps, snapshots,
        connected: sockets.filter((s) => s.connected).length,
      })
      latency.reset()
      toTick.reset()
      fromTick.reset()
      districtDelivery.reset()
      frameGap.reset()
      cadenceSince = Date.now()
      frames = bytes = gaps = 0
    }
    if (m.type === 'stop') {
      for (const s of sockets) s.disconnect()
      setTimeout(() => process.exit(0), 200)
    }
  })
}

main().catch((e) => {
  console.error('clients:', e)
  process.exit(1)
})
