// The wall at every shape of issue 11, in Debian Chromium against the real server with the example wall
// profiles (fixtures/walls.example.json) and a 2×1 wall: monitors at 1920×1080, 3840×2160, 1366×768 and
// portrait 1080×1920, a 2×1 wall at 3840×1080, a 3×3 wall at 5760×3240 and a 4×2 wall at 7680×2160 (both
// with bezels), the part one browser drives, and the tablet on a 390×844 phone. At each size: no panel
// crosses a bezel, no text leaves its panel or overlaps other text, MapLibre never warns about its canvas
// size, the map's canvases fill its region at full device resolution, and every panel shows data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { activity, colourStats, decodePng, ensureClientBuilt, openBrowser, ROOT, saveScaled, screenshotPath, startServer, type Browser, type E2eServer } from './harness'
import { loadConfig } from '../../server/config'
import { PANEL_IDS } from '../../shared/wall'

const dir = mkdtempSync(join(tmpdir(), 'onescreen-shapes-'))
let server: E2eServer
beforeAll(async () => {
  await ensureClientBuilt()
  // The example walls, and a 2×1 wall driven by two browsers.
  const walls = JSON.parse(readFileSync(join(ROOT, 'fixtures/walls.example.json'), 'utf8'))
  walls['duo'] = { columns: 2, rows: 1, panel: { width: 1920, height: 1080 }, bezel: 10, browsers: [{ column: 1, row: 1 }, { column: 2, row: 1 }] }
  // The whole history: every panel has figures at any hour. A wall's browsers show the wall's window (its
  // profile's, shared by all of them), not one the URL asks for.
  for (const w of Object.values(walls) as { window?: string }[]) w.window = 'all'
  writeFileSync(join(dir, 'walls.json'), JSON.stringify(walls))
  server = await startServer(20_000, { walls: loadConfig({ ONESCREEN_WALLS: join(dir, 'walls.json') }).walls })
  await activity(server, 6)
})
afterAll(async () => {
  await server?.close()
  rmSync(dir, { recursive: true, force: true })
})

interface Box {
  x: number
  y: number
  width: number
  height: number
}
/** The physical screens as the page shows them: a grid of columns × rows, no pixels behind the bezels. */
const screens = (w: number, h: number, columns: number, rows: number): Box[] =>
  Array.from({ length: columns * rows }, (_, k) => ({ x: (k % columns) * (w / columns), y: Math.floor(k / columns) * (h / rows), width: w / columns, height: h / rows }))
const within = (r: Box, s: Box) => r.x >= s.x - 0.5 && r.y >= s.y - 0.5 && r.x + r.width <= s.x + s.width + 0.5 && r.y + r.height <= s.y + s.height + 0.5
const meets = (a: Box, b: Box) => a.x < b.x + b.width - 1 && b.x < a.x + a.width - 1 && a.y < b.y + b.height - 1 && b.y < a.y + a.height - 1

/** Live, the map at rest on the district (input pauses the kiosk tour), every panel fed, the ticker at rest. */
async function ready(page: Page) {
  await page.waitForFunction(() => window.__onescreen?.live?.().status === 'live' && !!window.__onescreen?.mapState, undefined, { timeout: 120_000, polling: 250 })
  await page.keyboard.press('Shift')
  await page.evaluate(() => {
    const h = window.__onescreen as unknown as { zoomToLevel: (l: number) => void; mapIdle: () => Promise<boolean> }
    h.zoomToLevel(1)
    return h.mapIdle()
  })
  await page.waitForFunction(
    () => {
      const m = window.__onescreen!.mapState!()
      const reel = document.querySelector('[data-testid=ticker-reel]')
      return m.loaded && m.coloured > 0 && document.querySelectorAll('[data-panel] .empty').length === 0 && (!reel || reel.getAttribute('data-running') === 'false')
    },
    undefined,
    { timeout: 120_000, polling: 250 },
  )
  await page.evaluate(() => document.fonts.ready)
}

