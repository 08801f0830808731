// Report load for bench:soak (a child process): RATE new cases a second through POST /api/cases, the way a
// citizen app sends them (one request each, keep-alive), and each case voided 5–60 s later through
// POST /api/cases/:id/actions, so the district holds a steady number of open cases rather than an ever
// growing one (a leak test must not mistake more work for a leak). IPC: {report} → stats; {stop} → exit.
import Database from 'better-sqlite3'
import { Connection } from '../ingest/load'
import { createRandom } from '../../shared/random'

const base = Number(process.env.PORT)
const key = process.env.KEY!
const rate = Number(process.env.RATE ?? 200)
// Enough connections that a slow answer (a busy, shared machine) does not hold the rate down: each sends in turn.
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 32)

const db = new Database(process.env.DB!, { readonly: true })
const points = db.prepare('SELECT lon, lat FROM grids WHERE level = 4').all() as { lon: number; lat: number }[]
const matters = db.prepare('SELECT code FROM matters').pluck().all() as string[]
db.close()

const rnd = createRandom('soak-reporter')
const stats = { reported: 0, voided: 0, failed: 0, firstError: '' }
/** Cases to void, oldest first: [due at, id]. */
const toVoid: [number, number][] = []
let stopping = false
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

function fail(r: { status: number; text: string }) {
  if (stats.failed++ === 0) stats.firstError = `${r.status} ${r.text.slice(0, 200)}`
}

async function run(c: Connection, perSecond: number) {
  const every = 1000 / perSecond
  let next = performance.now()
  while (!stopping) {
    const now = Date.now()
    if (toVoid.length && toVoid[0][0] <= now) {
      const [, id] = toVoid.shift()!
      const r = await c.post(`/api/cases/${id}/actions`, JSON.stringify({ action: 'void', reason: '重复上报' }), key)
      if (r.status === 200) stats.voided++
      else fail(r)
    }
    next += every
    const wait = next - performance.now()
    if (wait > 0) await sleep(wait)
    const p = rnd.pick(points)
    const body = { source: 'app', matter: rnd.pick(matters), lon: p.lon, lat: p.lat, description: '居民随手拍：路面破损，影响通行' }
    const r = await c.post('/api/cases', JSON.stringify(body), key)
    if (r.status !== 201) {
      fail(r)
      continue
    }
    stats.reported++
    toVoid.push([Date.now() + rnd.int(5, 60) * 1000, (JSON.parse(r.text) as { id: number }).id])
    toVoid.sort((a, b) => a[0] - b[0])
  }
  c.close()
}

const runs = Array.from({ length: CONNECTIONS }, () => run(new Connection(base), rate / CONNECTIONS))
process.on('message', (m: { type: string }) => {
  if (m.type === 'report') process.send!({ type: 'stats', ...stats, waiting: toVoid.length })
  if (m.type === 'stop') {
    stopping = true
    void Promise.allSettled(runs).then(() => process.exit(0))
  }
})
process.send!({ type: 'ready' })
