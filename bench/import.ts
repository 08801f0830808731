// `npm run bench:import [-- --rows 100000 --runs 3]`: a big 12345 export imported into a running server, and
// what the wall sees meanwhile. Every part is its own process: the server (server/main.ts, with a probe of
// its event loop), a live screen on the district's today window, a writer sending a report every 50 ms (so
// the screen has news every tick), and the uploader (POST /api/import). For CSV and XLSX, --runs times each,
// on a fresh copy of a seeded database (grids and catalogue, no history), it measures: the import's time
// and CPU, the server's event-loop delay, the screen's frame gaps and the writer's answer times. The raw
// SQLite baseline then inserts the very rows one import wrote, in the same batches, in this process.
// Medians are quoted. Writes bench/results/import.json.
import { fork, type ChildProcess } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { openDb } from '../server/db'
import { Keys } from '../server/keys'
import { ensureSeeded } from '../fixtures/seed'
import { readRows, type FileKind } from '../server/import/read'
import { generateRows, loadInputs, writeCsv, writeXlsx } from '../fixtures/generate/hotline-export'
import { capture, rawInsert, type Captured } from './import/raw'
import { median } from './stats'
import { message, threadCpu, threads } from './child'

const { values } = parseArgs({ options: { rows: { type: 'string' }, runs: { type: 'string' } } })
const ROWS = Number(values.rows ?? 100_000)
const RUNS = Number(values.runs ?? 3)
/** Rows per batch of the raw baseline: the import's worker batches. */
const BATCH = 1000
const TICK_MS = 250
const TSX = ['--import', 'tsx']
const KINDS = ['csv', 'xlsx'] as const
/** How long a child may take to answer: an import of --rows can take minutes on a loaded machine. */
const WAIT_MS = 600_000

const dir = mkdtempSync(join(tmpdir(), 'onescreen-bench-import-'))
const file = (name: string) => join(dir, name)
const secs = (ms: number) => Math.round(ms) / 1000
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const load = () => round(loadavg()[0])

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })
}

/** CPU milliseconds a process has used (all its threads), from /proc. */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100
}

async function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM') {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((r) => child.once('exit', r))
  child.kill(signal)
  await Promise.race([exited, sleep(10_000)])
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
}

interface Loop { p50: number; p99: number; max: number; samples: number }
interface Frames { frames: number; maxGapMs: number; p99GapMs: number; overTwoTicks: number; resyncs: number }
interface Writes { acked: number; failed: number; p50: number; p99: number; max: number }
interface Run { kind: FileKind; ms: number; serverMs: number; cpuMs: number; threadMs: Record<string, number>; imported: number; loop: Loop; frames: Frames; writes: Writes }

