// The one import worker thread of the process (worker.ts): started as the first upload arrives, shared by the
// imports that follow, and stopped after a minute without one, so a server that imports once a month does
// not carry it. It keeps the process alive only while a job runs. A thread that dies (out of its memory
// limit, say) fails its jobs and is replaced on the next import.
import { Worker } from 'node:worker_threads'
import { IngestError } from '../cases/errors'
import type { FromWorker, ToWorker, WorkerJob } from './protocol'

const ENTRY = new URL('./worker-entry.mjs', import.meta.url)
const IDLE_MS = 60_000
/** Heap of the thread (MB): a file that needs more fails on its own, not the server. */
export const WORKER_HEAP_MB = 1024

type Handler = (m: FromWorker) => void

let worker: Worker | null = null
const handlers = new Map<number, { onMessage: Handler; onDeath: (e: Error) => void }>()
let nextId = 1
let idle: ReturnType<typeof setTimeout> | null = null

function start(): Worker {
  const w = new Worker(ENTRY, {
    resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    // Not the parent's flags: the entry brings its own TypeScript loader.
    execArgv: [],
  })
  w.on('message', (m: FromWorker) => handlers.get(m.id)?.onMessage(m))
  const die = (e: Error) => {
    if (worker === w) worker = null
    for (const h of [...handlers.values()]) h.onDeath(e)
    handlers.clear()
  }
  w.on('error', (e: Error & { code?: string }) =>
    die(e.code === 'ERR_WORKER_OUT_OF_MEMORY'
      ? new IngestError(413, 'file', `the file needs more than the ${WORKER_HEAP_MB} MB an import may use to read: split the export into smaller files`)
      : e))
  w.on('exit', (code) => die(new Error(`the import worker stopped (exit code ${code})`)))
  return w
}

/** Stop the thread once it has been idle for IDLE_MS (it no longer keeps the process alive meanwhile). */
function idleStop(w: Worker) {
  w.unref()
  idle = setTimeout(() => {
    idle = null
    if (worker === w && handlers.size === 0) {
      worker = null
      void w.terminate()
    }
  }, IDLE_MS)
  idle.unref()
}

/**
 * Start the thread ahead of a job: loading it takes 0.3–0.5 s (more on a busy machine), which an upload
 * can overlap instead of the import waiting for it. Stopped again after IDLE_MS if no job comes.
 */
export function warmUp(): number {
  if (!worker) {
    worker = start()
    idleStop(worker)
  }
  return worker.threadId
}

/** A job on the shared thread: `post` talks to it, `close` ends it (cancelling it if still running). */
export function startJob(job: WorkerJob, onMessage: Handler, onDeath: (e: Error) => void) {
  if (idle) clearTimeout(idle)
  idle = null
  worker ??= start()
  const w = worker
  w.ref()
  const id = nextId++
  handlers.set(id, { onMessage, onDeath })
  const post = (m: ToWorker) => w.postMessage(m)
  post({ type: 'start', id, job })
  return {
    id,
    threadId: w.threadId,
    post,
    close(cancel: boolean) {
      if (!handlers.delete(id)) return
      if (cancel) post({ type: 'cancel', id })
      if (handlers.size > 0 || worker !== w) return
      idleStop(w)
    },
  }
}
