// What the page makes of a wall profile (shared/wall.ts, as GET /api/walls lists it). The profile's coordinates are the
// wall's own: its pixel size includes the bezels, and each screen is one physical panel's rectangle in it. The
// page has no pixels behind the bezels (the screens sit side by side in the browser), so screens are moved
// together on the page, and the map adds the bezels back when it draws (client/map/pieces.ts).
import { isPanelId, type PanelId, type Rect, type WallProfile } from '../../shared/wall'

export type { WallProfile }

export interface WallPage {
  /** The screens on the page, in the profile's order. */
  screens: Rect[]
  /** The bezels in page px (what the map skips between screens). */
  bezel: { x: number; y: number }
  /** The part of the page this browser shows. */
  view: Rect
  panels?: PanelId[]
  pins: Partial<Record<PanelId, number>>
}

/** Where the profile's screens go on the page, and which part of it browser `n` (from 1; none = all) shows. */
export function wallPage(p: WallProfile, n?: number): WallPage {
  const xs = [...new Set(p.screens.map((s) => s.x))].sort((a, b) => a - b)
  const ys = [...new Set(p.screens.map((s) => s.y))].sort((a, b) => a - b)
  const widthOf = (x: number) => p.screens.find((s) => s.x === x)!.width
  const heightOf = (y: number) => p.screens.find((s) => s.y === y)!.height
  const pageX = (x: number) => xs.slice(0, xs.indexOf(x)).reduce((t, v) => t + widthOf(v), 0)
  const pageY = (y: number) => ys.slice(0, ys.indexOf(y)).reduce((t, v) => t + heightOf(v), 0)
  const screens = p.screens.map((s) => ({ x: pageX(s.x), y: pageY(s.y), width: s.width, height: s.height }))
  const gap = (vs: number[], size: (v: number) => number) => (vs.length > 1 ? vs[1] - vs[0] - size(vs[0]) : 0)
  const bezel = { x: gap(xs, widthOf), y: gap(ys, heightOf) }
  const all = union(screens)
  let view = all
  const browser = n === undefined ? undefined : p.browsers?.[n - 1]
  if (browser) {
    const inside = p.screens.map((s, k) => (within(s, browser) ? screens[k] : null)).filter((s): s is Rect => s !== null)
    if (inside.length) view = union(inside)
  }
  const panels = p.panels?.filter(isPanelId)
  const pins = Object.fromEntries(Object.entries(p.cells ?? {}).filter(([id, k]) => isPanelId(id) && k >= 0 && k < screens.length)) as WallPage['pins']
  return { screens, bezel, view, panels: panels?.length ? panels : undefined, pins }
}

/**
 * The size token for a profile, from the physical size: the smallest type (0.75 rem) subtends 10 arcminutes
 * at the back of the hall, so text reads there whatever the pixel count. Bounded so that one screen always
 * holds at least a panel and never more than a 16:9 monitor's whole layout.
 */
export function physicalRem(p: WallProfile): number {
  const s = p.screens[0]
  const mmPerPx = ((p.screenInches ?? 55) * 25.4) / Math.hypot(s.width, s.height)
  const wallHeightM = (p.height * mmPerPx) / 1000
  const distanceM = p.viewingDistanceM ?? Math.max(3, 2.5 * wallHeightM)
  const remMm = (distanceM * 1000 * Math.tan(((10 / 60) * Math.PI) / 180)) / 0.75
  const short = Math.min(s.width, s.height)
  return Math.round(Math.min(short / 22, Math.max(short / 67.5, remMm / mmPerPx)) * 100) / 100
}

/** The size token of a plain monitor (no profile): its short side is 67.5 rem, so nothing is stretched. */
export const viewportRem = (width: number, height: number) => Math.min(width, height) / 67.5

function within(s: Rect, r: Rect): boolean {
  return s.x >= r.x && s.y >= r.y && s.x + s.width <= r.x + r.width && s.y + s.height <= r.y + r.height
}

function union(rs: Rect[]): Rect {
  const x = Math.min(...rs.map((r) => r.x))
  const y = Math.min(...rs.map((r) => r.y))
  return { x, y, width: Math.max(...rs.map((r) => r.x + r.width)) - x, height: Math.max(...rs.map((r) => r.y + r.height)) - y }
}
