// npm run bench:ingest — how fast does the one ingest acknowledge writes, and how close is it to raw SQLite?
//
// The server runs in a child process on a temp database (small seed), exactly as `npm start` runs it. This
// process drives it over HTTP/1.1 keep-alive:
//   single  one report per request from C concurrent connections, for a sustained period → events/s and
//           p50/p99 acknowledgement latency (request sent → 201 received, i.e. after commit);
//   batch   500 reports per POST /api/ingest/batch → events/s;
//   raw     right after each batch phase, in this process, the same rows (case_events + cases) with raw
//           better-sqlite3 prepared statements in transactions of 500 → rows/s, the baseline; its database is
//           set up like the server's and grown to the server's size first (bench/ingest/raw.ts).
// Each round runs all three against the server as shipped (ONESCREEN_DB_SYNCHRONOUS=full: a write is
// acknowledged once the WAL holding it is fsynced), and single + batch again against a second server on its
// own copy with 'normal' (acknowledged at commit), alternating, so the cost of durability is measured in the
// same conditions. The table quotes medians over ROUNDS rounds (ratios: median of per-round ratios). It also reports CPU per event (server from /proc, client from process.cpuUsage), which says more
// than a rate on a 2-core machine shared with other work. Before round 1 both servers settle (their replay
// service idle for 5 s: its start-up build runs on the server's CPU); then WARMUP_ROUNDS (default 1) rounds run
// exactly like the measured ones and are not counted (JIT, statement caches, the WAL file growing to its steady
// size): after a 2 s warm-up the rounds still rose, 3,646, 3,533, 4,265, 4,929 and 5,099/s (issue 10), so the
// median partly measured the warm-up. Results go to bench/results/ingest.json.
import { spawn, type ChildProcess } from 'node:child_process'
import http from 'node:http'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDb } from '../server/db'
import { ensureSeeded } from '../fixtures/seed'
import { Connection, cpuMs } from './ingest/load'
import { RawBaseline, samplePoints, type Sample } from './ingest/raw'
import { Keys } from '../server/keys'
import { median } from './stats'

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const WARMUP_ROUNDS = Number(process.env.BENCH_WARMUP_ROUNDS ?? 1)
const SINGLE_SECONDS = Number(process.env.BENCH_SECONDS ?? 6)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 12)
const BATCH_SIZE = 500
const BATCHES_PER_ROUND = Number(process.env.BENCH_BATCHES ?? 40)
const PORT = Number(process.env.BENCH_PORT ?? 3917)
const SEED_CASES = 2000


const percentile = (sorted: Float64Array, p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]

// ---- setup -------------------------------------------------------------------------------------------

function prepare(dir: string) {
  const file = join(dir, 'bench.db')
  const db = openDb(file)
  return ensureSeeded(db, { cases: SEED_CASES }).then(() => {
    const keys = new Keys(db)
    const { secret } = keys.create({ role: 'write', source: 'import', name: 'bench' })
    // To ask the server whether its start-up work is done (GET /api/replay reads with a viewer token).
    const viewer = keys.create({ role: 'viewer', name: 'bench settle' }).secret
    const samples = samplePoints(db)
    db.$client.close()
    return { file, secret, viewer, samples }
  })
}

function startServer(file: string, port: number, synchronous: string): Promise<ChildProcess> {
  // BENCH_PROFILE=<dir> writes a CPU profile of the server there.
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE] : []
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', 'server/main.ts'], {
    env: {
      ...process.env, ONESCREEN_DB: file, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn',
      ONESCREEN_DB_SYNCHRONOUS: synchronous,
      ONESCREEN_RATE_KEY_MAX: '100000000', ONESCREEN_SEED_CASES: String(SEED_CASES),
      // No demo simulator writing alongside the benchmark.
      ONESCREEN_DEMO: 'false',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 60_000
    const poll = () =>
      http.get({ host: '127.0.0.1', port, path: '/api/health' }, (res) => {
        res.resume()
        if (res.statusCode === 200) resolve(child)
        else setTimeout(poll, 200)
      }).on('error', () => (Date.now() > deadline ? reject(new Error('server did not start')) : setTimeout(poll, 200)))
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)))
    poll()
  })
}

