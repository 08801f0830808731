// `npm run bench:import [-- --rows 100000 --runs 3]`: how fast a big 12345 export imports.
// Generates a clean export of --rows orders as CSV and XLSX, then for each format imports it through the
// ingest into a fresh copy of a seeded database (grids and catalogue, no history) --runs times. The
// baseline writes the very same case_events and cases rows with raw better-sqlite3 prepared statements in
// the same batches, so the ratio is the price of checking, locating and the workflow. Medians are quoted.
// Writes bench/results/import.json.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync, createReadStream } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { openDb, type Db } from '../server/db'
import { ensureSeeded } from '../fixtures/seed'
import { GridIndex } from '../server/geo'
import { Ingest } from '../server/cases/ingest'
import { Catalogue } from '../server/cases/catalogue'
import { importFile } from '../server/import/importer'
import { readRows, type FileKind } from '../server/import/read'
import { generateRows, loadInputs, writeCsv, writeXlsx } from '../fixtures/generate/hotline-export'
import { median } from './stats'

const { values } = parseArgs({ options: { rows: { type: 'string' }, runs: { type: 'string' }, batch: { type: 'string' } } })
const ROWS = Number(values.rows ?? 100_000)
const RUNS = Number(values.runs ?? 3)
const BATCH = Number(values.batch ?? 1000)
const secs = (ms: number) => Math.round(ms) / 1000

const dir = mkdtempSync(join(tmpdir(), 'onescreen-bench-import-'))
const file = (name: string) => join(dir, name)

function fresh(name: string): Db {
  copyFileSync(file('template.db'), file(name))
  return openDb(file(name))
}

function close(db: Db, name: string) {
  db.$client.close()
  for (const ext of ['', '-wal', '-shm']) rmSync(file(name) + ext, { force: true })
}

const startLoad = Math.round(loadavg()[0] * 10) / 10

