// The worker thread of imports: parses and checks files (parse.ts) off the server's event loop and hands the
// good rows to the main thread in batches, which commits them through the ingest and says so. At most
// IN_FLIGHT batches of a job wait for their commit, so a file parsed faster than it is written never piles
// up in memory. Problems the commit finds come back here, into the job's one error report.
//
// One thread serves every import of the process, one job after another or side by side (each has an id):
// starting a thread that loads TypeScript costs 0.3–0.5 s, more than a small import.
import { parentPort } from 'node:worker_threads'
import { IngestError } from '../cases/errors'
import { parseExport, type ParseCounts } from './parse'
import { ErrorReport } from './report'
import { packBatch } from './wire'
import type { FromWorker, ToWorker, WorkerJob } from './protocol'

const IN_FLIGHT = 3
const PROGRESS_EVERY_MS = 200

const port = parentPort!
const send = (m: FromWorker) => port.postMessage(m)

class Job {
  credits = IN_FLIGHT
  cancelled = false
  private wake: (() => void) | null = null
  private finish: (() => void) | null = null
  readonly report: ErrorReport

  constructor(readonly id: number, readonly job: WorkerJob) {
    this.report = new ErrorReport(job.reportFile)
  }

  committed(m: Extract<ToWorker, { type: 'committed' }>) {
    for (const k of m.skipped) this.report.skip(k, true)
    for (const e of m.refused) this.report.bad([e], true)
    this.credits++
    this.wake?.()
  }

  finished() {
    this.finish?.()
  }

  cancel() {
    this.cancelled = true
    this.wake?.()
    this.finish?.()
  }

  async run() {
    const { id, job } = this
    const counts: ParseCounts = { rows: 0, bad: 0, duplicates: 0 }
    let bytes = 0
    let total = 0
    let lastProgress = 0
    const progress = (force = false) => {
      const now = performance.now()
      if (!force && now - lastProgress < PROGRESS_EVERY_MS) return
      lastProgress = now
      send({ type: 'progress', id, bytes, total, counts })
    }
    const opts = {
      ...job.parse,
      onBytes: (n: number) => {
        bytes += n
        progress()
      },
      onTotal: (n: number) => (total = n),
    }
    for await (const batch of parseExport(job.file, job.kind, opts, this.report, counts)) {
      if (this.credits === 0 && !this.cancelled) await new Promise<void>((r) => (this.wake = r))
      this.wake = null
      if (this.cancelled) return
      this.credits--
      send({ type: 'rows', id, ...packBatch(batch) })
      progress()
    }
    progress(true)
    // Wait for the last commits: what they refused belongs in the report.
    const done = new Promise<void>((r) => (this.finish = r))
    send({ type: 'parsed', id, counts })
    await done
    if (this.cancelled) return
    send({ type: 'done', id, counts, report: await this.report.finish() })
  }
}

const jobs = new Map<number, Job>()

port.on('message', (m: ToWorker) => {
  if (m.type === 'start') {
    const job = new Job(m.id, m.job)
    jobs.set(m.id, job)
    job.run()
      .then(() => {
        if (job.cancelled) job.report.discard()
      })
      .catch((e: unknown) => {
        job.report.discard()
        const err = e instanceof IngestError ? e : null
        send({
          type: 'failed',
          id: m.id,
          status: err?.statusCode ?? 500,
          field: err?.field ?? 'file',
          message: err?.message ?? (e instanceof Error ? e.message : String(e)),
        })
      })
      .finally(() => jobs.delete(m.id))
    return
  }
  const job = jobs.get(m.id)
  if (!job) return
  if (m.type === 'committed') job.committed(m)
  else if (m.type === 'finish') job.finished()
  else if (m.type === 'cancel') job.cancel()
})