/** Every [data-panel] box, text that leaves its panel or is cut without an ellipsis, and overlapping text. */
function measure(page: Page) {
  return page.evaluate(() => {
    const box = (e: Element) => {
      const r = e.getBoundingClientRect()
      return { x: r.left, y: r.top, width: r.width, height: r.height }
    }
    const panels = [...document.querySelectorAll<HTMLElement>('[data-panel]')].map((e) => ({ id: e.dataset.panel!, ...box(e) }))
    const problems: string[] = []
    for (const p of document.querySelectorAll<HTMLElement>('[data-panel]:not([data-panel=map])')) {
      const pr = p.getBoundingClientRect()
      // Text, and reels that clip their own text ([data-clip]: rolling digits) as one box each.
      const texts = [...p.querySelectorAll<HTMLElement>('*')].filter(
        (e) =>
          (e.hasAttribute('data-clip') || ([...e.childNodes].some((n) => n.nodeType === 3 && n.textContent!.trim()) && !e.closest('[data-clip]'))) &&
          e.checkVisibility({ visibilityProperty: true } as CheckVisibilityOptions),
      )
      for (const e of texts) {
        const r = e.getBoundingClientRect()
        if (!r.width || !r.height) continue
        const what = `${p.dataset.panel}: "${e.textContent!.trim().slice(0, 24)}"`
        if (r.left < pr.left - 1 || r.right > pr.right + 1 || r.top < pr.top - 1 || r.bottom > pr.bottom + 1) problems.push(`${what} leaves its panel`)
        const s = getComputedStyle(e)
        if (e.scrollWidth > e.clientWidth + 1 && s.display !== 'inline' && s.textOverflow !== 'ellipsis') problems.push(`${what} is cut`)
      }
      for (let a = 0; a < texts.length; a++)
        for (let b = a + 1; b < texts.length; b++) {
          if (texts[a].contains(texts[b]) || texts[b].contains(texts[a])) continue
          const ra = texts[a].getBoundingClientRect()
          const rb = texts[b].getBoundingClientRect()
          const w = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left)
          const h = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top)
          if (w > 2 && h > 2) problems.push(`${p.dataset.panel}: "${texts[a].textContent!.trim().slice(0, 16)}" overlaps "${texts[b].textContent!.trim().slice(0, 16)}"`)
        }
    }
    const canvas = document.querySelector('[data-panel=map] .canvas')
    const pieces = [...document.querySelectorAll<HTMLCanvasElement>('[data-panel=map] .piece canvas')].map((c) => ({
      ...box(c), pxWidth: c.width, pxHeight: c.height,
    }))
    return { panels, problems, canvas: canvas && box(canvas), pieces, dpr: window.devicePixelRatio, font: parseFloat(getComputedStyle(document.documentElement).fontSize) }
  })
}

