// A live screen for bench:import (its own process): watches the district's today window and records when
// each frame arrives. IPC: 'start' opens a window, 'stop' answers the frames and the gaps between them.
import { io } from 'socket.io-client'
import { EVENTS, LIVE_NAMESPACE } from '../../shared/protocol'
import { liveParser } from '../../shared/socket-parser'

const s = io(process.env.URL! + LIVE_NAMESPACE, { transports: ['websocket'], reconnection: false, parser: liveParser })
let arrivals: number[] | null = null
let snapshots = 0
s.on('connect', () => s.emit(EVENTS.subscribe, { scope: process.env.SCOPE ?? '410103', window: 'today' }))
s.on(EVENTS.snapshot, () => {
  if (snapshots++ === 0) process.send!({ type: 'ready' })
})
s.on(EVENTS.delta, () => arrivals?.push(performance.now()))
s.on('connect_error', (e) => {
  console.error('screen:', e.message)
  process.exit(1)
})

process.on('message', (m: { type: string }) => {
  if (m.type === 'start') arrivals = [performance.now()]
  if (m.type === 'stop') {
    const a = arrivals ?? []
    a.push(performance.now())
    const gaps = a.slice(1).map((t, i) => t - a[i]).sort((x, y) => x - y)
    const tickMs = Number(process.env.TICK_MS)
    process.send!({
      type: 'frames',
      frames: a.length - 2,
      // The first and last "gaps" run from the window's edges to the first and after the last frame.
      maxGapMs: gaps.at(-1) ?? 0,
      p99GapMs: gaps[Math.floor(0.99 * (gaps.length - 1))] ?? 0,
      overTwoTicks: gaps.filter((g) => g > 2 * tickMs).length,
      resyncs: snapshots - 1,
    })
    s.close()
    setTimeout(() => process.exit(0), 100)
  }
})
