// The wall's layout for any shape: one monitor of any aspect (4:3 to 48:9, portrait 9:16), or a splicing
// wall of several physical screens. Pure (no DOM): page pixels in, rectangles out, so it is tested in Node.
// The rules it keeps:
//   - every cell (the title, the tools, the KPIs, each panel) lies inside one physical screen, inset from
//     its edges, so no text ever crosses a bezel;
//   - the map may span screens (the map draws itself with bezel compensation, see client/map/pieces.ts);
//   - the map keeps a sensible aspect (0.7 to 2): a wide wall gets more panel columns, not a stretched map;
//   - sizes are in rem of the screen's size token, so type follows the physical size (client/wall/scale.ts).
import { PANEL_IDS, type PanelId, type Rect } from '../../shared/wall'

export type { Rect }
export type CellId = 'title' | 'tools' | 'kpis' | PanelId
export interface Cell {
  id: CellId
  rect: Rect
  /** Index of the physical screen that holds it. */
  screen: number
}
export interface WallLayout {
  width: number
  height: number
  /** The size token the layout was made for (see layoutFitted). */
  rem: number
  map: Rect
  cells: Cell[]
  /** KPI tiles per row in the KPI cell. */
  kpiColumns: number
}
export interface LayoutInput {
  /** The physical screens in page px, side by side (the page has no pixels behind the bezels). */
  screens: Rect[]
  /** CSS px per rem (the size token). */
  rem: number
  /** Which panels, in reading order (default: all). */
  panels?: readonly PanelId[]
  /** A profile's pins: panel → screen index. */
  pins?: Partial<Record<PanelId, number>>
}

// Sizes in rem (the 16:9 design at 1rem = 16 px is the reference).
const GAP = 0.75
const HEADER = 4.2
/** The header's tools (window switch, clock, connection, language) and the title with its subtitle. */
const TOOLS = 54
const TITLE = 40
const KPI_ROW = 6.4
const KPI_TILE_MIN = 11.5
const KPI_COUNT = 7
const COL_MIN = 24
const COL_PREF = 30
const COL_MAX = 44
/** The smallest panel that still reads (a title bar and a few rows). */
const PANEL_MIN = 11
/** A panel height that reads comfortably: a column of this many rem holds one panel per that much. */
const PANEL_IDEAL = 16
/** The district's shape is about square: the map's box aims at this width / height. */
const MAP_ASPECT = 1.15
const MAP_ASPECT_MIN = 0.7
const MAP_ASPECT_MAX = 2
/** On a wall of screens the map aims wider: the panels take whole screens beside it. */
const WALL_MAP_ASPECT = 1.6
/** A map edge this close to a screen edge (share of the screen) snaps to it rather than leave a sliver. */
const SLIVER = 0.4

const inset = (r: Rect, d: number): Rect => ({ x: r.x + d, y: r.y + d, width: r.width - 2 * d, height: r.height - 2 * d })
const bottom = (r: Rect) => r.y + r.height
const right = (r: Rect) => r.x + r.width

function kpiColumns(width: number, rem: number): number {
  return Math.max(1, Math.min(KPI_COUNT, Math.floor((width / rem + GAP) / (KPI_TILE_MIN + GAP))))
}
function kpiHeight(cols: number, rem: number): number {
  const rows = Math.ceil(KPI_COUNT / cols)
  return (rows * KPI_ROW + (rows - 1) * GAP) * rem
}

/**
 * The layout at the largest size token, up to the one asked for, at which every chosen panel finds a place: a
 * hall read from far away may ask for more than its screens hold, and then type gives way a little (never
 * below 60 %) before a panel goes missing.
 */
export function layoutFitted(input: LayoutInput): WallLayout {
  const want = (input.panels ?? PANEL_IDS).length
  let l = layoutWall(input)
  for (let rem = input.rem * 0.94; rem >= input.rem * 0.6 && placed(l) < want; rem *= 0.94) l = layoutWall({ ...input, rem })
  return l
}
const placed = (l: WallLayout) => l.cells.filter((c) => (PANEL_IDS as readonly string[]).includes(c.id)).length

export function layoutWall(input: LayoutInput): WallLayout {
  const { screens, rem } = input
  const panels = input.panels ?? PANEL_IDS
  const width = Math.max(...screens.map(right))
  const height = Math.max(...screens.map(bottom))
  return screens.length === 1
    ? oneScreen(screens[0], rem, panels, width, height)
    : manyScreens(screens, rem, panels, input.pins ?? {}, width, height)
}

/** A column of panels inside one screen. */
interface Column {
  rect: Rect
  screen: number
  panels: PanelId[]
}

