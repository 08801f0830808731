// `npm run import -- file.xlsx|file.csv [--db path] [--mapping mapping.json] [--batch N] [--json]`
// (server/import/mapping.example.json shows a mapping for an export with other headers)
// Imports a 12345 work-order export through the ingest, with a progress bar and a final summary (imported,
// skipped, bad, and every bad row with its column and reason). Exit code 0 when the file was read (bad rows
// are reported, not fatal), 1 when it could not be (missing file or columns, unreadable mapping).
//
// The CLI writes to the database file directly, so a running server learns of the new cases only at its
// next start: while the server runs, upload through POST /api/import instead and the wall updates live.
import { createReadStream, readFileSync, statSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { pathToFileURL } from 'node:url'
import cliProgress from 'cli-progress'
import { openDb, DEFAULT_DB_FILE } from '../db'
import { GridIndex } from '../geo'
import { Ingest } from '../cases/ingest'
import { Catalogue } from '../cases/catalogue'
import { loadConfig } from '../config'
import { fileKind, importStream, type ImportSummary } from './importer'
import { loadMapping } from './mapping'
import { sheetBytes } from './read'

const USAGE = 'usage: npm run import -- <file.xlsx|file.csv> [--db data/onescreen.db] [--mapping mapping.json] [--batch 1000] [--json]'

export function formatSummary(s: ImportSummary, file: string): string {
  const lines = [
    `${file}: ${s.rows} rows in ${(s.ms / 1000).toFixed(1)} s — imported ${s.imported}, skipped ${s.skipped}, bad ${s.bad}`,
  ]
  if (s.errors.length) {
    lines.push('', 'bad rows (row, column: reason):')
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
    options: { db: { type: 'string' }, mapping: { type: 'string' }, batch: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean' } },
  })
  if (values.help || positionals.length !== 1) {
    console.error(USAGE)
    return values.help ? 0 : 1
  }
  const file = positionals[0]
  const size = statSync(file).size
  const mapping = values.mapping ? loadMapping(JSON.parse(readFileSync(values.mapping, 'utf8'))) : undefined
  const batchSize = values.batch ? Number(values.batch) : undefined
  if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize > 0)) throw new Error('--batch must be a positive whole number')

  const config = loadConfig()
  const db = openDb(values.db ?? process.env.ONESCREEN_DB ?? DEFAULT_DB_FILE)
  try {
    const grids = GridIndex.load(db)
    if (grids.size === 0) throw new Error('the database has no grids: run npm run db:seed (or npm start) first')
    const catalogue = new Catalogue(db)
    const ingest = new Ingest(db, grids, { calendar: config.calendar, catalogue })
    // Progress by data parsed: file bytes for CSV, worksheet bytes for XLSX (its rows are unknown until the end).
    const kind = await fileKind(file)
    const total = (kind === 'xlsx' ? sheetBytes(readFileSync(file)) : null) ?? size
    const bar = new cliProgress.SingleBar(
      { format: '{bar} {percentage}% | {rows} rows | imported {imported} skipped {skipped} bad {bad}', hideCursor: true, clearOnComplete: false },
      cliProgress.Presets.shades_classic,
    )
    const quiet = values.json || !process.stderr.isTTY
    let parsed = 0
    if (!quiet) bar.start(total, 0, { rows: 0, imported: 0, skipped: 0, bad: 0 })
    let summary: ImportSummary
    try {
      summary = await importStream({ ingest, catalogue }, createReadStream(file), kind, {
        mapping, batchSize,
        onBytes: (n) => (parsed += n),
        onProgress: (p) => {
          if (!quiet) bar.update(Math.min(parsed, total), p)
        },
      })
      if (!quiet) bar.update(total)
    } finally {
      if (!quiet) bar.stop()
    }
    console.log(values.json ? JSON.stringify(summary) : formatSummary(summary, file))
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
