// The bench:live screens as the orchestrator sees them: a clients child process's figures (bench/live/clients),
// and how long a fresh server takes to its first snapshot.
import type { ChildProcess } from 'node:child_process'
import { io } from 'socket.io-client'
import { EVENTS, LIVE_NAMESPACE } from '../../shared/protocol'
import { liveParser } from '../../shared/socket-parser'
import { message } from '../child'
import type { LatencySummary } from './histogram'

/** From process start to the first district snapshot a screen holds (the screen keeps trying to connect). */
export function firstSnapshot(base: string, t0: number): Promise<number> {
  return new Promise((resolve) => {
    const s = io(base + LIVE_NAMESPACE, { transports: ['websocket'], reconnectionDelay: 50, reconnectionDelayMax: 50, parser: liveParser })
    s.on('connect', () => s.emit(EVENTS.subscribe, { scope: '410103', window: 'today' }))
    s.once(EVENTS.snapshot, () => {
      resolve(performance.now() - t0)
      s.disconnect()
    })
  })
}

export interface ClientStats {
  latency: LatencySummary
  toTick?: LatencySummary
  fromTick?: LatencySummary
  districtDelivery?: LatencySummary
  frames: number
  bytes: number
  gaps: number
  snapshots: number
  connected: number
}

/** What a clients child has seen since it was last asked (it starts counting afresh). */
export async function clientStats(clients: ChildProcess): Promise<ClientStats> {
  const p = message<ClientStats>(clients, 'stats')
  clients.send({ type: 'report' })
  return p
}
