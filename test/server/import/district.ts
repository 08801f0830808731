// The real fixture district (grids.topo.json, catalogue.json) in a fresh database, without case history:
// what the 12345 sample export is generated against. Reference data only; cases come in through the ingest.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Topology } from 'topojson-specification'
import { openDb, type Db } from '../../../server/db'
import { loadGridFeatures, storeGrids } from '../../../server/grid/store'

const DATA = join(import.meta.dirname, '../../../fixtures/data')
let topology: Topology | undefined
let catalogue: { departments: { code: string; name: string }[]; matters: Record<string, unknown>[] } | undefined

export function seedDistrict(db: Db): Db {
  topology ??= JSON.parse(readFileSync(join(DATA, 'grids.topo.json'), 'utf8')) as Topology
  catalogue ??= JSON.parse(readFileSync(join(DATA, 'catalogue.json'), 'utf8'))
  storeGrids(db, loadGridFeatures(topology))
  const sql = db.$client
  const dept = sql.prepare('INSERT INTO departments (code, name) VALUES (?, ?)')
  const matter = sql.prepare(
    `INSERT INTO matters (code, name, kind, big_class, big_class_name, small_class, small_class_name, department,
      limit_kind, limit_value, settle_level, keywords, attributes)
     VALUES (@code, @name, @kind, @bigClass, @bigClassName, @smallClass, @smallClassName, @department, @limitKind,
      @limitValue, @settleLevel, @keywords, @attributes)`,
  )
  sql.transaction(() => {
    for (const d of catalogue!.departments) dept.run(d.code, d.name)
    for (const m of catalogue!.matters)
      matter.run({ ...m, keywords: (m.keywords as string[]).join(','), attributes: m.attributes ? JSON.stringify(m.attributes) : null })
  })()
  return db
}

export const districtDb = (file = ':memory:') => seedDistrict(openDb(file))