function oneScreen(s: Rect, rem: number, panels: readonly PanelId[], width: number, height: number): WallLayout {
  const g = GAP * rem
  const inner: Rect = { x: s.x + g, y: s.y, width: s.width - 2 * g, height: s.height - g }
  const cells: Cell[] = []
  const header = band({ x: inner.x, y: inner.y, width: inner.width, height: 0 }, rem, 0)
  const cols = kpiColumns(inner.width, rem)
  const kpis: Rect = { x: inner.x, y: bottom(header[header.length - 1].rect), width: inner.width, height: kpiHeight(cols, rem) }
  cells.push(...header, { id: 'kpis', rect: kpis, screen: 0 })
  const body: Rect = { x: inner.x, y: bottom(kpis) + g, width: inner.width, height: bottom(inner) - bottom(kpis) - g }
  let map: Rect
  const columns: Column[] = []
  if (body.width / body.height < 0.9) {
    // Portrait (a lobby kiosk): the map across the top of the body, the panels in a grid under it.
    const mapH = Math.min(body.width / MAP_ASPECT, body.height * 0.45)
    map = { x: body.x, y: body.y, width: body.width, height: mapH }
    const rest: Rect = { x: body.x, y: body.y + mapH + g, width: body.width, height: body.height - mapH - g }
    columns.push(...split(rest, 0, Math.max(1, Math.min(3, Math.round(rest.width / rem / COL_PREF))), rem))
  } else {
    const n = sideColumns(body, rem, panels.length)
    const colW = clamp((body.width - body.height * MAP_ASPECT - n * g) / n, COL_MIN * rem, COL_MAX * rem)
    let mapW = body.width - n * (colW + g)
    mapW = Math.min(mapW, body.height * MAP_ASPECT_MAX)
    // Whatever the map may not take (an ultra-wide screen) widens the columns, then centres the whole.
    const spare = body.width - mapW - n * (colW + g)
    const w = Math.min(COL_MAX * rem, colW + spare / n)
    const margin = (body.width - mapW - n * (w + g)) / 2
    // The first half of the columns on the left of the map (one more when odd), the rest on its right.
    const left = Math.ceil(n / 2)
    let x = body.x + margin
    const column = () => {
      columns.push({ rect: { x, y: body.y, width: w, height: body.height }, screen: 0, panels: [] })
      x += w + g
    }
    for (let k = 0; k < left; k++) column()
    map = { x, y: body.y, width: mapW, height: body.height }
    x += mapW + g
    for (let k = left; k < n; k++) column()
  }
  fill(columns, panels, {}, rem)
  cells.push(...columnCells(columns, rem))
  return { width, height, rem, map, cells, kpiColumns: cols }
}

/** How many panel columns flank the map on one screen: the map near its aspect, panels near a readable height. */
function sideColumns(body: Rect, rem: number, panels: number): number {
  const g = GAP * rem
  let best = 2
  let score = Infinity
  for (let n = 2; n <= Math.max(2, panels); n++) {
    const colW = clamp((body.width - body.height * MAP_ASPECT - n * g) / n, COL_MIN * rem, COL_MAX * rem)
    const mapW = body.width - n * (colW + g)
    if (mapW <= 0) break
    const aspect = Math.min(mapW / body.height, MAP_ASPECT_MAX)
    // Width the map may not take (beyond its widest aspect) is wasted as margins.
    const waste = Math.max(0, mapW - body.height * MAP_ASPECT_MAX) / body.width
    const perColumn = panels / n
    const s = Math.abs(Math.log(aspect / MAP_ASPECT)) + 4 * waste + Math.abs(Math.log(perColumn / (body.height / rem / PANEL_IDEAL)))
    if (s < score - 1e-9) {
      score = s
      best = n
    }
  }
  return best
}