function health(port = PORT): Promise<{ cases?: number; commits?: { groups: number; jobs: number } }> {
  return new Promise((resolve, reject) =>
    http.get({ host: '127.0.0.1', port, path: '/api/health' }, (res) => {
      let text = ''
      res.on('data', (c) => (text += c))
      res.on('end', () => resolve(JSON.parse(text)))
    }).on('error', reject),
  )
}

/**
 * Wait until the server's start-up work is over: the replay service builds its saved midnights in worker
 * threads after the start (on the server's CPU, which the rounds measure), so wait until it has been idle for
 * 5 s in a row, as bench:live does.
 */
async function settled(port: number, viewer: string): Promise<number> {
  const t0 = performance.now()
  const building = () =>
    new Promise<boolean>((resolve, reject) =>
      http.get({ host: '127.0.0.1', port, path: '/api/replay', headers: { authorization: `Bearer ${viewer}` } }, (res) => {
        let text = ''
        res.on('data', (c) => (text += c))
        res.on('end', () => (res.statusCode === 200 ? resolve(!!JSON.parse(text).service?.building) : reject(new Error(`GET /api/replay: ${res.statusCode} ${text}`))))
      }).on('error', reject),
    )
  for (let quiet = 0, i = 0; quiet < 5 && i < 300; i++) {
    quiet = (await building()) ? 0 : quiet + 1
    await new Promise((r) => setTimeout(r, 1000))
  }
  return (performance.now() - t0) / 1000
}

function stopServer(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit')
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
  })
}

// ---- HTTP load ---------------------------------------------------------------------------------------

let sampleAt = 0
function reportJson(samples: Sample[]) {
  const s = samples[sampleAt++ % samples.length]
  return { source: 'patrol', matter: s.matter, lon: s.x, lat: s.y, description: '巡查发现：路面破损，需要处置', address: '二七区某路' }
}

async function singleRound(secret: string, samples: Sample[], seconds: number, port = PORT) {
  const latencies: number[] = []
  let failed = 0
  let firstError = ''
  const end = performance.now() + seconds * 1000
  const t0 = performance.now()
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      const c = new Connection(port)
      while (performance.now() < end) {
        const body = JSON.stringify(reportJson(samples))
        const start = performance.now()
        const r = await c.post('/api/cases', body, secret)
        if (r.status === 201) latencies.push(performance.now() - start)
        else if (failed++ === 0) firstError = `${r.status} ${r.text}`
      }
      c.close()
    }),
  )
  const elapsed = (performance.now() - t0) / 1000
  const sorted = Float64Array.from(latencies).sort()
  return { eventsPerSec: latencies.length / elapsed, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), acked: latencies.length, failed, firstError }
}

async function batchRound(secret: string, samples: Sample[], port = PORT) {
  let acked = 0
  let failed = 0
  let firstError = ''
  let next = 0
  const t0 = performance.now()
  // Two uploads in flight: an upstream system pipelining its export.
  await Promise.all(
    [0, 1].map(async () => {
      const c = new Connection(port)
      while (next < BATCHES_PER_ROUND) {
        next++
        const items = Array.from({ length: BATCH_SIZE }, () => ({ type: 'report', ...reportJson(samples) }))
        const r = await c.post('/api/ingest/batch', JSON.stringify({ items }), secret)
        if (r.status === 200) acked += BATCH_SIZE
        else if (failed++ === 0) firstError = `${r.status} ${r.text.slice(0, 300)}`
      }
      c.close()
    }),
  )
  return { eventsPerSec: acked / ((performance.now() - t0) / 1000), acked, failed, firstError }
}

