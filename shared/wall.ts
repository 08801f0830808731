// A wall profile: one physical wall as GET /api/walls lists it, and as an operator describes it in the
// ONESCREEN_WALLS file (a grid of panels, bezels, which browser drives which panels). Pure: the server
// validates the file and expands it here; the client lays the wall out from the expanded profile.
import type { Window } from './protocol'

/** The wall's panels by id: the names a profile uses to choose and place them (and each panel's data-panel). */
export const PANEL_IDS = ['trend', 'categories', 'sources', 'ladder', 'departments', 'specials', 'alerts', 'ticker'] as const
export type PanelId = (typeof PANEL_IDS)[number]
export const isPanelId = (v: unknown): v is PanelId => typeof v === 'string' && (PANEL_IDS as readonly string[]).includes(v)

export interface Rect {
  x: number
  y: number
  width: number
  height: number
}

export interface WallProfile {
  name: string
  /** The wall's pixel size, bezels included. */
  width: number
  height: number
  /** The physical screens (panels), row by row, in wall pixels (bezels included between them). */
  screens: Rect[]
  /** Which rectangle of the wall each browser drives (browser n is index n − 1); default one browser. */
  browsers?: Rect[]
  scope?: string
  window?: Window
  /** Which panels, in reading order; default all. */
  panels?: string[]
  /** Pins: panel id → index of the screen (in `screens`) that shows it. */
  cells?: Record<string, number>
  /** One screen's diagonal in inches (default 55, the usual splicing panel). */
  screenInches?: number
  /** Where the back of the hall is, in metres. */
  viewingDistanceM?: number
}

/** A block of panels, counted from 1 at the top left, as an operator names it. */
export interface PanelBlock {
  column: number
  row: number
  /** How many panels across and down (default 1). */
  columns?: number
  rows?: number
}

/** A wall as an operator describes it (one entry of the ONESCREEN_WALLS file). */
export interface WallSpec {
  columns: number
  rows: number
  /** One panel's pixels. */
  panel: { width: number; height: number }
  /** Pixels hidden between neighbouring panels: one number for both directions, or each. */
  bezel?: number | { x: number; y: number }
  /** Browser n (from 1) drives browsers[n − 1]; default one browser for the whole wall. */
  browsers?: PanelBlock[]
  scope?: string
  window?: Window
  panels?: string[]
  /** Panel id → the panel (of the wall) that shows it. */
  cells?: Record<string, { column: number; row: number }>
  screenInches?: number
  viewingDistanceM?: number
}

/** Why a spec cannot be a wall (its blocks and cells must lie inside the grid): field → reason, or null. */
export function wallSpecProblem(s: WallSpec): { field: string; reason: string } | null {
  const outside = (b: PanelBlock) =>
    b.column + (b.columns ?? 1) - 1 > s.columns || b.row + (b.rows ?? 1) - 1 > s.rows
  const grid = `the wall has ${s.columns} column(s) and ${s.rows} row(s)`
  const bi = s.browsers?.findIndex(outside) ?? -1
  if (bi >= 0) return { field: `browsers/${bi}`, reason: `reaches past the wall: ${grid}` }
  for (const [id, c] of Object.entries(s.cells ?? {}))
    if (outside(c)) return { field: `cells/${id}`, reason: `is not a panel of the wall: ${grid}` }
  return null
}

/** The API shape of a valid spec: every panel's rectangle and every browser's, in wall pixels. */
export function expandWall(name: string, s: WallSpec): WallProfile {
  const bezel = typeof s.bezel === 'object' ? s.bezel : { x: s.bezel ?? 0, y: s.bezel ?? 0 }
  const stepX = s.panel.width + bezel.x
  const stepY = s.panel.height + bezel.y
  const block = (b: PanelBlock): Rect => {
    const cols = b.columns ?? 1
    const rows = b.rows ?? 1
    return { x: (b.column - 1) * stepX, y: (b.row - 1) * stepY, width: cols * stepX - bezel.x, height: rows * stepY - bezel.y }
  }
  const screens: Rect[] = []
  for (let row = 1; row <= s.rows; row++) for (let column = 1; column <= s.columns; column++) screens.push(block({ column, row }))
  const p: WallProfile = { name, width: s.columns * stepX - bezel.x, height: s.rows * stepY - bezel.y, screens }
  if (s.browsers) p.browsers = s.browsers.map(block)
  if (s.scope !== undefined) p.scope = s.scope
  if (s.window !== undefined) p.window = s.window
  if (s.panels) p.panels = s.panels
  if (s.cells) p.cells = Object.fromEntries(Object.entries(s.cells).map(([id, c]) => [id, (c.row - 1) * s.columns + c.column - 1]))
  if (s.screenInches !== undefined) p.screenInches = s.screenInches
  if (s.viewingDistanceM !== undefined) p.viewingDistanceM = s.viewingDistanceM
  return p
}
