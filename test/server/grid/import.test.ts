import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openDb } from '../../../server/db'
import { runImport } from '../../../server/grid/import-cli'
import { loadGridFeatures, storeGrids } from '../../../server/grid/store'
import { GRIDS_FILE } from '../../../fixtures/generate/geography'

const dir = mkdtempSync(join(tmpdir(), 'grid-import-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const data = (name: string) => join('test/fixtures/data', `grids-${name}.geojson`)

function run(args: string[]) {
  const out: string[] = []
  const err: string[] = []
  const code = runImport(args, { out: (s) => out.push(s), err: (s) => err.push(s) })
  return { code, out: out.join('\n'), err: err.join('\n') }
}
function rows(file: string) {
  const db = openDb(file)
  try {
    return db.$client.prepare('SELECT code, name, level, parent, kind, geometry, lon, lat, area FROM grids ORDER BY level, code').all() as {
      code: string; name: string; level: number; parent: string | null; kind: string | null; geometry: string; lon: number; lat: number; area: number
    }[]
  } finally {
    db.$client.close()
  }
}

describe('npm run grid:import', () => {
  const db = join(dir, 'import.db')

  it('stores a good file with the district derived from its first-level grids', () => {
    const r = run([data('good'), '--db', db])
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    expect(r.out).toMatch(/stored 16 grids \(levels 1–4: 2 \/ 3 \/ 4 \/ 5, special: 1\)/)
    const stored = rows(db)
    expect(stored.map((g) => g.level)).toEqual([0, 1, 1, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 4, 5])
    const district = stored[0]
    expect(district).toMatchObject({ code: '410103', level: 0, parent: null })
    // 0.04° × 0.02° at 34.71° N is 3,657 m × 2,224 m.
    expect(district.area / 1e6).toBeCloseTo(8.13, 1)
    const micro = stored.filter((g) => g.level === 4).reduce((s, g) => s + g.area, 0)
    expect(Math.abs(micro - district.area) / district.area).toBeLessThan(1e-9)
    const school = stored.find((g) => g.code === '410103920001')!
    expect(school).toMatchObject({ kind: 'school', parent: '41010300100101', name: '锦苑小学' })
    expect(school.lon).toBeCloseTo(113.604, 6)
    expect(school.lat).toBeCloseTo(34.704, 6)
    expect(JSON.parse(school.geometry).type).toBe('Polygon')
  })

  const bad: [string, RegExp[]][] = [
    ['overlap', [/\[overlap\] 4101030010010101 \(feature #9\): overlaps its sibling 4101030010010102/]],
    ['gap', [/\[gap\] 41010300100101 \(feature #5\): its children leave .* uncovered/]],
    ['missing-parent', [/\[parent\] 41010300200201 \(feature #7\): parent 410103002002 does not exist/]],
    ['bad-code', [/\[code\] 410103002001010 \(feature #12\): .*not a well-formed level-4 code/, /\[code\] 4101030020010201 \(feature #13\): .*does not extend its parent 41010300200201/]],
    ['outside', [/\[containment\] 4101030020020101 \(feature #13\): only 66\.667%/, /\[containment\] 410103920001 \(feature #14\): only 50\.000%/]],
  ]
  it.each(bad)('rejects %s, naming each offending feature, and changes nothing', (name, expected) => {
    const before = rows(db)
    expect(before.length).toBe(16)
    const r = run([data(name), '--db', db])
    expect(r.code).toBe(1)
    expect(r.err).toMatch(/was rejected; nothing was changed/)
    for (const line of expected) expect(r.err).toMatch(line)
    expect(rows(db)).toEqual(before)
  })

  it('refuses unreadable input with exit code 2 and leaves the database alone', () => {
    const before = rows(db)
    writeFileSync(join(dir, 'broken.geojson'), '{"type": "FeatureCollection", "features": [')
    writeFileSync(join(dir, 'point.geojson'), JSON.stringify({ type: 'Feature', geometry: { type: 'Point', coordinates: [113.6, 34.7] } }))
    expect(run([join(dir, 'broken.geojson'), '--db', db])).toMatchObject({ code: 2, err: expect.stringMatching(/cannot read .*broken\.geojson/) })
    expect(run([join(dir, 'point.geojson'), '--db', db])).toMatchObject({ code: 2, err: expect.stringMatching(/expected a GeoJSON FeatureCollection/) })
    expect(run([join(dir, 'missing.geojson'), '--db', db]).code).toBe(2)
    expect(run([]).err).toMatch(/usage/)
    expect(run([data('good'), '--db']).code).toBe(2)
    expect(rows(db)).toEqual(before)
  })

  it('reports property problems such as a missing name or an unknown kind', () => {
    const fc = JSON.parse(readFileSync(data('good'), 'utf8'))
    delete fc.features[3].properties.name
    fc.features[14].properties.kind = 'hospital'
    fc.features[2].properties.level = '2' // numeric strings are accepted
    writeFileSync(join(dir, 'props.geojson'), JSON.stringify(fc))
    const r = run([join(dir, 'props.geojson'), '--dry-run'])
    expect(r.code).toBe(1)
    expect(r.err).toMatch(/\[property\] 410103002001 \(feature #3\): name is missing/)
    expect(r.err).toMatch(/\[property\] 410103920001 \(feature #14\): kind hospital/)
    expect(r.err).not.toMatch(/410103001001 /)
  })

  it('checks every position against the extent, which --extent can change or turn off', () => {
    const tight = run([data('good'), '--dry-run', '--extent', '113.5,34.6,113.63,34.77'])
    expect(tight.code).toBe(1)
    expect(tight.err).toMatch(/\[geometry\] 410103002 \(feature #1\): position 113\.64,34\.7 lies outside the extent/)
    expect(run([data('good'), '--dry-run', '--extent', 'none']).code).toBe(0)
    expect(run([data('good'), '--dry-run', '--extent', '113.5,34.6']).code).toBe(2)
  })

  it('checks without storing on --dry-run', () => {
    const fresh = join(dir, 'dry.db')
    expect(run([data('good'), '--dry-run', '--db', fresh]).code).toBe(0)
    expect(rows(fresh)).toEqual([])
  })

  it('runs as the npm script does, with the exit code and report on stderr', () => {
    let status = 0
    let stderr = ''
    try {
      execFileSync('node_modules/.bin/tsx', ['server/grid/import-cli.ts', data('gap'), '--db', db], { stdio: 'pipe' })
    } catch (e) {
      const x = e as { status: number; stderr: Buffer }
      status = x.status
      stderr = x.stderr.toString()
    }
    expect(status).toBe(1)
    expect(stderr).toMatch(/\[gap\] 41010300100101/)
  })
})

describe('storeGrids with the fixture', () => {
  it('stores all 8,490 grids (district included) and replaces them on a second run', () => {
    const db = openDb(':memory:')
    const features = loadGridFeatures(JSON.parse(readFileSync(GRIDS_FILE, 'utf8')))
    expect(storeGrids(db, features)).toBe(8490)
    expect(storeGrids(db, features)).toBe(8490)
    const byLevel = db.$client.prepare('SELECT level, count(*) AS n, sum(area) AS area FROM grids GROUP BY level ORDER BY level').all() as { level: number; n: number; area: number }[]
    expect(byLevel.map((r) => r.n)).toEqual([1, 17, 175, 1439, 6281, 577])
    for (const level of [1, 2, 3, 4]) expect(byLevel[level].area / byLevel[0].area).toBeCloseTo(1, 6)
    const kinds = db.$client.prepare("SELECT kind, count(*) AS n FROM grids WHERE level = 5 GROUP BY kind ORDER BY kind").all()
    expect(kinds.map((k) => (k as { kind: string }).kind)).toEqual(['business', 'enterprise', 'market', 'school'])
    expect(() => storeGrids(db, features.filter((f) => f.level !== 0))).toThrow(/no district/)
    expect((db.$client.prepare('SELECT count(*) AS n FROM grids').get() as { n: number }).n).toBe(8490)
    db.$client.close()
  })
})
