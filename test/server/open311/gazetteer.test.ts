// address_string against the whole district's gazetteer: every community, third-level grid, micro grid and
// special grid is found by its own name, also when its name contains another's (汉秀北院社区 ⊃ 秀北院社区).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { openDb, type Db } from '../../../server/db'
import { loadGridFeatures, storeGrids } from '../../../server/grid/store'
import { GridIndex } from '../../../server/geo'
import { Gazetteer } from '../../../server/open311/gazetteer'
import { DATA_DIR } from '../../../fixtures/generate/catalogue'

interface Row { code: string; name: string; level: number; parent: string | null }
let db: Db
let gazetteer: Gazetteer
let rows: Row[]
const byCode = new Map<string, Row>()

beforeAll(() => {
  db = openDb(':memory:')
  storeGrids(db, loadGridFeatures(JSON.parse(readFileSync(join(DATA_DIR, 'grids.topo.json'), 'utf8'))))
  gazetteer = new Gazetteer(db, GridIndex.load(db))
  rows = db.$client.prepare('SELECT code, name, level, parent FROM grids ORDER BY code').all() as Row[]
  for (const r of rows) byCode.set(r.code, r)
}, 60_000)
afterAll(() => db.$client.close())

/** The code address_string resolves to, or the refusal. */
const find = (text: string) => {
  try {
    return gazetteer.byAddress(text).code
  } catch (e) {
    return (e as Error).message
  }
}

describe('Open311 address_string', () => {
  it('finds the six communities whose names contain another community’s name', () => {
    for (const name of ['汉秀北院社区', '明光新村社区', '永祥巷社区', '康郑坊社区', '陇盛街社区', '兰郑东区社区']) {
      const own = rows.find((r) => r.level === 2 && r.name === name)
      expect(own, name).toBeDefined()
      expect(rows.some((r) => r.level === 2 && r.name !== name && name.includes(r.name)), `${name} contains another name`).toBe(true)
      expect(find(name)).toBe(own!.code)
    }
  })

  it('finds every community, third-level grid and special grid by its own name', () => {
    const named = rows.filter((r) => r.level === 2 || r.level === 3 || r.level === 5)
    expect(named.length).toBe(175 + 1439 + 577)
    const wrong = named.filter((r) => find(r.name) !== r.code).map((r) => `${r.name} → ${find(r.name)}`)
    expect(wrong).toEqual([])
  })

  it('finds every micro grid by its third-level grid’s name and its own', () => {
    const micro = rows.filter((r) => r.level === 4)
    expect(micro.length).toBe(6281)
    const wrong = micro.filter((r) => find(`${byCode.get(r.parent!)!.name}${r.name}`) !== r.code).map((r) => r.code)
    expect(wrong).toEqual([])
  })

  it('finds every community in an address written the way the server writes them (street, community, place)', () => {
    const wrong = rows
      .filter((r) => r.level === 2)
      .map((r) => [r, `郑州市二七区${byCode.get(r.parent!)!.name}${r.name}${r.name.replace(/社区$/, '')}家园3号楼附近`] as const)
      .filter(([r, text]) => find(text) !== r.code)
      .map(([, text]) => `${text} → ${find(text)}`)
    expect(wrong).toEqual([])
  })

  it('still refuses an address that names two places, and one that names none', () => {
    expect(find('汉秀北院社区和金家园社区之间')).toMatch(/names several places/)
    // The shorter name standing on its own as well is a second place.
    expect(find('汉秀北院社区对面的秀北院社区')).toMatch(/names several places/)
    expect(find('德化街街道')).toMatch(/could not be geocoded/)
  })
})