/** The assertions every shape must pass, on the screens `grid` of the page. */
async function checkShape(b: Browser, grid: Box[], opts: { panels?: readonly string[] } = {}) {
  const page = b.page
  const m = await measure(page)
  // Every panel is there (the header's title and tools, the KPIs, the chosen panels, the map).
  const ids = m.panels.map((p) => p.id)
  for (const id of ['title', 'tools', 'kpis', 'map', ...(opts.panels ?? PANEL_IDS)]) expect(ids, id).toContain(id)
  // No panel crosses a bezel: each lies inside exactly one physical screen (the map alone may span).
  for (const p of m.panels.filter((p) => p.id !== 'map'))
    expect(grid.filter((s) => within(p, s)).length, `${p.id} inside one screen`).toBe(1)
  // Panels never overlap one another or the map.
  for (let a = 0; a < m.panels.length; a++)
    for (let c = a + 1; c < m.panels.length; c++) expect(meets(m.panels[a], m.panels[c]), `${m.panels[a].id} × ${m.panels[c].id}`).toBe(false)
  expect(m.problems).toEqual([])
  // The map fills its region: its canvases tile the map's box, each at full device resolution, none across a bezel.
  const map = m.panels.find((p) => p.id === 'map')!
  expect(m.canvas!.width).toBeCloseTo(map.width, 0)
  expect(m.canvas!.height).toBeCloseTo(map.height, 0)
  const area = m.pieces.reduce((t, p) => t + p.width * p.height, 0)
  expect(area / (m.canvas!.width * m.canvas!.height)).toBeGreaterThan(0.995)
  for (const p of m.pieces) {
    expect(grid.filter((s) => within(p, s)).length, 'a map canvas inside one screen').toBe(1)
    expect(p.pxWidth).toBe(Math.round(p.width * m.dpr))
    expect(p.pxHeight).toBe(Math.round(p.height * m.dpr))
  }
  const state = await page.evaluate(() => window.__onescreen!.mapState!())
  expect(state.coloured).toBe(state.total)
  // Every panel shows data, and the figures are real.
  expect(await page.locator('[data-panel] .empty').count()).toBe(0)
  const received = await page.$eval('[data-kpi=received] .value', (el) => Number((el as HTMLElement).dataset.value!.replace(/,/g, '')))
  expect(received).toBeGreaterThan(10_000)
  // MapLibre never had to lower the pixel ratio, and nothing went wrong on the page.
  expect(b.console.filter((t) => /maxCanvasSize/.test(t))).toEqual([])
  expect(b.errors).toEqual([])
  return m
}

const SHAPES = [
  { name: 'a 1920×1080 monitor', w: 1920, h: 1080, path: '/', columns: 1, rows: 1 },
  { name: 'a 3840×2160 monitor', w: 3840, h: 2160, path: '/', columns: 1, rows: 1 },
  { name: 'a 1366×768 monitor', w: 1366, h: 768, path: '/', columns: 1, rows: 1 },
  { name: 'a 1080×1920 portrait kiosk', w: 1080, h: 1920, path: '/', columns: 1, rows: 1 },
  { name: 'a 2×1 wall at 3840×1080', w: 3840, h: 1080, path: '/wall/duo', columns: 2, rows: 1 },
  { name: 'the 3×3 wall at 5760×3240', w: 5760, h: 3240, path: '/wall/hall-3x3', columns: 3, rows: 3, shot: 'wall-3x3.png' },
  { name: 'the 4×2 wall at 7680×2160', w: 7680, h: 2160, path: '/wall/hall-4x2', columns: 4, rows: 2, shot: 'wall-4x2.png' },
]

