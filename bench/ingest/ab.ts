// npx tsx bench/ingest/ab.ts <dirA> <dirB> [pairs=6] — a paired A/B of bench:ingest's single-event phase:
// two servers, each run from its own checkout (A: e.g. main, B: a change), each on its own copy of the same
// seeded database, both with synchronous=full, driven in alternating rounds (A B, then B A, …) exactly as
// bench:ingest drives its single phase (12 keep-alive connections, the same report bodies). One warm-up round
// each is not counted. Prints each pair and the median of the per-pair ratios B/A (rate and server CPU per
// event). BENCH_PROFILE=<dir> profiles both servers (file names carry each one's pid, printed at start).
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { openDb } from '../../server/db'
import { ensureSeeded } from '../../fixtures/seed'
import { Keys } from '../../server/keys'
import { samplePoints, type Sample } from './raw'
import { measured, settled, singleRound, startServer, stopServer } from './server'
import { median } from '../stats'

const [dirA, dirB] = process.argv.slice(2, 4).map((d) => resolve(d))
const PAIRS = Number(process.argv[4] ?? 6)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6)
const SEED_CASES = 2000
const PORT = Number(process.env.BENCH_PORT ?? 3927)

async function prepare(file: string) {
  const db = openDb(file)
  await ensureSeeded(db, { cases: SEED_CASES })
  const keys = new Keys(db)
  const secret = keys.create({ role: 'write', source: 'import', name: 'bench' }).secret
  const viewer = keys.create({ role: 'viewer', name: 'bench settle' }).secret
  const samples = samplePoints(db)
  db.$client.pragma('wal_checkpoint(TRUNCATE)')
  db.$client.close()
  return { secret, viewer, samples }
}

async function round(port: number, pid: number, secret: string, samples: Sample[]) {
  const r = await measured(port, pid, () => singleRound(port, secret, samples, SECONDS))
  return { rate: r.eventsPerSec, p50: r.p50, p99: r.p99, cpuUs: r.serverCpuUsPerEvent, perCommit: r.jobsPerCommit, failed: r.failed }
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'onescreen-ab-'))
  try {
    const base = join(dir, 'a.db')
    const { secret, viewer, samples } = await prepare(base)
    copyFileSync(base, join(dir, 'b.db'))
    const a = await startServer({ cwd: dirA, file: base, port: PORT, synchronous: 'full', seedCases: SEED_CASES })
    const b = await startServer({ cwd: dirB, file: join(dir, 'b.db'), port: PORT + 1, synchronous: 'full', seedCases: SEED_CASES })
    console.log(`A ${dirA} (pid ${a.pid}), B ${dirB} (pid ${b.pid})`)
    const waited = await Promise.all([settled(PORT, viewer), settled(PORT + 1, viewer)])
    console.log(`settled (replay service idle for 5 s) after ${Math.max(...waited).toFixed(0)} s`)
    const run = (which: 'A' | 'B') => (which === 'A' ? round(PORT, a.pid!, secret, samples) : round(PORT + 1, b.pid!, secret, samples))
    await run('A')
    await run('B')
    const pairs: { a: Awaited<ReturnType<typeof round>>; b: Awaited<ReturnType<typeof round>> }[] = []
    for (let i = 0; i < PAIRS; i++) {
      const first = i % 2 ? 'B' : 'A'
      const x = await run(first)
      const y = await run(first === 'A' ? 'B' : 'A')
      const p = first === 'A' ? { a: x, b: y } : { a: y, b: x }
      pairs.push(p)
      const f = (r: typeof x) => `${r.rate.toFixed(0)}/s p50 ${r.p50.toFixed(2)} p99 ${r.p99.toFixed(2)} ms ${r.cpuUs.toFixed(0)} µs ${r.perCommit.toFixed(1)}/commit${r.failed ? ` FAILED ${r.failed}` : ''}`
      console.log(`pair ${i + 1}: A ${f(p.a)} | B ${f(p.b)} | B/A ${(p.b.rate / p.a.rate).toFixed(3)}; load ${loadavg()[0].toFixed(1)}`)
    }
    console.log(
      `median over ${PAIRS} pairs: A ${median(pairs.map((p) => p.a.rate)).toFixed(0)}/s, B ${median(pairs.map((p) => p.b.rate)).toFixed(0)}/s; ` +
        `rate B/A ×${median(pairs.map((p) => p.b.rate / p.a.rate)).toFixed(3)}, server CPU per event B/A ×${median(pairs.map((p) => p.b.cpuUs / p.a.cpuUs)).toFixed(3)}, ` +
        `p99 A ${median(pairs.map((p) => p.a.p99)).toFixed(2)} B ${median(pairs.map((p) => p.b.p99)).toFixed(2)} ms`,
    )
    await stopServer(a)
    await stopServer(b)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
