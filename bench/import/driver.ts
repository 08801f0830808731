// Steady writes for bench:import (its own process): one new report every 50 ms through POST /api/ingest/batch,
// so the watched screen has news every tick and a missing frame means a stalled server, not a quiet one.
// Also measures how long those writes wait for their answer while the import runs. IPC: 'stop' → figures.
import Database from 'better-sqlite3'

const base = process.env.BASE!
const key = process.env.KEY!
const db = new Database(process.env.DB!, { readonly: true })
const points = db.prepare('SELECT lon, lat FROM grids WHERE level = 4 LIMIT 200').all() as { lon: number; lat: number }[]
const matters = db.prepare('SELECT code FROM matters LIMIT 50').pluck().all() as string[]
db.close()

const acks: number[] = []
let failed = 0
let n = 0
let running = true

async function one() {
  const p = points[n % points.length]
  const t0 = performance.now()
  try {
    const res = await fetch(`${base}/api/ingest/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key, 'idempotency-key': `import-bench-${process.pid}-${++n}` },
      body: JSON.stringify({ items: [{ type: 'report', source: 'app', matter: matters[n % matters.length], lon: p.lon, lat: p.lat, description: '路面破损，影响通行' }] }),
    })
    await res.arrayBuffer()
    if (res.ok) acks.push(performance.now() - t0)
    else failed++
  } catch {
    failed++
  }
}

const timer = setInterval(() => running && void one(), 50)
process.on('message', (m: { type: string }) => {
  if (m.type === 'reset') acks.length = failed = 0
  if (m.type !== 'stop') return
  running = false
  clearInterval(timer)
  const s = [...acks].sort((a, b) => a - b)
  process.send!({ type: 'writes', acked: s.length, failed, p50: s[Math.floor(0.5 * (s.length - 1))] ?? 0, p99: s[Math.floor(0.99 * (s.length - 1))] ?? 0, max: s.at(-1) ?? 0 })
  setTimeout(() => process.exit(0), 100)
})
process.send!({ type: 'ready' })