/** One import into a fresh server, with the screen and the writer watching. */
async function run(kind: FileKind, r: number, keep: boolean): Promise<Run & { db: string }> {
  const db = file(`${kind}-${r}.db`)
  copyFileSync(file('template.db'), db)
  const handle = openDb(db)
  const keys = new Keys(handle)
  const importKey = keys.create({ role: 'write', source: 'import', name: 'bench import' }).secret
  const writerKey = keys.create({ role: 'write', source: 'app', name: 'bench writer' }).secret
  handle.$client.close()

  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const env = {
    ...process.env, PORT: String(port), HOST: '127.0.0.1', ONESCREEN_DB: db, ONESCREEN_DEMO: 'true', ONESCREEN_DEMO_SPEED: '0',
    ONESCREEN_SEED_CASES: '0', ONESCREEN_TICK_MS: String(TICK_MS), LOG_LEVEL: 'warn', ONESCREEN_RATE_KEY_MAX: '100000000',
  }
  // BENCH_PROFILE=<dir> writes CPU profiles of the server's threads there (one file per thread).
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE] : []
  const server = fork('server/main.ts', [], { execArgv: [...TSX, ...profile, '--import', './bench/import/probe.mjs'], env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const children: ChildProcess[] = [server]
  try {
    for (let i = 0; ; i++) {
      if (i > 600 || server.exitCode !== null) throw new Error('the server did not come up')
      const ok = await fetch(`${base}/api/health`).then((x) => x.ok, () => false)
      if (ok) break
      await sleep(200)
    }
    const screen = fork('bench/import/screen.ts', [], { execArgv: TSX, env: { ...process.env, URL: base, TICK_MS: String(TICK_MS) } })
    const writer = fork('bench/import/driver.ts', [], { execArgv: TSX, env: { ...process.env, BASE: base, KEY: writerKey, DB: db } })
    children.push(screen, writer)
    await Promise.all([message(screen, 'ready', WAIT_MS), message(writer, 'ready', WAIT_MS)])
    // Settle: the writer's first reports, the screen's first frames.
    await sleep(2000)

    server.send('loop:reset')
    screen.send({ type: 'start' })
    writer.send({ type: 'reset' })
    const cpu0 = cpuMs(server.pid!)
    const threads0 = threads(server.pid!)
    const uploader = fork('bench/import/upload.ts', [], { execArgv: TSX, env: { ...process.env, BASE: base, KEY: importKey, FILE: file(`export.${kind}`) } })
    children.push(uploader)
    const up = await message<{ status: number; ms: number; body: { imported: number; ms: number } | string }>(uploader, 'uploaded', WAIT_MS)
    const cpu = cpuMs(server.pid!) - cpu0
    // Which thread spent it: the event loop (main), the import thread, V8's GC helpers and libuv's pool.
    const threadMs = Object.fromEntries(threadCpu(server.pid!, threads0, threads(server.pid!), cpu))
    const loop = message<Loop>(server, 'loop', WAIT_MS)
    server.send('loop:read')
    screen.send({ type: 'stop' })
    writer.send({ type: 'stop' })
    const [l, f, w] = await Promise.all([loop, message<Frames>(screen, 'frames', WAIT_MS), message<Writes>(writer, 'writes', WAIT_MS)])
    if (up.status !== 200 || typeof up.body === 'string') throw new Error(`${kind}: the import answered ${up.status}: ${String(up.body)}`)
    if (up.body.imported !== ROWS) throw new Error(`${kind}: imported ${up.body.imported} of ${ROWS}`)
    return { kind, ms: up.ms, serverMs: up.body.ms, cpuMs: cpu, threadMs, imported: up.body.imported, loop: l, frames: f, writes: w, db }
  } finally {
    for (const c of children.reverse()) await stop(c)
    if (!keep) for (const ext of ['', '-wal', '-shm']) rmSync(db + ext, { force: true })
  }
}

async function main() {
  const startLoad = load()
  console.log(`bench:import — ${ROWS.toLocaleString()} rows, ${RUNS} runs; node ${process.version}, ${cpus().length} cores, load average ${startLoad}`)
  let t = performance.now()
  const inputs = loadInputs()
  const rows = generateRows(inputs.catalogue, inputs.places, { rows: ROWS, days: 365 })
  await writeCsv(file('export.csv'), rows)
  await writeXlsx(file('export.xlsx'), rows)
  const sizes = { csv: statSync(file('export.csv')).size, xlsx: statSync(file('export.xlsx')).size }
  console.log(`generated the export in ${secs(performance.now() - t)} s: CSV ${(sizes.csv / 1e6).toFixed(1)} MB, XLSX ${(sizes.xlsx / 1e6).toFixed(1)} MB`)
  const template = openDb(file('template.db'))
  await ensureSeeded(template, { cases: 0 })
  template.$client.pragma('wal_checkpoint(TRUNCATE)')
  template.$client.close()

  // Parsing alone (what the worker thread does, without the checks), to show where the time goes.
  const parse: Record<FileKind, number[]> = { csv: [], xlsx: [] }
  for (const kind of KINDS)
    for (let r = 0; r < RUNS; r++) {
      t = performance.now()
      let n = 0
      for await (const _ of readRows(file(`export.${kind}`), kind)) n++
      if (n !== ROWS + 1) throw new Error(`${kind}: read ${n} rows, expected ${ROWS + 1}`)
      parse[kind].push(performance.now() - t)
    }

  const runs: Run[] = []
  let captured: Captured | null = null
  for (let r = 0; r < RUNS; r++)
    for (const kind of KINDS) {
      const x = await run(kind, r, captured === null)
      if (!captured) {
        captured = capture(x.db)
        for (const ext of ['', '-wal', '-shm']) rmSync(x.db + ext, { force: true })
      }
      runs.push(x)
      console.log(
        `  ${kind} run ${r + 1}: ${secs(x.ms)} s (server CPU ${secs(x.cpuMs)} s), loop p99 ${round(x.loop.p99)} ms max ${round(x.loop.max)} ms, ` +
          `frame gap max ${Math.round(x.frames.maxGapMs)} ms (${x.frames.overTwoTicks} over two ticks), writes p99 ${Math.round(x.writes.p99)} ms; load ${load()}`,
      )
      console.log(`    server CPU by thread (s): ${Object.entries(x.threadMs).map(([k, v]) => `${k} ${secs(v)}`).join(', ')}`)
    }

  const raw: number[] = []
  const rawCpu: number[] = []
  for (let r = 0; r < RUNS; r++) {
    const x = rawInsert(file('template.db'), file(`raw-${r}.db`), captured!, BATCH)
    raw.push(x.ms)
    rawCpu.push(x.cpuMs)
  }

  const of = (kind: FileKind) => runs.filter((x) => x.kind === kind)
  const med = (kind: FileKind, f: (x: Run) => number) => median(of(kind).map(f))
  const worst = (kind: FileKind, f: (x: Run) => number) => Math.max(...of(kind).map(f))
  const rawRate = ROWS / (median(raw) / 1000)
  const per = <T>(f: (k: FileKind) => T) => ({ csv: f('csv'), xlsx: f('xlsx') })
  const result = {
    rows: ROWS, runs: RUNS, node: process.version, cores: cpus().length, date: new Date().toISOString(), tickMs: TICK_MS,
    // The machine is shared: the 1-minute load average at the start and the end says how much it was.
    loadAverage: { start: startLoad, end: load() },
    written: { cases: captured!.cases.length, events: captured!.events.length },
    fileBytes: sizes,
    parseSeconds: per((k) => secs(median(parse[k]))),
    importSeconds: per((k) => secs(med(k, (x) => x.ms))),
    serverCpuSeconds: per((k) => secs(med(k, (x) => x.cpuMs))),
    rowsPerSecond: per((k) => Math.round(ROWS / (med(k, (x) => x.ms) / 1000))),
    rawSqlite: { seconds: secs(median(raw)), cpuSeconds: secs(median(rawCpu)), rowsPerSecond: Math.round(rawRate) },
    // Target: at least 0.5 (the import at half the raw insert rate or better).
    ofRawRate: per((k) => round(ROWS / (med(k, (x) => x.ms) / 1000) / rawRate, 2)),
    // Target: p99 under 50 ms.
    loopDelayMs: per((k) => ({ p50: round(med(k, (x) => x.loop.p50)), p99: round(med(k, (x) => x.loop.p99)), max: round(worst(k, (x) => x.loop.max)) })),
    // Target: no gap over two ticks.
    frames: per((k) => ({
      maxGapMs: Math.round(worst(k, (x) => x.frames.maxGapMs)), p99GapMs: Math.round(med(k, (x) => x.frames.p99GapMs)),
      overTwoTicks: Math.max(...of(k).map((x) => x.frames.overTwoTicks)), resyncs: Math.max(...of(k).map((x) => x.frames.resyncs)),
    })),
    writesDuringImportMs: per((k) => ({ p50: Math.round(med(k, (x) => x.writes.p50)), p99: Math.round(med(k, (x) => x.writes.p99)), failed: Math.max(...of(k).map((x) => x.writes.failed)) })),
    samples: { parse, runs, raw, rawCpu },
  }
  console.log(`\n${result.written.cases.toLocaleString()} cases, ${result.written.events.toLocaleString()} events per import (medians of ${RUNS}; load average ${startLoad} → ${result.loadAverage.end})\n`)
  console.table(Object.fromEntries(KINDS.map((k) => [`${k.toUpperCase()} import`, {
    s: result.importSeconds[k], 'server CPU s': result.serverCpuSeconds[k], 'rows/s': result.rowsPerSecond[k], 'of raw rate': result.ofRawRate[k],
    'loop p99 ms': result.loopDelayMs[k].p99, 'loop max ms': result.loopDelayMs[k].max, 'frame gap max ms': result.frames[k].maxGapMs,
    'gaps > 2 ticks': result.frames[k].overTwoTicks, 'parse only s': result.parseSeconds[k],
  }])))
  console.log(`raw SQLite: ${result.rawSqlite.seconds} s (CPU ${result.rawSqlite.cpuSeconds} s), ${result.rawSqlite.rowsPerSecond.toLocaleString()} rows/s`)
  const out = join(import.meta.dirname, 'results')
  mkdirSync(out, { recursive: true })
  writeFileSync(join(out, 'import.json'), JSON.stringify(result, null, 2) + '\n')
  console.log(`wrote ${join(out, 'import.json')}`)
}

main()
  .catch((e) => {
    console.error(e)
    process.exitCode = 1
  })
  .finally(() => rmSync(dir, { recursive: true, force: true }))
