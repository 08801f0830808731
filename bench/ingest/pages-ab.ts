// In-process A/B of the ingest's commit cost: the same code on two copies of one seeded database, B with DDL
// applied (argv[2], ';'-separated). Groups of 6 reports per commit, alternating rounds; CPU per event and WAL
// frames per group. No fsync, no checkpoints inside the timed part.
import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { openDb, PAGE_CACHE, setPageCache } from '../../server/db'
import { ensureSeeded } from '../../fixtures/seed'
import { GridIndex } from '../../server/geo'
import { Ingest } from '../../server/cases/ingest'
import { IdempotencyStore } from '../../server/cases/idempotency'
import { median } from '../stats'

const DDL = process.argv[2] ?? ''
const ROUNDS = Number(process.argv[3] ?? 10)
const GROUPS = 400
const dir = mkdtempSync(join(tmpdir(), 'onescreen-pages-'))
const base = join(dir, 'base.db')
const db0 = openDb(base)
await ensureSeeded(db0, { cases: 2000 })
const grids0 = GridIndex.load(db0)
const matters = db0.$client.prepare('SELECT code FROM matters').pluck().all() as string[]
const [x0, y0, x1, y1] = grids0.extent!
let seed = 12345
const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32)
const samples: { x: number; y: number; matter: string }[] = []
while (samples.length < 5000) {
  const x = x0 + rnd() * (x1 - x0), y = y0 + rnd() * (y1 - y0)
  if (grids0.locate(x, y)) samples.push({ x, y, matter: matters[Math.floor(rnd() * matters.length)] })
}
db0.$client.pragma('wal_checkpoint(TRUNCATE)')
db0.$client.close()
const side = (name: string, ddl: string) => {
  const file = join(dir, `${name}.db`)
  copyFileSync(base, file)
  const db = openDb(file, 'normal')
  if (ddl) db.$client.exec(ddl)
  db.$client.pragma('temp_store = MEMORY')
  setPageCache(db.$client, PAGE_CACHE.liveMb)
  db.$client.pragma('wal_checkpoint(TRUNCATE)')
  db.$client.pragma('wal_autocheckpoint = 0')
  const ingest = new Ingest(db, GridIndex.load(db))
  return { name, file, db, ingest, cpu: [] as number[], frames: [] as number[] }
}
const A = side('a', ''), B = side('b', DDL)
let k = 0
async function round(s: typeof A) {
  s.db.$client.pragma('wal_checkpoint(TRUNCATE)')
  const w0 = statSync(`${s.file}-wal`).size
  const c0 = process.cpuUsage()
  for (let g = 0; g < GROUPS; g++) {
    await Promise.all(Array.from({ length: 6 }, () => {
      const p = samples[k++ % samples.length]
      const key = `1:bench-${k}`
      const body = { source: 'patrol', matter: p.matter, lon: p.x, lat: p.y, description: '巡查发现：路面破损，需要处置', address: '二七区某路' }
      const hash = IdempotencyStore.hash('POST /api/cases', body)
      return s.ingest.submit(() => s.ingest.report({ ...body, actor: 'patrol:bench' }, {
        idempotency: { key, hash, answer: (r) => ({ status: 201, body: JSON.stringify({ id: (r as { caseId: number }).caseId }) }) },
      }))
    }))
  }
  const c = process.cpuUsage(c0)
  s.cpu.push((c.user + c.system) / (GROUPS * 6))
  s.frames.push((statSync(`${s.file}-wal`).size - w0) / (4096 + 24) / GROUPS)
}
await round(A); await round(B); A.cpu.length = B.cpu.length = A.frames.length = B.frames.length = 0
for (let r = 0; r < ROUNDS; r++) {
  if (r % 2) { await round(B); await round(A) } else { await round(A); await round(B) }
}
console.log(`A cpu µs/event ${A.cpu.map((x) => x.toFixed(0)).join(' ')}; frames/group ${median(A.frames).toFixed(1)}`)
console.log(`B cpu µs/event ${B.cpu.map((x) => x.toFixed(0)).join(' ')}; frames/group ${median(B.frames).toFixed(1)}`)
console.log(`B/A cpu ×${median(B.cpu.map((b, i) => b / A.cpu[i])).toFixed(3)} (paired median of ${ROUNDS})`)
for (const s of [A, B]) s.db.$client.close()
rmSync(dir, { recursive: true, force: true })
