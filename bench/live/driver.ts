// Ingest load for bench:live (a child process): RATE events/s for SECONDS through POST /api/ingest/batch, a
// batch every 20 ms. Half the events are new reports (reportedAt = the moment the batch is sent, which is
// what the screens measure their latency against), half move earlier cases one step along the workflow.
import Database from 'better-sqlite3'
import { createRandom } from '../../shared/random'

const base = process.env.BASE!
const key = process.env.KEY!
const rate = Number(process.env.RATE)
const seconds = Number(process.env.SECONDS)
const STEP_MS = 20
const MAX_IN_FLIGHT = 16
const PATH = ['verify', 'register', 'dispatch', 'handle', 'check', 'close', 'rate'] as const

const db = new Database(process.env.DB!, { readonly: true })
const points = db.prepare('SELECT lon, lat FROM grids WHERE level = 4').all() as { lon: number; lat: number }[]
const matters = (db.prepare('SELECT code FROM matters').pluck().all() as string[])
db.close()

const rnd = createRandom(`driver-${rate}`)
const open: { id: number; step: number }[] = []
let sent = 0
let acked = 0
let failed = 0
let inFlight = 0
let n = 0

/** A case is out of `open` while a batch moving it is in flight, so its steps never race each other. */
function item(now: number, moving: { id: number; step: number }[]): Record<string, unknown> {
  if (open.length > 50 && rnd.chance(0.5)) {
    const k = rnd.int(0, open.length - 1)
    const c = open[k]
    open[k] = open[open.length - 1]
    open.pop()
    const action = PATH[c.step++]
    if (c.step < PATH.length) moving.push(c)
    return { type: 'act', id: c.id, action, ...(action === 'rate' ? { data: { rating: 'satisfied' } } : {}) }
  }
  const p = rnd.pick(points)
  return {
    type: 'report', source: 'app', matter: rnd.pick(matters), lon: p.lon, lat: p.lat, description: '路面破损，影响通行',
    reportedAt: new Date(now).toISOString(),
  }
}

async function send(items: Record<string, unknown>[], moving: { id: number; step: number }[]): Promise<void> {
  inFlight++
  try {
    const res = await fetch(`${base}/api/ingest/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key, 'idempotency-key': `bench-${process.pid}-${++n}` },
      body: JSON.stringify({ items }),
    })
    const body = (await res.json()) as { results?: { id: number }[] }
    if (!res.ok) {
      failed += items.length
      if (failed <= items.length) console.error('driver: batch refused:', JSON.stringify(body).slice(0, 300))
      return
    }
    acked += items.length
    open.push(...moving)
    body.results!.forEach((r, i) => {
      if (items[i].type === 'report') open.push({ id: r.id, step: 0 })
    })
  } catch {
    failed += items.length
  } finally {
    inFlight--
  }
}

async function main() {
  const start = Date.now()
  // The orchestrator may measure from here: the load is on from the first batch.
  process.send!({ type: 'started' })
  const end = start + seconds * 1000
  while (Date.now() < end) {
    const now = Date.now()
    const due = Math.floor(((now - start) / 1000) * rate) - sent
    if (due > 0 && inFlight < MAX_IN_FLIGHT) {
      const moving: { id: number; step: number }[] = []
      const items = Array.from({ length: Math.min(due, 1000) }, () => item(now, moving))
      sent += items.length
      void send(items, moving)
    }
    await new Promise((r) => setTimeout(r, STEP_MS))
  }
  while (inFlight > 0) await new Promise((r) => setTimeout(r, 10))
  const secs = (Date.now() - start) / 1000
  process.send!({ type: 'done', sent, acked, failed, eventsPerSec: acked / secs })
  process.exit(0)
}

void main()
