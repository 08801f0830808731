// npm run bench:metrics — the metrics engine on the full history (289,000 cases by default):
//   • full rebuild from case_events (events/s), against raw SQLite iteration over the same rows (baseline);
//   • start-up from a checkpoint plus a log tail, up to the first encoded district snapshot;
//   • that the checkpointed state equals the full rebuild, and checkpoint + tail equals it too.
// Medians of BENCH_RUNS runs (default 5). Writes bench/results/metrics.json.
import { mkdirSync, writeFileSync } from 'node:fs'
import { historyDb } from './live/history'
import { Layout } from '../server/metrics/layout'
import { MetricsEngine } from '../server/metrics/engine'
import { rebuild } from '../server/metrics/rebuild'
import { loadCheckpoint, saveCheckpointSync, startMetrics } from '../server/metrics/checkpoint'
import { ScopeView, WindowGrids } from '../server/live/frames'
import { encodeSnapshot } from '../shared/wire'
import { median } from './stats'

const FILE = process.env.BENCH_DB ?? 'data/bench.db'
const CASES = Number(process.env.BENCH_CASES ?? 289_000)
const RUNS = Number(process.env.BENCH_RUNS ?? 5)
const TAIL = Number(process.env.BENCH_TAIL ?? 20_000)

const cpuMs = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}

function time<T>(fn: () => T): { value: T; wall: number; cpu: number } {
  const c0 = cpuMs()
  const t0 = performance.now()
  const value = fn()
  return { value, wall: performance.now() - t0, cpu: cpuMs() - c0 }
}

function sameState(a: MetricsEngine, b: MetricsEngine): boolean {
  const parts = (e: MetricsEngine) => [...e.counters.parts(), e.counters.today, e.counters.week, e.counters.month, ...e.cross.parts(), ...e.hours.parts()]
  const pa = parts(a)
  const pb = parts(b)
  return a.lastEventId === b.lastEventId && pa.every((x, i) => Buffer.from(x.buffer, x.byteOffset, x.byteLength).equals(Buffer.from(pb[i].buffer, pb[i].byteOffset, pb[i].byteLength)))
}