describe.each(SHAPES)('$name', (shape) => {
  let b: Browser
  beforeAll(async () => {
    b = await openBrowser(shape.w, shape.h)
    // The whole history: every panel has figures at any hour (a profiled wall's window is its profile's: all).
    await b.page.goto(`${server.url}${shape.path}${shape.path.startsWith('/wall/') ? '' : '?window=all'}`)
    await ready(b.page)
  })
  afterAll(async () => {
    await b?.close()
  })

  it('keeps every panel inside one screen, text inside its panel, and the map sharp and full', async () => {
    const m = await checkShape(b, screens(shape.w, shape.h, shape.columns, shape.rows))
    // Native resolution: the page is never scaled; a monitor's short side is 67.5 rem.
    expect(await b.page.evaluate(() => getComputedStyle(document.querySelector('.wall')!).transform)).toBe('none')
    if (shape.columns === 1) expect(m.font).toBeCloseTo(Math.min(shape.w, shape.h) / 67.5, 1)
    // A map across screens is drawn in pieces, one per screen it covers (bezel compensation).
    if (shape.columns * shape.rows > 1) expect(m.pieces.length).toBeGreaterThan(1)
    if (shape.shot) {
      // The district at rest: a tour step that began before the wall's hold arrived may have flown the map on.
      await b.page.evaluate(() => {
        const h = window.__onescreen as unknown as { zoomToLevel: (l: number) => void; mapIdle: () => Promise<boolean> }
        h.zoomToLevel(1)
        return h.mapIdle()
      })
      const png = await b.page.screenshot({ timeout: 300_000 })
      await saveScaled(png, 1920, screenshotPath(shape.shot))
    }
  })

  // Each piece's MapLibre places its own labels, so a label by a piece's edge used to be drawn in two pieces,
  // cut by the bezel (or by the map's outer edge). Streets at the district view, then communities.
  it.runIf(shape.columns * shape.rows > 1)('draws every map label wholly inside one screen, once', async () => {
    for (const level of [1, 2]) {
      const pieces = await b.page.evaluate(async (l) => {
        const h = window.__onescreen as unknown as { zoomToLevel: (l: number) => void; mapIdle: () => Promise<boolean>; mapLabels: () => { x: number; y: number; width: number; height: number; drawn: string[]; beyond: string[] }[] }
        h.zoomToLevel(l)
        await h.mapIdle()
        await h.mapIdle()
        return h.mapLabels()
      }, level)
      const drawn = pieces.flatMap((p) => p.drawn)
      // No label reaches past its piece's canvas, and none is drawn by two pieces.
      expect(pieces.flatMap((p) => p.beyond), `level ${level}: labels cut by a piece's edge`).toEqual([])
      expect(drawn.length, `level ${level}: labels drawn twice`).toBe(new Set(drawn).size)
      if (level > 1) continue
      // A street whose label point lies by a piece's edge is still drawn (moved inside), not left out: on the
      // 3×3 wall, 马寨镇's point is by the bezel between the middle screen's rows.
      const points = await b.page.evaluate(() => (window.__onescreen as unknown as { gridsShown: (l: number) => { code: string; x: number; y: number }[] }).gridsShown(1))
      const edge = (q: { x: number; y: number }) =>
        Math.min(...pieces.filter((p) => within({ ...q, width: 0, height: 0 }, p)).map((p) => Math.min(q.x - p.x, p.x + p.width - q.x, q.y - p.y, p.y + p.height - q.y)))
      const near = points.filter((q) => edge(q) < 40).map((q) => q.code)
      expect(near.length, 'street label points by an edge').toBeGreaterThan(0)
      expect(drawn, 'streets by an edge are drawn').toEqual(expect.arrayContaining(near))
    }
  })
})

describe('the part of a wall one browser drives (/wall/duo/2 at 1920×1080)', () => {
  it('shows the right-hand screen only: its own panels and its half of the map', async () => {
    const b = await openBrowser(1920, 1080)
    try {
      await b.page.goto(`${server.url}/wall/duo/2`)
      await ready(b.page)
      const m = await measure(b.page)
      // The map spans the bezel: this browser draws the piece on its own screen, from the left edge.
      expect(m.pieces).toHaveLength(1)
      expect(m.pieces[0].x).toBeLessThan(2)
      for (const p of m.panels.filter((p) => p.id !== 'map')) expect(within(p, { x: 0, y: 0, width: 1920, height: 1080 }), p.id).toBe(true)
      expect(m.panels.map((p) => p.id)).toContain('tools')
      expect(m.panels.map((p) => p.id)).not.toContain('title')
      expect(m.problems).toEqual([])
      expect(b.errors).toEqual([])
    } finally {
      await b.close()
    }
  })
})

describe('a 2×1 wall in two browsers (/wall/duo/1 and /wall/duo/2)', () => {
  it('draws each map label once on the whole wall, each inside its own screen', async () => {
    const bs = [await openBrowser(1920, 1080), await openBrowser(1920, 1080)]
    try {
      await Promise.all(bs.map((b, k) => b.page.goto(`${server.url}/wall/duo/${k + 1}`)))
      for (const b of bs) await ready(b.page)
      // Both browsers at rest on the same camera; each answers from it which labels its screen draws.
      const labels = await Promise.all(
        bs.map((b) =>
          b.page.evaluate(async () => {
            const h = window.__onescreen as unknown as { zoomToLevel: (l: number) => void; mapIdle: () => Promise<boolean>; mapLabels: () => { drawn: string[]; beyond: string[] }[] }
            h.zoomToLevel(1)
            await h.mapIdle()
            await h.mapIdle()
            return h.mapLabels()
          }),
        ),
      )
      const drawn = labels.map((pieces) => pieces.flatMap((p) => p.drawn))
      expect(labels.flat().flatMap((p) => p.beyond)).toEqual([])
      expect(drawn[0].filter((c) => drawn[1].includes(c)), 'labels drawn by both browsers').toEqual([])
      expect(drawn[0].length + drawn[1].length).toBeGreaterThan(10)
    } finally {
      for (const b of bs) await b.close()
    }
  })
})

