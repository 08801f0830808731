// A digest of what the metrics show: every counter and cross panel in every window, and the hourly trend of
// every grid. Two engines whose digests agree show the same figures everywhere; a scaled-out deployment uses
// it to check that each live process holds what a recompute from the log gives.
import { createHash } from 'node:crypto'
import { WINDOWS } from '../../shared/protocol'
import type { MetricsEngine } from './engine'
import { CLOSED, RECEIVED, TREND_HOURS } from './hours'

export function metricsDigest(engine: MetricsEngine): string {
  const h = createHash('sha1')
  h.update(engine.layout.fingerprint)
  const bytes = (a: Int32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength)
  for (const w of WINDOWS) {
    h.update(bytes(engine.counters.window(w)))
    h.update(bytes(engine.cross.window(w)))
  }
  const hours = engine.hours
  const trend = new Int32Array(TREND_HOURS * 2)
  for (let g = 0; g < engine.layout.gridCount; g++) {
    for (let k = 0; k < TREND_HOURS; k++) {
      trend[2 * k] = hours.get(g, RECEIVED, hours.hour - k)
      trend[2 * k + 1] = hours.get(g, CLOSED, hours.hour - k)
    }
    h.update(bytes(trend))
  }
  return h.digest('hex')
}
