// `npm run grid:import -- file.geojson [--db path] [--dry-run]`: replace the district's grids with a
// user's real boundaries. The file is a GeoJSON FeatureCollection (or a TopoJSON topology) whose
// features carry level, code, parent and name (and kind for special grids). Every check in
// shared/gridcheck runs first; any problem prints a report naming each offending feature, exits
// non-zero and leaves the database untouched.
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { MultiPolygon, Polygon } from 'geojson'
import polygonClipping from 'polygon-clipping'
import { DISTRICT_CODE, DISTRICT_NAME, DISTRICT_RULES } from '../../shared/grid'
import { checkGrids, formatReport, geometryError, type GridFeature } from '../../shared/gridcheck'
import { openDb } from '../db'
import { loadGridFeatures, storeGrids } from './store'

export interface Io {
  out: (line: string) => void
  err: (line: string) => void
}

const USAGE = 'usage: npm run grid:import -- <file.geojson> [--db <path>] [--extent minLon,minLat,maxLon,maxLat|none] [--dry-run]'

/** Runs the import; returns the process exit code (0 stored, 1 rejected, 2 unusable input). */
export function runImport(argv: string[], io: Io = { out: console.log, err: console.error }): number {
  const valueOf = (flag: string) => {
    const i = argv.indexOf(flag)
    return i < 0 ? undefined : (argv[i + 1] ?? '')
  }
  const dbFile = valueOf('--db')
  const extentArg = valueOf('--extent')
  const dryRun = argv.includes('--dry-run')
  const files = argv.filter((a, i) => !a.startsWith('--') && argv[i - 1] !== '--db' && argv[i - 1] !== '--extent')
  const extent = extentArg === undefined ? DISTRICT_RULES.extent : extentArg === 'none' ? null : extentArg.split(',').map(Number)
  const badExtent = extent !== null && (extent.length !== 4 || !extent.every(Number.isFinite))
  if (files.length !== 1 || dbFile === '' || badExtent) return (io.err(USAGE), 2)

  const started = performance.now()
  let features: GridFeature[]
  try {
    features = withDistrict(loadGridFeatures(JSON.parse(readFileSync(files[0], 'utf8'))))
  } catch (e) {
    io.err(`grid:import: cannot read ${files[0]}: ${(e as Error).message}`)
    return 2
  }
  const report = checkGrids(features, { district: { ...DISTRICT_RULES, extent: extent as [number, number, number, number] | null } })
  if (!report.ok) {
    io.err(`grid:import: ${files[0]} was rejected; nothing was changed.`)
    io.err(formatReport(report))
    return 1
  }
  const counts = [0, 1, 2, 3, 4, 5].map((l) => features.filter((f) => f.level === l).length)
  const summary = `levels 1–4: ${counts.slice(1, 5).join(' / ')}, special: ${counts[5]}`
  if (dryRun) return (io.out(`grid:import: ${files[0]} passed every check (${summary}); dry run, nothing stored.`), 0)

  const db = openDb(dbFile)
  try {
    const stored = storeGrids(db, features)
    const orphans = db.$client
      .prepare('SELECT count(*) AS n FROM cases WHERE grid NOT IN (SELECT code FROM grids WHERE level = 4)')
      .get() as { n: number }
    io.out(`grid:import: stored ${stored} grids (${summary}) in ${((performance.now() - started) / 1000).toFixed(1)} s; restart the server to use them.`)
    if (orphans.n > 0) io.err(`grid:import: warning: ${orphans.n} existing cases lie in micro grids the new file does not have.`)
  } finally {
    db.$client.close()
  }
  return 0
}

/**
 * The features plus the district itself when the file leaves it out: the union of the first-level
 * grids. Left out when they cannot be unioned; the checks then report their missing parent.
 */
export function withDistrict(features: GridFeature[]): GridFeature[] {
  if (features.some((f) => f.level === 0)) return features
  const streets = features.filter((f) => f.level === 1 && geometryError(f.geometry, null) === null)
  if (!streets.length) return features
  const polys = streets.map((f) => (f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates) as [number, number][][][])
  try {
    const union = polygonClipping.union(polys[0], ...polys.slice(1))
    const geometry: Polygon | MultiPolygon = union.length === 1 ? { type: 'Polygon', coordinates: union[0] } : { type: 'MultiPolygon', coordinates: union }
    return [...features, { code: DISTRICT_CODE, name: DISTRICT_NAME, level: 0, parent: null, geometry }]
  } catch {
    return features
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = runImport(process.argv.slice(2))