function manyScreens(screens: Rect[], rem: number, panels: readonly PanelId[], pins: Partial<Record<PanelId, number>>, width: number, height: number): WallLayout {
  const g = GAP * rem
  const tops = [...new Set(screens.map((s) => s.y))].sort((a, b) => a - b)
  // Three rows or more: the top row holds the title and KPIs above the map; otherwise the map runs full height.
  const banded = tops.length >= 3
  const mapTop = banded ? tops[1] : 0
  const mapBox: Rect = { x: 0, y: mapTop + g, width, height: height - mapTop - 2 * g }
  const map = placeMap(screens, mapBox, rem)
  const cells: Cell[] = []
  const free: { rect: Rect; screen: number }[] = []
  // What is left of each screen beside the map (or all of it), inset from the screen's edges.
  screens.forEach((s, i) => {
    const overlapsRows = s.y < bottom(map) && bottom(s) > map.y
    if (!overlapsRows || right(s) <= map.x || s.x >= right(map)) free.push({ rect: inset(s, g), screen: i })
    else {
      if (map.x - s.x >= COL_MIN * rem + 2 * g - 1) free.push({ rect: { x: s.x + g, y: s.y + g, width: map.x - s.x - 2 * g, height: s.height - 2 * g }, screen: i })
      if (right(s) - right(map) >= COL_MIN * rem + 2 * g - 1)
        free.push({ rect: { x: right(map) + g, y: s.y + g, width: right(s) - right(map) - 2 * g, height: s.height - 2 * g }, screen: i })
    }
  })
  const centre = width / 2
  const byCentre = (a: { rect: Rect }, b: { rect: Rect }) => Math.abs(a.rect.x + a.rect.width / 2 - centre) - Math.abs(b.rect.x + b.rect.width / 2 - centre)
  const topFree = free.filter((f) => f.rect.y < tops[0] + 2 * g)
  let kpiCols = KPI_COUNT
  // The title, then the KPIs, then the tools take the top of the screens nearest the middle (banded) or the
  // outermost strips (the title on the left, the tools on the right, like a single screen's header).
  const order = banded ? [...topFree].sort(byCentre) : [...topFree].sort((a, b) => a.rect.x - b.rect.x)
  const take = (f: { rect: Rect; screen: number }, h: number): Rect => {
    const r = { x: f.rect.x, y: f.rect.y, width: f.rect.width, height: h }
    f.rect = { ...f.rect, y: f.rect.y + h + g, height: f.rect.height - h - g }
    return r
  }
  const first = order[0]
  const last = banded ? order[0] : order[order.length - 1]
  if (first === last) {
    const head = band(first.rect, rem, first.screen)
    cells.push(...head)
    take(first, bottom(head[head.length - 1].rect) - first.rect.y)
  } else {
    cells.push({ id: 'title', rect: take(first, HEADER * rem), screen: first.screen })
    cells.push({ id: 'tools', rect: take(last, HEADER * rem), screen: last.screen })
  }
  // The KPIs under the title when they fit there, else on the next screen of the top.
  const fits = (f: { rect: Rect }) => kpiHeight(kpiColumns(f.rect.width, rem), rem) <= f.rect.height - PANEL_MIN * rem
  const kpiHome = fits(first) || order.length < 2 ? first : order.find((f) => f !== first && f !== last && fits(f)) ?? order[1]
  kpiCols = kpiColumns(kpiHome.rect.width, rem)
  cells.push({ id: 'kpis', rect: take(kpiHome, kpiHeight(kpiCols, rem)), screen: kpiHome.screen })
  // One column per strip, then split the widest strips until there is a column per panel (never narrower
  // than COL_MIN): a big wall gets big panels rather than empty columns.
  const strips = free.filter((f) => f.rect.height >= PANEL_MIN * rem - 1 && f.rect.width >= COL_MIN * rem - 1).map((f) => ({ ...f, n: 1 }))
  const colWidth = (f: { rect: Rect }, n: number) => (f.rect.width - (n - 1) * g) / n
  while (strips.reduce((t, f) => t + f.n, 0) < panels.length) {
    const f = [...strips].sort((a, b) => colWidth(b, b.n) - colWidth(a, a.n))[0]
    if (!f || colWidth(f, f.n + 1) < COL_MIN * rem - 1) break
    f.n++
  }
  const columns = strips.flatMap((f) => split(f.rect, f.screen, f.n, rem))
  columns.sort((a, b) => a.rect.x - b.rect.x || a.rect.y - b.rect.y)
  fill(columns, panels, pins, rem)
  cells.push(...columnCells(columns, rem))
  return { width, height, rem, map, cells, kpiColumns: kpiCols }
}

/** The map's box on a wall: centred, near its aspect, its edges snapped to screen edges rather than slivers. */
function placeMap(screens: Rect[], box: Rect, rem: number): Rect {
  const g = GAP * rem
  const side = COL_MIN * rem + 2 * g
  const w = clamp(box.height * WALL_MAP_ASPECT, box.height * MAP_ASPECT_MIN, box.width - 2 * side)
  let x0 = box.x + (box.width - w) / 2
  let x1 = x0 + w
  const lefts = [...new Set(screens.map((s) => s.x))].sort((a, b) => a - b)
  const rights = [...new Set(screens.map(right))].sort((a, b) => a - b)
  const screenAt = (x: number) => {
    const l = lefts.filter((v) => v <= x).pop() ?? 0
    return { l, r: rights.find((v) => v > l) ?? box.width }
  }
  // An edge that leaves only a sliver of map in a screen moves out of it; an edge that leaves only a sliver of
  // room beside the map takes the whole screen, if a screen further out still holds the panels.
  {
    const { l, r } = screenAt(x0)
    if (x0 > l && r - x0 < SLIVER * (r - l)) x0 = r + g
    else if (x0 > l && l > box.x && x0 - l < Math.max(side, SLIVER * (r - l))) x0 = l + g
  }
  {
    const { l, r } = screenAt(x1 - 1)
    if (x1 < r && x1 - l < SLIVER * (r - l)) x1 = l - g
    else if (x1 < r && r < box.x + box.width && r - x1 < Math.max(side, SLIVER * (r - l))) x1 = r - g
  }
  return { x: x0, y: box.y, width: x1 - x0, height: box.height }
}

