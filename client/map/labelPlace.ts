// Where a map drawn in pieces (pieces.ts) puts each label. Every piece's MapLibre places its own labels, and
// MapLibre draws a label whose anchor is near the canvas edge cut by that edge, so a label by a bezel used to
// show in two pieces with the bezel's pixels missing in the middle. MapLibre has no option to keep a symbol
// wholly inside the viewport, so the wall decides: each label belongs to one piece, the one its anchor is in
// (or nearest to, from a bezel's gap), and is moved inside that piece when its box would cross an edge. A
// label that cannot fit in any piece is left out. Pure math in the virtual plane's px, tested in Node.
import type { MapPiece } from './pieces'

export interface LabelSize {
  width: number
  height: number
}

/** Text laid out by MapLibre, in CSS px: CJK glyphs are one em wide (the local ideograph font), others about
 *  0.6 em; lines wrap at `maxEms` (text-max-width); `margin` (halo and text-padding) is kept on every side. */
export function labelSize(text: string, size: number, margin: number, maxEms = 10): LabelSize {
  const ems = [...text].reduce((t, c) => t + (/[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]/.test(c) ? 1 : 0.6), 0)
  const lines = Math.max(1, Math.ceil(ems / maxEms))
  return { width: Math.min(ems, maxEms) * size + 2 * margin, height: lines * 1.2 * size + 2 * margin }
}

export interface LabelPlace {
  /** Index of the piece that draws the label. */
  piece: number
  /** The label's centre in the virtual plane (its anchor, moved inside the piece when it had to be). */
  x: number
  y: number
}

/**
 * The piece that draws a label anchored at (x, y) in the virtual plane, and where: the piece whose box holds
 * the anchor, or else the nearest whose box the label would still touch; the label is moved the least
 * distance that puts it wholly inside. Null when no piece is touched or the label is larger than its piece.
 */
export function placeLabel(x: number, y: number, size: LabelSize, pieces: readonly MapPiece[]): LabelPlace | null {
  let best = -1
  let bestD = Infinity
  pieces.forEach((p, k) => {
    const dx = Math.max(p.vx - x, 0, x - (p.vx + p.box.width))
    const dy = Math.max(p.vy - y, 0, y - (p.vy + p.box.height))
    if (dx >= size.width / 2 || dy >= size.height / 2) return
    const d = Math.hypot(dx, dy)
    if (d < bestD) [best, bestD] = [k, d]
  })
  if (best < 0) return null
  const p = pieces[best]
  if (size.width > p.box.width || size.height > p.box.height) return null
  const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi)
  return {
    piece: best,
    x: clamp(x, p.vx + size.width / 2, p.vx + p.box.width - size.width / 2),
    y: clamp(y, p.vy + size.height / 2, p.vy + p.box.height - size.height / 2),
  }
}