// ---- run ---------------------------------------------------------------------------------------------

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'onescreen-bench-'))
  try {
    console.log(`preparing a temp database (${SEED_CASES} seeded cases)…`)
    const { file, secret, viewer, samples } = await prepare(dir)
    const normalDir = join(dir, 'normal')
    mkdirSync(normalDir)
    const normalDb = await prepare(normalDir)
    const server = await startServer(file, PORT, 'full')
    const normalServer = await startServer(normalDb.file, PORT + 1, 'normal')
    const waited = await Promise.all([settled(PORT, viewer), settled(PORT + 1, normalDb.viewer)])
    console.log(`servers settled (replay service idle for 5 s) after ${Math.max(...waited).toFixed(0)} s`)
    console.log(`server up; ${WARMUP_ROUNDS} warm-up + ${ROUNDS} rounds: single ${SINGLE_SECONDS}s × ${CONNECTIONS} connections, batch ${BATCHES_PER_ROUND} × ${BATCH_SIZE}`)
    const single = []
    const batch = []
    const normal: { single: Awaited<ReturnType<typeof singleRound>>[]; batch: Awaited<ReturnType<typeof batchRound>>[] } = { single: [], batch: [] }
    const raw: number[] = []
    const baseline = await RawBaseline.open(dir, samples, BATCH_SIZE)
    baseline.run(0, 5000) // warm-up
    const pid = server.pid!
    const measured = async <T extends { acked: number }>(run: () => Promise<T>) => {
      const cpu0 = cpuMs(pid)
      const c0 = (await health()).commits
      const own0 = process.cpuUsage()
      const r = await run()
      const own = process.cpuUsage(own0)
      const c1 = (await health()).commits
      const jobsPerCommit = c0 && c1 ? (c1.jobs - c0.jobs) / Math.max(1, c1.groups - c0.groups) : NaN
      return {
        ...r,
        serverCpuUsPerEvent: ((cpuMs(pid) - cpu0) * 1000) / r.acked,
        clientCpuUsPerEvent: (own.user + own.system) / r.acked,
        jobsPerCommit,
      }
    }
    for (let w = -WARMUP_ROUNDS; w < ROUNDS; w++) {
      // Warm-up rounds (w < 0) run the same phases in the same order; their figures are printed, not kept.
      const x = {
        single: await measured(() => singleRound(secret, samples, SINGLE_SECONDS)),
        normalSingle: await singleRound(normalDb.secret, normalDb.samples, SINGLE_SECONDS, PORT + 1),
        batch: await measured(() => batchRound(secret, samples)),
        normalBatch: await batchRound(normalDb.secret, normalDb.samples, PORT + 1),
        // The baseline right after, in the same conditions (the server idles meanwhile): on a shared machine the
        // load drifts, and a ratio of rates measured minutes apart would mostly measure the drift.
        raw: baseline.run((await health()).cases ?? 0, BATCHES_PER_ROUND * BATCH_SIZE),
      }
      console.log(
        `${w < 0 ? `warm-up round ${w + WARMUP_ROUNDS + 1} (not counted)` : `round ${w + 1}`}: single ${x.single.eventsPerSec.toFixed(0)}/s p99 ${x.single.p99.toFixed(2)} ms ` +
          `(${x.single.jobsPerCommit.toFixed(1)} requests per commit; CPU per event: server ${x.single.serverCpuUsPerEvent.toFixed(0)} µs, ` +
          `client ${x.single.clientCpuUsPerEvent.toFixed(0)} µs); batch ${x.batch.eventsPerSec.toFixed(0)}/s; ` +
          `raw ${x.raw.toFixed(0)}/s (batch ${((100 * x.batch.eventsPerSec) / x.raw).toFixed(1)} % of raw); ` +
          `normal: single ${x.normalSingle.eventsPerSec.toFixed(0)}/s p99 ${x.normalSingle.p99.toFixed(2)} ms, batch ${x.normalBatch.eventsPerSec.toFixed(0)}/s; load ${loadavg()[0].toFixed(1)}`,
      )
      if (w < 0) continue
      single.push(x.single)
      normal.single.push(x.normalSingle)
      batch.push(x.batch)
      normal.batch.push(x.normalBatch)
      raw.push(x.raw)
    }
    await stopServer(server)
    await stopServer(normalServer)
    await baseline.close()
    for (const x of [...single, ...batch]) if (x.failed) console.warn(`warning: ${x.failed} requests failed, first: ${x.firstError}`)

    const result = {
      date: new Date().toISOString(),
      machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
      settings: { warmupRounds: WARMUP_ROUNDS, rounds: ROUNDS, singleSeconds: SINGLE_SECONDS, connections: CONNECTIONS, batchSize: BATCH_SIZE, batchesPerRound: BATCHES_PER_ROUND, seedCases: SEED_CASES },
      single: {
        eventsPerSec: median(single.map((x) => x.eventsPerSec)),
        p50Ms: median(single.map((x) => x.p50)),
        p99Ms: median(single.map((x) => x.p99)),
        serverCpuUsPerEvent: median(single.map((x) => x.serverCpuUsPerEvent)),
        requestsPerCommit: median(single.map((x) => x.jobsPerCommit)),
        clientCpuUsPerEvent: median(single.map((x) => x.clientCpuUsPerEvent)),
        rounds: single.map(({ firstError: _, ...x }) => x),
      },
      batch: {
        eventsPerSec: median(batch.map((x) => x.eventsPerSec)),
        serverCpuUsPerEvent: median(batch.map((x) => x.serverCpuUsPerEvent)),
        rounds: batch.map(({ firstError: _, ...x }) => x) },
      raw: {
        rowsPerSec: median(raw),
        cpuUsPerEvent: 1e6 / median(raw),
        rounds: raw,
        note: "reports/s; each is one case_events row and one cases row, into a database grown to the server's size",
      },
      synchronous: 'full',
      normal: {
        single: {
          eventsPerSec: median(normal.single.map((x) => x.eventsPerSec)),
          p50Ms: median(normal.single.map((x) => x.p50)),
          p99Ms: median(normal.single.map((x) => x.p99)),
        },
        batch: { eventsPerSec: median(normal.batch.map((x) => x.eventsPerSec)) },
        note: 'ONESCREEN_DB_SYNCHRONOUS=normal, alternating with the full rounds: what durability costs',
      },
      loadAverage: (await import('node:os')).loadavg(),
      ratios: {} as Record<string, number>,
      targets: {} as Record<string, boolean>,
    }
    result.ratios = {
      // Median of the per-round ratios (each round's batch against the raw run right after it).
      batchToRaw: median(batch.map((b, r) => b.eventsPerSec / raw[r])),
      singleToRaw: median(single.map((x, r) => x.eventsPerSec / raw[r])),
      // Per round, full against the normal run beside it.
      singleFullToNormal: median(single.map((x, r) => x.eventsPerSec / normal.single[r].eventsPerSec)),
      batchFullToNormal: median(batch.map((x, r) => x.eventsPerSec / normal.batch[r].eventsPerSec)),
    }
    result.targets = {
      'single ≥ 5,000 events/s': result.single.eventsPerSec >= 5000,
      'single p99 ≤ 20 ms': result.single.p99Ms <= 20,
      'batch ≥ 25 % of raw': result.ratios.batchToRaw >= 0.25,
    }
    mkdirSync('bench/results', { recursive: true })
    writeFileSync('bench/results/ingest.json', JSON.stringify(result, null, 2) + '\n')

    const f = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d })
    console.log('\ningest benchmark (medians of %d rounds; load average %s)', ROUNDS, result.loadAverage.map((x) => x.toFixed(1)).join(' '))
    console.table({
      'single event (HTTP), full': { 'events/s': f(result.single.eventsPerSec), 'p50 ms': f(result.single.p50Ms, 2), 'p99 ms': f(result.single.p99Ms, 2), 'server CPU µs/event': f(result.single.serverCpuUsPerEvent), 'vs raw': `${f(result.ratios.singleToRaw * 100, 1)} %` },
      [`batch of ${BATCH_SIZE} (HTTP), full`]: { 'events/s': f(result.batch.eventsPerSec), 'p50 ms': '', 'p99 ms': '', 'server CPU µs/event': f(result.batch.serverCpuUsPerEvent), 'vs raw': `${f(result.ratios.batchToRaw * 100, 1)} %` },
      'single, synchronous=normal': { 'events/s': f(result.normal.single.eventsPerSec), 'p50 ms': f(result.normal.single.p50Ms, 2), 'p99 ms': f(result.normal.single.p99Ms, 2), 'server CPU µs/event': '', 'vs raw': '' },
      'batch, synchronous=normal': { 'events/s': f(result.normal.batch.eventsPerSec), 'p50 ms': '', 'p99 ms': '', 'server CPU µs/event': '', 'vs raw': '' },
      'raw better-sqlite3': { 'events/s': f(result.raw.rowsPerSec), 'p50 ms': '', 'p99 ms': '', 'server CPU µs/event': f(result.raw.cpuUsPerEvent), 'vs raw': '100 %' },
    })
    for (const [target, met] of Object.entries(result.targets)) console.log(`${met ? '✓' : '✗'} ${target}`)
    console.log('written to bench/results/ingest.json')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