/** The header of one screen at the top of `r`: the title on the left and the tools on the right, or the
 *  tools on a row of their own when the screen is too narrow for both (a portrait kiosk, a wall's screen). */
function band(r: Rect, rem: number, screen: number): Cell[] {
  const h = HEADER * rem
  const toolsW = TOOLS * rem
  if (r.width >= (TOOLS + TITLE) * rem)
    return [
      { id: 'title', rect: { x: r.x, y: r.y, width: r.width - toolsW, height: h }, screen },
      { id: 'tools', rect: { x: r.x + r.width - toolsW, y: r.y, width: toolsW, height: h }, screen },
    ]
  return [
    { id: 'title', rect: { x: r.x, y: r.y, width: r.width, height: h }, screen },
    { id: 'tools', rect: { x: r.x, y: r.y + h, width: r.width, height: h }, screen },
  ]
}

function split(r: Rect, screen: number, n: number, rem: number): Column[] {
  const g = GAP * rem
  const w = (r.width - (n - 1) * g) / n
  return Array.from({ length: n }, (_, k) => ({ rect: { x: r.x + k * (w + g), y: r.y, width: w, height: r.height }, screen, panels: [] }))
}

/** Share the panels among the columns: pinned ones on their screen first, then the tallest room per panel. */
function fill(columns: Column[], panels: readonly PanelId[], pins: Partial<Record<PanelId, number>>, rem: number): void {
  const g = GAP * rem
  const cap = (c: Column) => Math.floor((c.rect.height + g + 1) / (PANEL_MIN * rem + g))
  const room = (c: Column) => c.rect.height / (c.panels.length + 1)
  const counts = new Map<Column, number>(columns.map((c) => [c, 0]))
  const pinned = panels.filter((p) => pins[p] !== undefined)
  const rest = panels.filter((p) => pins[p] === undefined)
  for (const p of pinned) {
    const own = columns.filter((c) => c.screen === pins[p] && c.panels.length < cap(c))
    const c = own.sort((a, b) => room(b) - room(a))[0]
    if (c) c.panels.push(p)
    else rest.push(p)
  }
  // Count the free panels per column first (every empty column one, tallest first; then the most room per
  // panel), then hand them out in reading order (left to right).
  for (const c of [...columns].sort((a, b) => b.rect.height - a.rect.height)) {
    const used = [...counts.values()].reduce((t, n) => t + n, 0)
    if (used < rest.length && c.panels.length === 0 && cap(c) > 0) counts.set(c, 1)
  }
  for (let k = [...counts.values()].reduce((t, n) => t + n, 0); k < rest.length; k++) {
    const c = columns.filter((x) => x.panels.length + counts.get(x)! < cap(x)).sort((a, b) => roomWith(b) - roomWith(a))[0]
    if (!c) break
    counts.set(c, counts.get(c)! + 1)
  }
  function roomWith(c: Column) {
    return c.rect.height / (c.panels.length + counts.get(c)! + 1)
  }
  let k = 0
  for (const c of columns) for (let n = counts.get(c)!; n > 0; n--) c.panels.push(rest[k++])
  for (const c of columns) c.panels.sort((a, b) => PANEL_IDS.indexOf(a) - PANEL_IDS.indexOf(b))
}

/** Each column's panels stacked, heights by their weights. */
function columnCells(columns: Column[], rem: number): Cell[] {
  const g = GAP * rem
  const out: Cell[] = []
  for (const c of columns) {
    const total = c.panels.reduce((s, p) => s + WEIGHT[p], 0)
    const free = c.rect.height - (c.panels.length - 1) * g
    let y = c.rect.y
    for (const p of c.panels) {
      const h = (free * WEIGHT[p]) / total
      out.push({ id: p, rect: { x: c.rect.x, y, width: c.rect.width, height: h }, screen: c.screen })
      y += h + g
    }
  }
  return out
}

/** Relative heights when panels share a column (from the 16:9 design). */
const WEIGHT: Record<PanelId, number> = {
  trend: 1.2, categories: 1.15, sources: 0.95, ladder: 0.9, departments: 1.1, specials: 0.95, alerts: 1, ticker: 1.05,
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, v))
}
