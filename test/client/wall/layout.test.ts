// The wall's layout for every shape the issue names: each cell inside one physical screen (no text crosses a
// bezel), nothing overlaps, the map keeps a sensible aspect and fills its region, and every panel is placed.
import { describe, expect, it } from 'vitest'
import { layoutFitted, layoutWall, type Rect, type WallLayout } from '../../../client/wall/layout'
import { readFileSync } from 'node:fs'
import { expandWall, type WallSpec } from '../../../shared/wall'
import { PANEL_IDS } from '../../../shared/wall'
import { physicalRem, viewportRem, wallPage, type WallProfile } from '../../../client/wall/profile'

const inside = (r: Rect, s: Rect) => r.x >= s.x - 0.5 && r.y >= s.y - 0.5 && r.x + r.width <= s.x + s.width + 0.5 && r.y + r.height <= s.y + s.height + 0.5
const overlap = (a: Rect, b: Rect) => a.x < b.x + b.width - 0.5 && b.x < a.x + a.width - 0.5 && a.y < b.y + b.height - 0.5 && b.y < a.y + a.height - 0.5

/** A C×R wall of w×h panels with `bezel` px between them, as a profile describes it. */
function grid(name: string, c: number, r: number, w = 1920, h = 1080, bezel = 12): WallProfile {
  const screens = Array.from({ length: c * r }, (_, k) => ({ x: (k % c) * (w + bezel), y: Math.floor(k / c) * (h + bezel), width: w, height: h }))
  return { name, width: c * w + (c - 1) * bezel, height: r * h + (r - 1) * bezel, screens }
}

function check(l: WallLayout, screens: Rect[], rem: number) {
  const ids = l.cells.map((c) => c.id)
  expect(new Set(ids).size).toBe(ids.length)
  for (const id of ['title', 'tools', 'kpis', ...PANEL_IDS]) expect(ids, id).toContain(id)
  for (const c of l.cells) {
    expect(inside(c.rect, screens[c.screen]), `${c.id} inside screen ${c.screen}`).toBe(true)
    expect(c.rect.width / rem, `${c.id} width`).toBeGreaterThanOrEqual(c.id === 'title' || c.id === 'tools' ? 20 : 23.9)
    if (c.id !== 'title' && c.id !== 'tools') expect(c.rect.height / rem, `${c.id} height`).toBeGreaterThanOrEqual(6.3)
    expect(overlap(c.rect, l.map), `${c.id} clear of the map`).toBe(false)
  }
  for (let a = 0; a < l.cells.length; a++)
    for (let b = a + 1; b < l.cells.length; b++) expect(overlap(l.cells[a].rect, l.cells[b].rect), `${l.cells[a].id} × ${l.cells[b].id}`).toBe(false)
  const aspect = l.map.width / l.map.height
  expect(aspect).toBeGreaterThanOrEqual(0.69)
  expect(aspect).toBeLessThanOrEqual(2.01)
  // The map gets a real share of the wall, and the wall is not mostly empty.
  const area = (r: Rect) => r.width * r.height
  const used = area(l.map) + l.cells.reduce((t, c) => t + area(c.rect), 0)
  expect(area(l.map) / (l.width * l.height)).toBeGreaterThan(0.12)
  expect(used / (l.width * l.height)).toBeGreaterThan(0.6)
}

describe('one monitor of any shape', () => {
  for (const [w, h] of [[1920, 1080], [3840, 2160], [3840, 1080], [5760, 1080], [1024, 768], [1080, 1920], [1366, 768]]) {
    it(`${w}×${h}`, () => {
      const rem = viewportRem(w, h)
      const screen = { x: 0, y: 0, width: w, height: h }
      check(layoutWall({ screens: [screen], rem }), [screen], rem)
    })
  }

  it('keeps the 16:9 design at 1920×1080: 16 px type, the KPIs in one row, four panels each side of the map', () => {
    const l = layoutWall({ screens: [{ x: 0, y: 0, width: 1920, height: 1080 }], rem: viewportRem(1920, 1080) })
    expect(viewportRem(1920, 1080)).toBe(16)
    expect(l.kpiColumns).toBe(7)
    const left = l.cells.filter((c) => PANEL_IDS.includes(c.id as never) && c.rect.x < l.map.x)
    expect(left.map((c) => c.id)).toEqual(['trend', 'categories', 'sources', 'ladder'])
  })

  it('gives a 32:9 monitor more panel columns, not a stretched map', () => {
    const l = layoutWall({ screens: [{ x: 0, y: 0, width: 3840, height: 1080 }], rem: viewportRem(3840, 1080) })
    const columns = new Set(l.cells.filter((c) => PANEL_IDS.includes(c.id as never)).map((c) => Math.round(c.rect.x)))
    expect(columns.size).toBeGreaterThanOrEqual(4)
    expect(l.map.width / l.map.height).toBeLessThan(1.6)
  })
})

