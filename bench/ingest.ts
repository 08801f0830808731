// npm run bench:ingest — how fast does the one ingest acknowledge writes, and how close is it to raw SQLite?
//
// The server runs in a child process on a temp database (small seed), exactly as `npm start` runs it. This
// process drives it over HTTP/1.1 keep-alive:
//   single  one report per request from C concurrent connections, for a sustained period → events/s and
//           p50/p99 acknowledgement latency (request sent → 201 received, i.e. after commit);
//   floor   right after each single phase, the same requests to bare Fastify in its own process
//           (bench/ingest/floor.ts: answered 201, nothing checked or stored) → the HTTP floor, the baseline of
//           single events: what any Fastify service pays per request on this machine at that moment;
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
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDb } from '../server/db'
import { ensureSeeded } from '../fixtures/seed'
import { Connection } from './ingest/load'
import { RawBaseline, samplePoints, type Sample } from './ingest/raw'
import { CONNECTIONS, health, listening, measured, reportJson, settled, singleRound, startServer, stopServer } from './ingest/server'
import { Keys } from '../server/keys'
import { median } from './stats'

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const WARMUP_ROUNDS = Number(process.env.BENCH_WARMUP_ROUNDS ?? 1)
const SINGLE_SECONDS = Number(process.env.BENCH_SECONDS ?? 6)
const BATCH_SIZE = 500
const BATCHES_PER_ROUND = Number(process.env.BENCH_BATCHES ?? 40)
const PORT = Number(process.env.BENCH_PORT ?? 3917)
const SEED_CASES = 2000

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

/** The HTTP floor (bench/ingest/floor.ts) in its own process. */
function startFloor(port: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/ingest/floor.ts'], {
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  return listening(child, port, '/api/health', 'HTTP floor')
}

// ---- HTTP load ---------------------------------------------------------------------------------------

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
    const server = await startServer({ file, port: PORT, synchronous: 'full', seedCases: SEED_CASES })
    const normalServer = await startServer({ file: normalDb.file, port: PORT + 1, synchronous: 'normal', seedCases: SEED_CASES })
    const floor = await startFloor(PORT + 2)
    const waited = await Promise.all([settled(PORT, viewer), settled(PORT + 1, normalDb.viewer)])
    console.log(`servers settled (replay service idle for 5 s) after ${Math.max(...waited).toFixed(0)} s`)
    console.log(`server up; ${WARMUP_ROUNDS} warm-up + ${ROUNDS} rounds: single ${SINGLE_SECONDS}s × ${CONNECTIONS} connections, batch ${BATCHES_PER_ROUND} × ${BATCH_SIZE}`)
    const single = []
    const batch = []
    const normal: { single: Awaited<ReturnType<typeof singleRound>>[]; batch: Awaited<ReturnType<typeof batchRound>>[] } = { single: [], batch: [] }
    const floors: Awaited<ReturnType<typeof measured<Awaited<ReturnType<typeof singleRound>>>>>[] = []
    const raw: number[] = []
    const baseline = await RawBaseline.open(dir, samples, BATCH_SIZE)
    baseline.run(0, 5000) // warm-up
    const pid = server.pid!
    for (let w = -WARMUP_ROUNDS; w < ROUNDS; w++) {
      // Warm-up rounds (w < 0) run the same phases in the same order; their figures are printed, not kept.
      const x = {
        single: await measured(PORT, pid, () => singleRound(PORT, secret, samples, SINGLE_SECONDS)),
        // The same requests to bare Fastify right after: the floor any HTTP service pays here at this moment.
        floor: await measured(PORT + 2, floor.pid!, () => singleRound(PORT + 2, secret, samples, SINGLE_SECONDS)),
        normalSingle: await singleRound(PORT + 1, normalDb.secret, normalDb.samples, SINGLE_SECONDS),
        batch: await measured(PORT, pid, () => batchRound(secret, samples)),
        normalBatch: await batchRound(normalDb.secret, normalDb.samples, PORT + 1),
        // The baseline right after, in the same conditions (the server idles meanwhile): on a shared machine the
        // load drifts, and a ratio of rates measured minutes apart would mostly measure the drift.
        raw: baseline.run((await health(PORT)).cases ?? 0, BATCHES_PER_ROUND * BATCH_SIZE),
      }
      console.log(
        `${w < 0 ? `warm-up round ${w + WARMUP_ROUNDS + 1} (not counted)` : `round ${w + 1}`}: single ${x.single.eventsPerSec.toFixed(0)}/s p99 ${x.single.p99.toFixed(2)} ms ` +
          `(${x.single.jobsPerCommit.toFixed(1)} requests per commit; CPU per event: server ${x.single.serverCpuUsPerEvent.toFixed(0)} µs, ` +
          `client ${x.single.clientCpuUsPerEvent.toFixed(0)} µs; ${((100 * x.single.eventsPerSec) / x.floor.eventsPerSec).toFixed(1)} % of the HTTP floor's ` +
          `${x.floor.eventsPerSec.toFixed(0)}/s at ${x.floor.serverCpuUsPerEvent.toFixed(0)} µs); batch ${x.batch.eventsPerSec.toFixed(0)}/s; ` +
          `raw ${x.raw.toFixed(0)}/s (batch ${((100 * x.batch.eventsPerSec) / x.raw).toFixed(1)} % of raw); ` +
          `normal: single ${x.normalSingle.eventsPerSec.toFixed(0)}/s p99 ${x.normalSingle.p99.toFixed(2)} ms, batch ${x.normalBatch.eventsPerSec.toFixed(0)}/s; load ${loadavg()[0].toFixed(1)}`,
      )
      if (w < 0) continue
      single.push(x.single)
      floors.push(x.floor)
      normal.single.push(x.normalSingle)
      batch.push(x.batch)
      normal.batch.push(x.normalBatch)
      raw.push(x.raw)
    }
    await stopServer(server)
    await stopServer(normalServer)
    await stopServer(floor)
    await baseline.close()
    for (const x of [...single, ...floors, ...batch]) if (x.failed) console.warn(`warning: ${x.failed} requests failed, first: ${x.firstError}`)

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
      httpFloor: {
        eventsPerSec: median(floors.map((x) => x.eventsPerSec)),
        p50Ms: median(floors.map((x) => x.p50)),
        p99Ms: median(floors.map((x) => x.p99)),
        serverCpuUsPerEvent: median(floors.map((x) => x.serverCpuUsPerEvent)),
        note: 'bare Fastify (bench/ingest/floor.ts) answering the same requests 201, nothing checked or stored, right after each single round',
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
      // Each single round against the HTTP floor's round right after it.
      singleToHttpFloor: median(single.map((x, r) => x.eventsPerSec / floors[r].eventsPerSec)),
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
      'HTTP floor (bare Fastify)': { 'events/s': f(result.httpFloor.eventsPerSec), 'p50 ms': f(result.httpFloor.p50Ms, 2), 'p99 ms': f(result.httpFloor.p99Ms, 2), 'server CPU µs/event': f(result.httpFloor.serverCpuUsPerEvent), 'vs raw': `single: ${f(result.ratios.singleToHttpFloor * 100, 1)} % of it` },
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
