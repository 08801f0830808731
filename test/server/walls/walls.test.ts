import { afterAll, expect, test } from 'vitest'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '../../../server/config'
import { parseWalls } from '../../../server/walls'
import { buildTestServer } from '../helpers'

const dir = mkdtempSync(join(tmpdir(), 'onescreen-walls-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const EXAMPLE = join(__dirname, '../../../fixtures/walls.example.json')
const base = { columns: 2, rows: 1, panel: { width: 1920, height: 1080 } }

test('the example file: a 3×3 and a 4×2 wall of 1920×1080 panels, sizes with bezels, panels row by row', () => {
  const [w33, w42] = loadConfig({ ONESCREEN_WALLS: EXAMPLE }).walls
  expect(w33).toMatchObject({ name: 'hall-3x3', width: 3 * 1920 + 2 * 12, height: 3 * 1080 + 2 * 12, scope: '410103', window: 'today' })
  expect(w33.screens).toHaveLength(9)
  expect(w33.screens[4]).toEqual({ x: 1932, y: 1092, width: 1920, height: 1080 })
  expect(w33.browsers).toEqual([{ x: 0, y: 0, width: w33.width, height: w33.height }])
  expect(w42).toMatchObject({ name: 'hall-4x2', width: 4 * 1920 + 3 * 14, height: 2 * 1080 + 10 })
  expect(w42.screens[7]).toEqual({ x: 3 * 1934, y: 1090, width: 1920, height: 1080 })
  // The second browser drives columns 3–4: from the third panel's left edge to the wall's right edge.
  expect(w42.browsers![1]).toEqual({ x: 2 * 1934, y: 0, width: 2 * 1920 + 14, height: w42.height })
  expect(w42.cells).toEqual({ trend: 7 })
})

test('no file: no walls', () => {
  expect(loadConfig({}).walls).toEqual([])
})

test.each([
  [{ w: { ...base, rows: 0 } }, /wall "w": rows must be >= 1/],
  [{ w: { ...base, panel: { width: 1920 } } }, /wall "w": panel .*height/],
  [{ w: { ...base, bezle: 4 } }, /wall "w": bezle is not a field/],
  [{ w: { ...base, window: 'week' } }, /wall "w": window must be one of today, 7d/],
  [{ w: { ...base, scope: '4101' } }, /wall "w": scope /],
  [{ w: { ...base, browsers: [{ column: 2, row: 1, columns: 2 }] } }, /wall "w": browsers\/0 reaches past the wall/],
  [{ w: { ...base, cells: { trend: { column: 1, row: 2 } } } }, /wall "w": cells\/trend is not a panel of the wall/],
  [{ w: { ...base, cells: { trnd: { column: 1, row: 1 } } } }, /wall "w": cells\/trnd is not a panel \(panels:/],
  [{ w: { ...base, panels: ['trend', 'map2'] } }, /wall "w": panels\/1 /],
  [{ 'bad name': base }, /wall "bad name": is not a usable name/],
  [[base], /expected an object of walls by name/],
])('a bad wall names the wall and the field: %j', (file, message) => {
  expect(() => parseWalls(file)).toThrow(message)
})

test('a bad file stops the start, naming the variable, the wall and the field', () => {
  const file = join(dir, 'bad.json')
  writeFileSync(file, JSON.stringify({ lobby: { ...base, panel: { width: -1, height: 1080 } } }))
  expect(() => loadConfig({ ONESCREEN_WALLS: file })).toThrow(/ONESCREEN_WALLS.*wall "lobby": panel\/width/)
  writeFileSync(file, '{ "lobby": ')
  expect(() => loadConfig({ ONESCREEN_WALLS: file })).toThrow(/ONESCREEN_WALLS.*JSON/)
})

test('GET /api/walls lists the profiles; with no file, an empty list', async () => {
  const walls = loadConfig({ ONESCREEN_WALLS: EXAMPLE }).walls
  const s = await buildTestServer({ walls })
  const none = await buildTestServer()
  try {
    const res = await s.app.inject('/api/walls')
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual(walls)
    expect(res.json()[1].screens).toHaveLength(8)
    expect((await none.app.inject('/api/walls')).json()).toEqual([])
  } finally {
    await s.close()
    await none.close()
  }
})
