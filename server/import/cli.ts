// `npm run import -- file.xlsx|file.csv [--db path] [--mapping mapping.json] [--batch N] [--report report.csv] [--json]`
// (server/import/mapping.example.json shows a mapping for an export with other headers)
// Imports a 12345 work-order export through the ingest, with a progress bar and a final summary (imported,
// skipped, bad, problems counted by column, the first 1,000 of them with row and reason; --report writes
// every one as CSV). Exit code 0 when the file was read (bad rows are reported, not fatal), 1 when it could
// not be (missing file or columns, unreadable mapping).
//
// The CLI writes to the database file directly, so a running server learns of the new cases only at its
// next start: while the server runs, upload through POST /api/import instead and the wall updates live.
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { pathToFileURL } from 'node:url'
import cliProgress from 'cli-progress'
import { openDb, setPageCache, DEFAULT_DB_FILE } from '../db'
import { GridIndex } from '../geo'
import { Ingest } from '../cases/ingest'
import { Catalogue } from '../cases/catalogue'
import { loadConfig } from '../config'
import { importFile, type ImportSummary } from './importer'
import { loadMapping } from './mapping'

const USAGE =
  'usage: npm run import -- <file.xlsx|file.csv> [--db data/onescreen.db] [--mapping mapping.json] [--batch 1000] [--report report.csv] [--json]'

export function formatSummary(s: ImportSummary, file: string, reportFile?: string): string {
  const lines = [
    `${file}: ${s.rows} rows in ${(s.ms / 1000).toFixed(1)} s — imported ${s.imported}, skipped ${s.skipped}, bad ${s.bad}`,
  ]
  if (s.problems.length) {
    lines.push('', 'problems (column: problem × rows):')
    for (const p of s.problems) lines.push(`  ${p.column}: ${p.problem} × ${p.count}`)
  }
  if (s.errors.length) {
    const more = s.errorCount > s.errors.length ? ` (first ${s.errors.length} of ${s.errorCount}${reportFile ? `; all in ${reportFile}` : '; --report file.csv writes all'})` : ''
    lines.push('', `bad rows${more} (row, column: reason):`)
    for (const e of s.errors) lines.push(`  row ${e.row}, ${e.column}: ${e.reason}`)
  }
  if (s.skipped) {
    const shown = s.skippedRows.slice(0, 20)
    lines.push('', `skipped rows${s.skipped > shown.length ? ` (first ${shown.length} of ${s.skipped})` : ''}:`)
    for (const k of shown) lines.push(`  row ${k.row}, 工单编号 ${k.externalId}: ${k.reason}`)
  }
  return lines.join('\n')
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      db: { type: 'string' }, mapping: { type: 'string' }, batch: { type: 'string' }, report: { type: 'string' },
      json: { type: 'boolean' }, help: { type: 'boolean' },
    },
  })
  if (values.help || positionals.length !== 1) {
    console.error(USAGE)
    return values.help ? 0 : 1
  }
  const file = positionals[0]
  const mapping = values.mapping ? loadMapping(JSON.parse(readFileSync(values.mapping, 'utf8'))) : undefined
  const batchSize = values.batch ? Number(values.batch) : undefined
  if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize > 0)) throw new Error('--batch must be a positive whole number')

  const config = loadConfig()
  const db = openDb(values.db ?? process.env.ONESCREEN_DB ?? DEFAULT_DB_FILE)
  setPageCache(db.$client, config.dbImportCacheMb)
  try {
    const grids = GridIndex.load(db)
    if (grids.size === 0) throw new Error('the database has no grids: run npm run db:seed (or npm start) first')
    const catalogue = new Catalogue(db)
    const ingest = new Ingest(db, grids, { calendar: config.calendar, catalogue })
    // Progress by data parsed: file bytes for CSV, worksheet bytes for XLSX (its rows are unknown until the end).
    const bar = new cliProgress.SingleBar(
      { format: '{bar} {percentage}% | {rows} rows | imported {imported} skipped {skipped} bad {bad}', hideCursor: true, clearOnComplete: false },
      cliProgress.Presets.shades_classic,
    )
    const quiet = values.json || !process.stderr.isTTY
    let started = false
    let summary: ImportSummary
    try {
      summary = await importFile({ ingest, catalogue, db }, file, {
        mapping, batchSize, reportFile: values.report ? resolve(values.report) : null,
        onProgress: (p) => {
          if (quiet || p.total === 0) return
          if (!started) bar.start(p.total, 0, p)
          started = true
          bar.update(Math.min(p.bytes, p.total), p)
        },
      })
      if (started) bar.update(bar.getTotal())
    } finally {
      if (started) bar.stop()
    }
    console.log(values.json ? JSON.stringify(summary) : formatSummary(summary, file, values.report))
    return 0
  } finally {
    db.$client.close()
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(`import: ${e instanceof Error ? e.message : e}`)
      process.exit(1)
    },
  )
}
