// One map as several canvases: split at the screens' edges and at the GPU's limit, every piece on one camera,
// with the bezels' pixels skipped (a point keeps one place in the wall's plane whichever piece draws it).
import { describe, expect, it } from 'vitest'
import { fitCamera, latOf, lngOf, mercX, mercY, pieceCenter, splitRegion } from '../../../client/map/pieces'

const screens = [0, 1, 2].flatMap((r) => [0, 1, 2].map((c) => ({ x: c * 1920, y: r * 1080, width: 1920, height: 1080 })))
const ERQI: [number, number, number, number] = [113.5, 34.55, 113.72, 34.77]

/** Where a lon/lat point is drawn in a piece (px from its top-left), given the piece's centre and zoom. */
function project(lng: number, lat: number, center: [number, number], zoom: number, w: number, h: number) {
  const world = 512 * 2 ** zoom
  return { x: (mercX(lng) - mercX(center[0])) * world + w / 2, y: (mercY(lat) - mercY(center[1])) * world + h / 2 }
}

describe('splitRegion', () => {
  it('cuts the map at every screen edge it crosses and adds the bezels to the virtual plane', () => {
    const map = { x: 1000, y: 1100, width: 2000, height: 2100 }
    const r = splitRegion(map, screens, { x: 12, y: 10 }, 8192, 1)
    expect(r.pieces).toHaveLength(4)
    expect(r.width).toBe(2012)
    expect(r.height).toBe(2110)
    const [a, b, c, d] = r.pieces
    expect(a.box).toEqual({ x: 0, y: 0, width: 920, height: 1060 })
    expect(b.box.x).toBe(920)
    expect(b.vx - (a.vx + a.box.width)).toBe(12)
    expect(c.vy - (a.vy + a.box.height)).toBe(10)
    expect(d.vx).toBe(b.vx)
    // Together the pieces cover the map's box exactly.
    expect(r.pieces.reduce((t, p) => t + p.box.width * p.box.height, 0)).toBe(map.width * map.height)
  })

  it('splits a piece larger than the GPU draws, in device pixels', () => {
    const map = { x: 0, y: 0, width: 5000, height: 1000 }
    const r = splitRegion(map, [{ x: 0, y: 0, width: 5000, height: 1000 }], { x: 0, y: 0 }, 4096, 2)
    expect(r.pieces.length).toBe(3)
    for (const p of r.pieces) expect(p.box.width * 2).toBeLessThanOrEqual(4096)
    expect(r.pieces.reduce((t, p) => t + p.box.width, 0)).toBe(5000)
    // No bezel inside one screen: the virtual plane is the page.
    expect(r.width).toBe(5000)
    expect(r.pieces.map((p) => p.vx)).toEqual(r.pieces.map((p) => p.box.x))
  })

  it('leaves a map within one screen and the GPU limit whole', () => {
    expect(splitRegion({ x: 10, y: 10, width: 900, height: 800 }, screens, { x: 12, y: 12 }, 8192, 1).pieces).toHaveLength(1)
  })
})

describe('one camera over the pieces', () => {
  const region = splitRegion({ x: 1000, y: 1100, width: 2000, height: 2100 }, screens, { x: 12, y: 10 }, 8192, 1)
  const cam = fitCamera(ERQI, region.width, region.height, 24)

  it('draws every point at one place in the wall plane, whichever piece shows it', () => {
    for (const [lng, lat] of [[113.6, 34.66], [113.55, 34.7], [113.7, 34.6]]) {
      const places = region.pieces.map((p) => {
        const q = project(lng, lat, pieceCenter(cam, region, p), cam.zoom, p.box.width, p.box.height)
        return { x: q.x + p.vx, y: q.y + p.vy }
      })
      for (const q of places) {
        expect(q.x).toBeCloseTo(places[0].x, 6)
        expect(q.y).toBeCloseTo(places[0].y, 6)
      }
    }
  })

  it('fits the box with its padding', () => {
    const a = project(ERQI[0], ERQI[3], pieceCenter(cam, region, region.pieces[0]), cam.zoom, region.pieces[0].box.width, region.pieces[0].box.height)
    const b = project(ERQI[2], ERQI[1], pieceCenter(cam, region, region.pieces[3]), cam.zoom, region.pieces[3].box.width, region.pieces[3].box.height)
    const w = b.x + region.pieces[3].vx - a.x
    const h = b.y + region.pieces[3].vy - a.y
    // One side touches the padding exactly, the other has room to spare.
    expect(Math.max(w / (region.width - 48), h / (region.height - 48))).toBeCloseTo(1, 6)
    expect(lngOf(mercX(113.6))).toBeCloseTo(113.6, 9)
    expect(latOf(mercY(34.7))).toBeCloseTo(34.7, 9)
  })
})