describe('the tablet on a 390×844 phone', () => {
  it('has a readable header, the KPIs, a map its legend does not cover, and the case list', async () => {
    const b = await openBrowser(390, 844, { touch: true })
    try {
      const page = b.page
      await page.goto(`${server.url}/tablet`)
      await page.waitForFunction(() => window.__onescreen?.live?.().status === 'live' && (window.__onescreen?.mapState?.().coloured ?? 0) > 0, undefined, { timeout: 120_000, polling: 250 })
      await page.evaluate(() => document.fonts.ready)
      const r = await page.evaluate(() => {
        const box = (s: string) => {
          const e = document.querySelector(s)
          if (!e) return null
          const r = e.getBoundingClientRect()
          return { x: r.left, y: r.top + scrollY, width: r.width, height: r.height }
        }
        const header = [...document.querySelectorAll('.bar > *')].filter((e) => e.checkVisibility()).map((e) => {
          const r = e.getBoundingClientRect()
          return { left: r.left, right: r.right, width: r.width }
        })
        return {
          scrollWidth: document.documentElement.scrollWidth,
          header,
          title: getComputedStyle(document.querySelector('.bar h1')!).display,
          kpis: [...document.querySelectorAll('[data-kpi]')].map((e) => e.getBoundingClientRect().width),
          canvas: box('[data-panel=map] .canvas'),
          legend: box('[data-testid=map-legend]'),
          cases: document.querySelectorAll('[data-testid=sheet-cases] li').length,
          font: parseFloat(getComputedStyle(document.documentElement).fontSize),
        }
      })
      // Nothing runs off the side; the header's parts are all on screen, the title among them.
      expect(r.scrollWidth).toBeLessThanOrEqual(390)
      expect(r.title).not.toBe('none')
      for (const h of r.header) {
        expect(h.left).toBeGreaterThanOrEqual(0)
        expect(h.right).toBeLessThanOrEqual(390)
      }
      expect(r.font).toBeGreaterThanOrEqual(14)
      // Seven KPIs, two to a row, wide enough to read, with figures.
      expect(await page.$eval('[data-kpi=received] .value', (el) => Number((el as HTMLElement).dataset.value!.replace(/,/g, '')))).toBeGreaterThan(1000)
      expect(r.kpis).toHaveLength(7)
      for (const w of r.kpis) expect(w).toBeGreaterThan(150)
      // The legend sits under the map, not over it.
      expect(r.canvas!.height).toBeGreaterThan(250)
      expect(r.legend!.y).toBeGreaterThanOrEqual(r.canvas!.y + r.canvas!.height - 1)
      // The map is drawn, in colour, across its box.
      await page.evaluate(() => (window.__onescreen as unknown as { mapIdle: () => Promise<boolean> }).mapIdle())
      const stats = colourStats(decodePng(await page.locator('[data-panel=map] .canvas').screenshot()))
      expect(stats.chromatic).toBeGreaterThan(0.15)
      expect(stats.distinct).toBeGreaterThanOrEqual(3)
      await page.locator('[data-testid=sheet-cases] li').first().waitFor({ timeout: 15_000 })
      const m = await measure(page)
      expect(m.problems).toEqual([])
      // The top of the page, header first (the canvas screenshot above scrolled the map into view).
      await page.evaluate(() => scrollTo(0, 0))
      await page.screenshot({ path: screenshotPath('tablet-phone.png') })
      expect(b.errors).toEqual([])
    } finally {
      await b.close()
    }
  })
})
