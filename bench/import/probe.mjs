// Loaded into the server process by bench:import (node --import): the event loop's delay over a window the
// bench chooses, over IPC ('loop:reset' starts a window, 'loop:read' answers its figures). The server's own
// /api/live figure runs since start, which would mix the start-up in. Plain JavaScript: the server's worker
// threads inherit the flag, and load it before any TypeScript loader.
import { isMainThread } from 'node:worker_threads'
import { monitorEventLoopDelay } from 'node:perf_hooks'

if (isMainThread && process.send) {
  const h = monitorEventLoopDelay({ resolution: 5 })
  h.enable()
  process.on('message', (m) => {
    if (m === 'loop:reset') h.reset()
    if (m === 'loop:read')
      process.send({ type: 'loop', p50: h.percentile(50) / 1e6, p99: h.percentile(99) / 1e6, max: h.max / 1e6, samples: h.count })
  })
}