async function main() {
  console.log(`bench:import — ${ROWS.toLocaleString()} rows, ${RUNS} runs, batches of ${BATCH}; node ${process.version}, ${cpus().length} cores`)
  let t = performance.now()
  const inputs = loadInputs()
  const rows = generateRows(inputs.catalogue, inputs.places, { rows: ROWS, days: 365 })
  await writeCsv(file('export.csv'), rows)
  await writeXlsx(file('export.xlsx'), rows)
  const sizes = { csv: statSync(file('export.csv')).size, xlsx: statSync(file('export.xlsx')).size }
  console.log(`generated the export in ${secs(performance.now() - t)} s: CSV ${(sizes.csv / 1e6).toFixed(1)} MB, XLSX ${(sizes.xlsx / 1e6).toFixed(1)} MB`)

  t = performance.now()
  const template = openDb(file('template.db'))
  await ensureSeeded(template, { cases: 0 })
  template.$client.pragma('wal_checkpoint(TRUNCATE)')
  template.$client.close()
  console.log(`seeded the template database (grids, catalogue) in ${secs(performance.now() - t)} s`)

  // Parsing alone, to show where the time goes.
  const parse: Record<FileKind, number[]> = { csv: [], xlsx: [] }
  for (const kind of ['csv', 'xlsx'] as const)
    for (let r = 0; r < RUNS; r++) {
      t = performance.now()
      let n = 0
      for await (const _ of readRows(file(`export.${kind}`), kind)) n++
      if (n !== ROWS + 1) throw new Error(`${kind}: read ${n} rows, expected ${ROWS + 1}`)
      parse[kind].push(performance.now() - t)
    }

  const imports: Record<FileKind, number[]> = { csv: [], xlsx: [] }
  // CPU time of the import (user + system): on a shared, busy machine it says what an idle one would take.
  const cpu: Record<FileKind, number[]> = { csv: [], xlsx: [] }
  let captured: { events: unknown[][]; cases: Record<string, unknown>[] } | null = null
  let counts = { cases: 0, events: 0 }
  for (const kind of ['csv', 'xlsx'] as const)
    for (let r = 0; r < RUNS; r++) {
      const name = `${kind}-${r}.db`
      const db = fresh(name)
      const catalogue = new Catalogue(db)
      const ingest = new Ingest(db, GridIndex.load(db), { catalogue })
      t = performance.now()
      const c0 = process.cpuUsage()
      const s = await importFile({ ingest, catalogue, db }, file(`export.${kind}`), { batchSize: BATCH })
      imports[kind].push(performance.now() - t)
      const c1 = process.cpuUsage(c0)
      cpu[kind].push((c1.user + c1.system) / 1000)
      if (s.imported !== ROWS || s.bad !== 0) throw new Error(`${kind}: imported ${s.imported}, bad ${s.bad}: ${JSON.stringify(s.errors.slice(0, 3))}`)
      if (!captured) {
        const sql = db.$client
        captured = {
          events: sql.prepare('SELECT case_id, action, from_state, to_state, level, actor, at, reason, data FROM case_events ORDER BY id').raw().all() as unknown[][],
          cases: sql.prepare('SELECT * FROM cases ORDER BY id').all() as Record<string, unknown>[],
        }
        counts = { cases: captured.cases.length, events: captured.events.length }
      }
      close(db, name)
      process.stdout.write(`  ${kind} run ${r + 1}: ${secs(imports[kind][r])} s (CPU ${secs(cpu[kind][r])} s)\n`)
    }

  // Raw SQLite: the same rows, prepared statements, the same batches per transaction.
  const raw: number[] = []
  const rawCpu: number[] = []
  for (let r = 0; r < RUNS; r++) {
    const db = fresh(`raw-${r}.db`)
    const sql = db.$client
    const columns = Object.keys(captured!.cases[0])
    const insertCase = sql.prepare(`INSERT INTO cases (${columns.join(', ')}) VALUES (${columns.map((c) => '@' + c).join(', ')})`)
    const insertEvent = sql.prepare('INSERT INTO case_events (case_id, action, from_state, to_state, level, actor, at, reason, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
    const { events, cases } = captured!
    t = performance.now()
    const c0 = process.cpuUsage()
    let e = 0
    for (let i = 0; i < cases.length; i += BATCH) {
      const last = cases[Math.min(i + BATCH, cases.length) - 1].id as number
      sql.transaction(() => {
        while (e < events.length && (events[e][0] as number) <= last) insertEvent.run(...events[e++])
        for (let k = i; k < Math.min(i + BATCH, cases.length); k++) insertCase.run(cases[k])
      })()
    }
    raw.push(performance.now() - t)
    const c1 = process.cpuUsage(c0)
    rawCpu.push((c1.user + c1.system) / 1000)
    close(db, `raw-${r}.db`)
  }

  const result = {
    rows: ROWS, runs: RUNS, batch: BATCH, node: process.version, cores: cpus().length, date: new Date().toISOString(),
    // The machine is shared: the 1-minute load average at the start and the end says how much it was.
    loadAverage: { start: startLoad, end: Math.round(loadavg()[0] * 10) / 10 },
    written: counts,
    fileBytes: sizes,
    parseSeconds: { csv: secs(median(parse.csv)), xlsx: secs(median(parse.xlsx)) },
    importSeconds: { csv: secs(median(imports.csv)), xlsx: secs(median(imports.xlsx)) },
    rowsPerSecond: { csv: Math.round(ROWS / (median(imports.csv) / 1000)), xlsx: Math.round(ROWS / (median(imports.xlsx) / 1000)) },
    rawSqliteSeconds: secs(median(raw)),
    cpuSeconds: { csv: secs(median(cpu.csv)), xlsx: secs(median(cpu.xlsx)), rawSqlite: secs(median(rawCpu)) },
    ratio: {
      csv: Math.round((median(imports.csv) / median(raw)) * 10) / 10,
      xlsx: Math.round((median(imports.xlsx) / median(raw)) * 10) / 10,
    },
    samples: { parse, imports, raw, cpu, rawCpu },
  }
  console.log(`\n${counts.cases.toLocaleString()} cases, ${counts.events.toLocaleString()} events written per import (medians of ${RUNS}; load average ${startLoad} → ${result.loadAverage.end} on ${cpus().length} cores)\n`)
  console.table({
    'CSV import': { seconds: result.importSeconds.csv, 'CPU s': result.cpuSeconds.csv, 'rows/s': result.rowsPerSecond.csv, 'parse only (s)': result.parseSeconds.csv, 'x raw SQLite': result.ratio.csv },
    'XLSX import': { seconds: result.importSeconds.xlsx, 'CPU s': result.cpuSeconds.xlsx, 'rows/s': result.rowsPerSecond.xlsx, 'parse only (s)': result.parseSeconds.xlsx, 'x raw SQLite': result.ratio.xlsx },
    'raw SQLite insert': { seconds: result.rawSqliteSeconds, 'CPU s': result.cpuSeconds.rawSqlite, 'rows/s': Math.round(ROWS / (median(raw) / 1000)), 'parse only (s)': '', 'x raw SQLite': 1 },
  })
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