async function main() {
  const db = await historyDb(FILE, CASES)
  const sql = db.$client
  const events = sql.prepare('SELECT COUNT(*) FROM case_events').pluck().get() as number
  const cases = sql.prepare('SELECT COUNT(*) FROM cases').pluck().get() as number
  console.log(`${FILE}: ${cases} cases, ${events} events; ${RUNS} runs`)
  const layout = Layout.fromDb(db)
  const raw = sql.prepare('SELECT case_id, action, at, data FROM case_events ORDER BY id').raw()
  const rawPage = sql.prepare('SELECT case_id, action, at, data FROM case_events WHERE id > ? AND id <= ?').raw()
  const maxEvent = sql.prepare('SELECT MAX(id) FROM case_events').pluck().get() as number

  const rawRuns: { wall: number; cpu: number }[] = []
  const pagedRuns: { wall: number; cpu: number }[] = []
  const rebuildRuns: { wall: number; cpu: number; phases: Record<string, number> }[] = []
  const engine = new MetricsEngine(layout)
  for (let r = 0; r < RUNS; r++) {
    // Baseline: the same rows, same statement shape, doing nothing but touching each row.
    const b = time(() => {
      let n = 0
      for (const row of raw.iterate() as IterableIterator<unknown[]>) n += row.length
      return n
    })
    rawRuns.push({ wall: b.wall, cpu: b.cpu })
    // The same rows read in id ranges of 10,000 (.all), exactly as the rebuild reads them: the stricter baseline.
    const p = time(() => {
      let n = 0
      for (let lo = 0; lo < maxEvent; lo += 10_000) for (const row of rawPage.all(lo, lo + 10_000) as unknown[][]) n += row.length
      return n
    })
    pagedRuns.push({ wall: p.wall, cpu: p.cpu })
    const x = time(() => rebuild(db, engine))
    rebuildRuns.push({ wall: x.wall, cpu: x.cpu, phases: x.value.phases })
  }

  // The checkpoint of the rebuilt state, and a restart from it equals the rebuild.
  const save = time(() => saveCheckpointSync(db, engine))
  const loaded = new MetricsEngine(layout)
  loadCheckpoint(db, loaded)
  const checkpointEqualsRebuild = sameState(loaded, engine)

  // Start-up: checkpoint + tail → the first district snapshot, encoded. The checkpoint is taken TAIL events
  // before the end of the log, so the start replays a real tail; the result must equal the full rebuild.
  const maxId = sql.prepare('SELECT MAX(id) FROM case_events').pluck().get() as number
  const early = new MetricsEngine(layout)
  rebuild(db, early, maxId - TAIL)
  saveCheckpointSync(db, early)
  const startRuns: { ms: number; metricsMs: number; snapshotBytes: number }[] = []
  let tailEqualsRebuild = true
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now()
    const e = new MetricsEngine(Layout.fromDb(db))
    const started = startMetrics(db, e)
    const view = new ScopeView(e, new WindowGrids(e, 'today'), 0, '410103|today')
    const bytes = encodeSnapshot(view.snapshot(Date.now()))
    startRuns.push({ ms: performance.now() - t0, metricsMs: started.ms, snapshotBytes: bytes.length })
    if (r === 0) tailEqualsRebuild = started.from === 'checkpoint' && started.tail === TAIL && sameState(e, engine)
  }
  saveCheckpointSync(db, engine) // leave the full checkpoint behind

  const iterWall = median(rawRuns.map((x) => x.wall))
  const iterCpu = median(rawRuns.map((x) => x.cpu))
  const rawWall = Math.min(iterWall, median(pagedRuns.map((x) => x.wall)))
  const rawCpu = Math.min(iterCpu, median(pagedRuns.map((x) => x.cpu)))
  const rbWall = median(rebuildRuns.map((x) => x.wall))
  const rbCpu = median(rebuildRuns.map((x) => x.cpu))
  const phases = Object.fromEntries(Object.keys(rebuildRuns[0].phases).map((k) => [k, Math.round(median(rebuildRuns.map((x) => x.phases[k])))]))
  const result = {
    at: new Date().toISOString(),
    cases, events, runs: RUNS,
    rebuild: {
      ms: Math.round(rbWall), eventsPerSec: Math.round(events / (rbWall / 1000)), cpuMs: Math.round(rbCpu),
      eventsPerCpuSec: Math.round(events / (rbCpu / 1000)), phases, target: 500_000,
    },
    baseline: {
      rawMs: Math.round(rawWall), eventsPerSec: Math.round(events / (rawWall / 1000)), cpuMs: Math.round(rawCpu),
      iterateMs: Math.round(iterWall), pagedMs: Math.round(median(pagedRuns.map((x) => x.wall))),
    },
    ratio: { wall: +(rawWall / rbWall).toFixed(3), cpu: +(rawCpu / rbCpu).toFixed(3) },
    checkpoint: { bytes: save.value, saveMs: Math.round(save.wall), equalsRebuild: checkpointEqualsRebuild },
    startup: {
      tailEvents: TAIL, ms: Math.round(median(startRuns.map((x) => x.ms))), metricsMs: Math.round(median(startRuns.map((x) => x.metricsMs))),
      firstSnapshotBytes: startRuns[0].snapshotBytes, equalsRebuild: tailEqualsRebuild, target: 3000,
    },
  }
  mkdirSync('bench/results', { recursive: true })
  writeFileSync('bench/results/metrics.json', JSON.stringify(result, null, 2) + '\n')
  const rows: [string, string, string][] = [
    ['full rebuild', `${result.rebuild.ms} ms`, `${(result.rebuild.eventsPerSec / 1e6).toFixed(2)} M events/s (CPU ${(result.rebuild.eventsPerCpuSec / 1e6).toFixed(2)} M/s)`],
    ['  phases', '', Object.entries(phases).map(([k, v]) => `${k} ${v} ms`).join(', ')],
    ['raw SQLite read (baseline)', `${result.baseline.rawMs} ms`, `${(result.baseline.eventsPerSec / 1e6).toFixed(2)} M rows/s (faster of iterate ${result.baseline.iterateMs} ms, paged ${result.baseline.pagedMs} ms)`],
    ['rebuild / raw', '', `${result.ratio.wall} (wall), ${result.ratio.cpu} (CPU)`],
    ['checkpoint', `${result.checkpoint.saveMs} ms`, `${(result.checkpoint.bytes / 1024).toFixed(0)} KB, equals rebuild: ${result.checkpoint.equalsRebuild}`],
    [`start-up (checkpoint + ${TAIL} tail + snapshot)`, `${result.startup.ms} ms`, `metrics ${result.startup.metricsMs} ms, snapshot ${result.startup.firstSnapshotBytes} B, equals rebuild: ${result.startup.equalsRebuild}`],
  ]
  const w0 = Math.max(...rows.map((r) => r[0].length))
  for (const [a, b, c] of rows) console.log(`${a.padEnd(w0)}  ${b.padStart(8)}  ${c}`)
  db.$client.close()
  if (!checkpointEqualsRebuild || !tailEqualsRebuild) process.exitCode = 1
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
