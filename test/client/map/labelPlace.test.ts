// A map in pieces shares its labels out: each lies wholly inside one piece, is moved in from an edge rather
// than cut by it or lost, and one whose anchor is in a bezel's gap goes to the nearer side.
import { describe, expect, it } from 'vitest'
import { labelSize, placeLabel } from '../../../client/map/labelPlace'
import type { MapPiece } from '../../../client/map/pieces'

/** Two pieces side by side in the virtual plane, 12 px of bezel between them. */
const pieces: MapPiece[] = [
  { box: { x: 0, y: 0, width: 1000, height: 800 }, vx: 0, vy: 0 },
  { box: { x: 1000, y: 0, width: 1000, height: 800 }, vx: 1012, vy: 0 },
]
const size = { width: 80, height: 20 }
const inside = (p: { piece: number; x: number; y: number }) => {
  const b = pieces[p.piece]
  return p.x - size.width / 2 >= b.vx && p.x + size.width / 2 <= b.vx + b.box.width && p.y - size.height / 2 >= b.vy && p.y + size.height / 2 <= b.vy + b.box.height
}

describe('labelSize', () => {
  it('takes a CJK glyph as one em and keeps the margin on every side', () => {
    expect(labelSize('侯寨街道', 13, 4)).toEqual({ width: 4 * 13 + 8, height: 1.2 * 13 + 8 })
    expect(labelSize('A1', 10, 0).width).toBeCloseTo(12)
    // Past text-max-width the text wraps onto a second line.
    expect(labelSize('一'.repeat(12), 10, 0)).toEqual({ width: 100, height: 24 })
  })
})

describe('placeLabel', () => {
  it('leaves a label clear of every edge where its anchor is', () => {
    expect(placeLabel(500, 400, size, pieces)).toEqual({ piece: 0, x: 500, y: 400 })
    expect(placeLabel(1500, 400, size, pieces)).toEqual({ piece: 1, x: 1500, y: 400 })
  })

  it('moves a label by a bezel into the piece its anchor is in, instead of cutting it', () => {
    expect(placeLabel(990, 400, size, pieces)).toEqual({ piece: 0, x: 960, y: 400 })
    expect(placeLabel(1020, 795, size, pieces)).toEqual({ piece: 1, x: 1052, y: 790 })
  })

  it('gives a label anchored in the bezel gap to the nearer piece', () => {
    expect(placeLabel(1004, 400, size, pieces)).toEqual({ piece: 0, x: 960, y: 400 })
    expect(placeLabel(1009, 400, size, pieces)).toEqual({ piece: 1, x: 1052, y: 400 })
  })

  it('keeps a label just past the map edge, drops one the map would not show, and one too large', () => {
    expect(placeLabel(-10, 400, size, pieces)).toEqual({ piece: 0, x: 40, y: 400 })
    expect(placeLabel(-40, 400, size, pieces)).toBeNull()
    expect(placeLabel(2500, 400, size, pieces)).toBeNull()
    expect(placeLabel(500, 400, { width: 1200, height: 20 }, pieces)).toBeNull()
  })

  it('puts every label that shows at all wholly inside exactly one piece', () => {
    for (let x = -60; x <= 2080; x += 3.7)
      for (const y of [-15, 0, 5, 400, 795, 805]) {
        const p = placeLabel(x, y, size, pieces)
        if (p) expect(inside(p), `${x},${y}`).toBe(true)
        // Every anchor within the map (bezel gap included) is kept.
        else expect(x < 0 || x > 2012 || y < 0 || y > 800, `${x},${y}`).toBe(true)
      }
  })
})
