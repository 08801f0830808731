import { describe, expect, it } from 'vitest'
import { boxOf, interiorPoint, localPlane, multiArea, selfCrossing, sphericalArea, type Pair } from '../../shared/planar'

const square = (x0: number, y0: number, s: number): Pair[] => [[x0, y0], [x0 + s, y0], [x0 + s, y0 + s], [x0, y0 + s], [x0, y0]]

describe('planar helpers', () => {
  it('maps lon/lat to metres and back', () => {
    const plane = localPlane(113.6, 34.7)
    const [x, y] = plane.toPlane(113.61, 34.71)
    expect(x).toBeCloseTo(915.3, 0)
    expect(y).toBeCloseTo(1105.7, 0)
    const [lon, lat] = plane.toLonLat(x, y)
    expect(lon).toBeCloseTo(113.61, 12)
    expect(lat).toBeCloseTo(34.71, 12)
  })

  it('subtracts holes from areas and boxes the outer rings', () => {
    const withHole = [square(0, 0, 10), square(2, 2, 3)]
    expect(multiArea([withHole, [square(20, 0, 2)]])).toBe(100 - 9 + 4)
    expect(boxOf([withHole, [square(20, 0, 2)]])).toEqual([0, 0, 22, 10])
  })

  it('measures areas on the sphere', () => {
    // 1° × 1° at the equator: R² · (π/180) · sin(1°).
    const expected = 6_371_008.8 ** 2 * (Math.PI / 180) * Math.sin(Math.PI / 180)
    expect(sphericalArea({ type: 'Polygon', coordinates: [square(0, 0, 1)] }) / expected).toBeCloseTo(1, 12)
    // Clockwise rings measure the same as counter-clockwise ones.
    expect(sphericalArea({ type: 'Polygon', coordinates: [[...square(0, 0, 1)].reverse()] }) / expected).toBeCloseTo(1, 12)
  })

  it('finds a ring that crosses itself, and passes one that does not', () => {
    expect(selfCrossing([[0, 0], [2, 2], [2, 0], [0, 2], [0, 0]])).not.toBeNull()
    expect(selfCrossing(square(0, 0, 1))).toBeNull()
  })

  it('puts the label point inside a U-shaped polygon whose centroid is outside', () => {
    const u: Pair[] = [[0, 0], [9, 0], [9, 9], [6, 9], [6, 3], [3, 3], [3, 9], [0, 9], [0, 0]]
    const [x, y] = interiorPoint([u])
    expect(y).toBeGreaterThan(3)
    expect(x < 3 || x > 6).toBe(true)
  })
})