describe('walls of screens with bezels', () => {
  for (const p of [grid('2x1', 2, 1), grid('3x3', 3, 3), grid('4x2', 4, 2), grid('2x2', 2, 2), grid('4x1', 4, 1)]) {
    it(`${p.name}: every cell inside one screen`, () => {
      const page = wallPage(p)
      check(layoutWall({ screens: page.screens, rem: physicalRem(p) }), page.screens, physicalRem(p))
    })
  }

  it('spans the map across the bezel of a 2×1 wall, centred', () => {
    const page = wallPage(grid('2x1', 2, 1))
    const l = layoutWall({ screens: page.screens, rem: physicalRem(grid('2x1', 2, 1)) })
    expect(l.map.x).toBeLessThan(1920)
    expect(l.map.x + l.map.width).toBeGreaterThan(1920)
    expect(Math.abs(l.map.x + l.map.width / 2 - 1920)).toBeLessThan(2)
  })

  it('puts the map on whole screens of a 4×2 wall rather than leave slivers beside it', () => {
    const page = wallPage(grid('4x2', 4, 2))
    const l = layoutWall({ screens: page.screens, rem: physicalRem(grid('4x2', 4, 2)) })
    expect(Math.round(l.map.x / 1920 - 1)).toBe(0)
    expect(Math.round((l.map.x + l.map.width) / 1920)).toBe(3)
  })

  it('honours a profile that chooses the panels and pins one to a screen', () => {
    const p: WallProfile = { ...grid('4x2', 4, 2), panels: ['trend', 'alerts', 'ticker', 'nonsense'], cells: { alerts: 7 } }
    const page = wallPage(p)
    const l = layoutWall({ screens: page.screens, rem: physicalRem(p), panels: page.panels, pins: page.pins })
    expect(l.cells.filter((c) => PANEL_IDS.includes(c.id as never)).map((c) => c.id).sort()).toEqual(['alerts', 'ticker', 'trend'])
    expect(l.cells.find((c) => c.id === 'alerts')!.screen).toBe(7)
  })
})

describe('the example walls (fixtures/walls.example.json)', () => {
  const specs = JSON.parse(readFileSync(new URL('../../../fixtures/walls.example.json', import.meta.url), 'utf8')) as Record<string, WallSpec>
  for (const [name, spec] of Object.entries(specs)) {
    it(`${name}: all panels, each inside one screen, type as large as fits`, () => {
      const p = expandWall(name, spec)
      const page = wallPage(p)
      const l = layoutFitted({ screens: page.screens, rem: physicalRem(p), panels: page.panels, pins: page.pins })
      check(l, page.screens, l.rem)
      expect(l.rem).toBeGreaterThanOrEqual(physicalRem(p) * 0.6)
      for (const [id, k] of Object.entries(page.pins)) expect(l.cells.find((c) => c.id === id)!.screen).toBe(k)
    })
  }
  it('makes type smaller only when the hall asks for more than the screens hold', () => {
    const p = expandWall('far', { columns: 3, rows: 3, panel: { width: 1920, height: 1080 }, bezel: 12, viewingDistanceM: 8 })
    const page = wallPage(p)
    expect(layoutWall({ screens: page.screens, rem: physicalRem(p) }).cells.length).toBeLessThan(11)
    const l = layoutFitted({ screens: page.screens, rem: physicalRem(p) })
    expect(l.cells.length).toBe(11)
    expect(l.rem).toBeLessThan(physicalRem(p))
  })
})

describe('wall profile geometry', () => {
  it('moves screens together on the page and keeps the bezel for the map', () => {
    const page = wallPage(grid('3x3', 3, 3, 1920, 1080, 10))
    expect(page.screens[4]).toEqual({ x: 1920, y: 1080, width: 1920, height: 1080 })
    expect(page.bezel).toEqual({ x: 10, y: 10 })
    expect(page.view).toEqual({ x: 0, y: 0, width: 5760, height: 3240 })
  })

  it('shows browser n the rectangle it drives', () => {
    const p = { ...grid('2x1', 2, 1), browsers: [{ x: 0, y: 0, width: 1920, height: 1080 }, { x: 1932, y: 0, width: 1920, height: 1080 }] }
    expect(wallPage(p, 2).view).toEqual({ x: 1920, y: 0, width: 1920, height: 1080 })
    expect(wallPage(p, 1).view).toEqual({ x: 0, y: 0, width: 1920, height: 1080 })
  })

  it('sizes type by the physical wall: a bigger wall is read from further away', () => {
    const one = physicalRem(grid('1x1', 1, 1))
    const big = physicalRem(grid('3x3', 3, 3))
    expect(big).toBeGreaterThan(1.5 * one)
    // The same pixels in smaller panels: a smaller wall, read from nearer, so smaller type in millimetres
    // (though more pixels per rem, the pixels being finer): type follows millimetres, not pixels.
    const mm = (p: WallProfile) => (physicalRem(p) * (p.screenInches ?? 55) * 25.4) / Math.hypot(1920, 1080)
    expect(mm({ ...grid('3x3', 3, 3), screenInches: 27 })).toBeLessThan(mm(grid('3x3', 3, 3)) / 1.5)
    expect(physicalRem({ ...grid('3x3', 3, 3), screenInches: 27 })).not.toBe(big)
    // An LED wall: few pixels per millimetre, so fewer pixels per rem than the same size in LCD panels.
    const led: WallProfile = { name: 'led', width: 6720, height: 1920, screens: [{ x: 0, y: 0, width: 6720, height: 1920 }], screenInches: 540 }
    expect(physicalRem(led)).toBeLessThan(1920 / 40)
  })
})
