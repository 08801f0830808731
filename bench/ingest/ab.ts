// npx tsx bench/ingest/ab.ts <dirA> <dirB> [pairs=6] — a paired A/B of bench:ingest's single-event phase:
// two servers, each run from its own checkout (A: e.g. main, B: a change), each on its own copy of the same
// seeded database, both with synchronous=full, driven in alternating rounds (A B, then B A, …) exactly as
// bench:ingest drives its single phase (12 keep-alive connections, the same report bodies). One warm-up round
// each is not counted. Prints each pair and the median of the per-pair ratios B/A (rate and server CPU per
// event). BENCH_PROFILE=<dir> profiles both servers (file names carry each one's pid, printed at start).
import { spawn, type ChildProcess } from 'node:child_process'
import http from 'node:http'
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { openDb } from '../../server/db'
import { ensureSeeded } from '../../fixtures/seed'
import { Keys } from '../../server/keys'
import { Connection, cpuMs } from './load'
import { samplePoints, type Sample } from './raw'
import { median } from '../stats'

const [dirA, dirB] = process.argv.slice(2, 4).map((d) => resolve(d))
const PAIRS = Number(process.argv[4] ?? 6)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 12)
const SEED_CASES = 2000
const PORT = Number(process.env.BENCH_PORT ?? 3927)

async function prepare(file: string) {
  const db = openDb(file)
  await ensureSeeded(db, { cases: SEED_CASES })
  const keys = new Keys(db)
  const secret = keys.create({ role: 'write', source: 'import', name: 'bench' }).secret
  const samples = samplePoints(db)
  db.$client.pragma('wal_checkpoint(TRUNCATE)')
  db.$client.close()
  return { secret, samples }
}

function start(cwd: string, file: string, port: number): Promise<ChildProcess> {
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE] : []
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', 'server/main.ts'], {
    cwd,
    env: {
      ...process.env, ONESCREEN_DB: file, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'error',
      ONESCREEN_DB_SYNCHRONOUS: 'full', ONESCREEN_RATE_KEY_MAX: '100000000', ONESCREEN_SEED_CASES: String(SEED_CASES),
      ONESCREEN_DEMO: 'false',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  return new Promise((ok, fail) => {
    const poll = () =>
      http.get({ host: '127.0.0.1', port, path: '/api/health' }, (res) => {
        res.resume()
        if (res.statusCode === 200) ok(child)
        else setTimeout(poll, 200)
      }).on('error', () => setTimeout(poll, 200))
    child.once('exit', (code) => fail(new Error(`server in ${cwd} exited with ${code}`)))
    poll()
  })
}

function commits(port: number): Promise<{ groups: number; jobs: number }> {
  return new Promise((ok, fail) =>
    http.get({ host: '127.0.0.1', port, path: '/api/health' }, (res) => {
      let text = ''
      res.on('data', (c) => (text += c))
      res.on('end', () => ok(JSON.parse(text).commits))
    }).on('error', fail),
  )
}

let sampleAt = 0
async function round(port: number, pid: number, secret: string, samples: Sample[]) {
  const latencies: number[] = []
  let failed = 0
  const c0 = await commits(port)
  const cpu0 = cpuMs(pid)
  const t0 = performance.now()
  const end = t0 + SECONDS * 1000
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      const c = new Connection(port)
      while (performance.now() < end) {
        const s = samples[sampleAt++ % samples.length]
        const body = JSON.stringify({ source: 'patrol', matter: s.matter, lon: s.x, lat: s.y, description: '巡查发现：路面破损，需要处置', address: '二七区某路' })
        const t = performance.now()
        const r = await c.post('/api/cases', body, secret)
        if (r.status === 201) latencies.push(performance.now() - t)
        else failed++
      }
      c.close()
    }),
  )
  const elapsed = (performance.now() - t0) / 1000
  const cpu = cpuMs(pid) - cpu0
  const c1 = await commits(port)
  const sorted = Float64Array.from(latencies).sort()
  return {
    rate: latencies.length / elapsed,
    p50: sorted[Math.floor(0.5 * sorted.length)],
    p99: sorted[Math.floor(0.99 * sorted.length)],
    cpuUs: (cpu * 1000) / latencies.length,
    perCommit: (c1.jobs - c0.jobs) / Math.max(1, c1.groups - c0.groups),
    failed,
  }
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'onescreen-ab-'))
  try {
    const base = join(dir, 'a.db')
    const { secret, samples } = await prepare(base)
    copyFileSync(base, join(dir, 'b.db'))
    const a = await start(dirA, base, PORT)
    const b = await start(dirB, join(dir, 'b.db'), PORT + 1)
    console.log(`A ${dirA} (pid ${a.pid}), B ${dirB} (pid ${b.pid}); settling 20 s`)
    await new Promise((r) => setTimeout(r, 20_000))
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
    for (const c of [a, b]) {
      c.removeAllListeners('exit')
      const gone = new Promise((r) => c.once('exit', r))
      c.kill('SIGTERM')
      await gone
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
