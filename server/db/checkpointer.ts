// WAL checkpoints off the event loop. A checkpoint copies the WAL back into the database file and fsyncs
// both; run by SQLite's auto-checkpoint it happens inside whichever commit crosses the threshold, stalling
// that request (and every request queued behind it) for the length of two fsyncs. Here the writer's
// auto-checkpoint is off and a worker thread with its own connection checkpoints on a timer instead:
// writers never wait for the disk, and the WAL stays small.
import { Worker } from 'node:worker_threads'
import { createRequire } from 'node:module'
import type Database from 'better-sqlite3'

// The worker is a few lines of plain JavaScript, so it runs the same under tsx, node and vitest.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.driver)
// Named, so top -H and bench:live's CPU per thread tell it from V8's and libuv's threads (Linux only).
try { require('node:fs').writeFileSync('/proc/thread-self/comm', 'wal-checkpoint') } catch {}
const db = new Database(workerData.file)
db.pragma('busy_timeout = 1000')
let stats = { runs: 0, frames: 0, busy: 0 }
function checkpoint() {
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)')
    stats.runs++
    stats.frames += r.checkpointed
    if (r.busy) stats.busy++
  } catch (e) {
    parentPort.postMessage({ error: String(e && e.message || e) })
  }
}
const timer = setInterval(checkpoint, workerData.everyMs)
parentPort.postMessage({ ready: true })
parentPort.on('message', (m) => {
  if (m === 'stop') {
    clearInterval(timer)
    checkpoint()
    db.close()
    parentPort.postMessage({ stopped: stats })
  }
})
`

/**
 * Checkpoint period (ms). Each checkpoint copies the pages written since the last one (a page written again
 * meanwhile, once) and fsyncs the database file. In bench:live at 100 reports/s, every 200 ms cost this thread
 * 0.07–0.1 ms of CPU per report, once a second 0.035 ms; the WAL then holds about a second of writes.
 */
export const CHECKPOINT_EVERY_MS = 1000

export interface Checkpointer {
  /** Settles once the worker has its connection open and its timer running. */
  ready: Promise<void>
  /** Checkpoint once more, close the worker's connection and end it. */
  stop(): Promise<{ runs: number; frames: number; busy: number }>
}

/**
 * Turn off `db`'s auto-checkpoint and checkpoint its file from a worker every `everyMs`. Returns null for
 * an in-memory database (no WAL to checkpoint).
 */
export function startCheckpointer(
  db: Database.Database,
  opts: { everyMs?: number; onError?: (message: string) => void } = {},
): Checkpointer | null {
  if (db.memory || db.name === '' || db.name === ':memory:') return null
  db.pragma('wal_autocheckpoint = 0')
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: { file: db.name, everyMs: opts.everyMs ?? CHECKPOINT_EVERY_MS, driver: createRequire(import.meta.url).resolve('better-sqlite3') },
  })
  const onError = opts.onError ?? ((m) => console.error(`checkpointer: ${m}`))
  worker.on('message', (m: { error?: string }) => m.error && onError(m.error))
  worker.on('error', (e) => onError(e.message))
  // Held until it is up (so awaiting `ready` cannot leave an idle process hanging), then it never keeps
  // the process alive on its own.
  const ready = new Promise<void>((resolve) =>
    worker.on('message', (m: { ready?: boolean }) => {
      if (!m.ready) return
      worker.unref()
      resolve()
    }),
  )
  return {
    ready,
    stop: () =>
      new Promise((resolve) => {
        worker.on('message', (m: { stopped?: { runs: number; frames: number; busy: number } }) => {
          if (!m.stopped) return
          void worker.terminate()
          // Back to SQLite's own checkpoints for whoever keeps using the connection.
          if (db.open) db.pragma('wal_autocheckpoint = 1000')
          resolve(m.stopped)
        })
        // Held again while it finishes: whoever awaits the stop must not see the process end under them.
        worker.ref()
        worker.postMessage('stop')
      }),
  }
}
