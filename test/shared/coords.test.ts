import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { gcj02ToWgs84, outOfChina, toWgs84, wgs84ToGcj02 } from '../../shared/coords'

// Published reference pairs of the standard algorithm (WGS-84 → GCJ-02), as [lon, lat]:
// eviltransform's test table (Shanghai, Shenzhen, Beijing) and coordtransform's Beijing example.
const REFERENCE: [string, [number, number], [number, number]][] = [
  ['Shanghai', [121.5272106, 31.1774276], [121.531541859215, 31.17530398364597]],
  ['Shenzhen', [113.912316, 22.543847], [113.9171764808363, 22.540796131694766]],
  ['Beijing', [116.377817, 39.911954], [116.38404722455657, 39.91334545536069]],
  ['Beijing (Tiananmen)', [116.404, 39.915], [116.41024449916938, 39.91640428150164]],
]

describe('WGS-84 → GCJ-02', () => {
  it.each(REFERENCE)('%s matches the published value', (_, wgs, gcj) => {
    const [lon, lat] = wgs84ToGcj02(...wgs)
    expect(lon).toBeCloseTo(gcj[0], 9)
    expect(lat).toBeCloseTo(gcj[1], 9)
  })

  it('shifts Erqi District by a few hundred metres, east and north-ish', () => {
    // 二七纪念塔, about E113.6657 N34.7537 (WGS-84).
    const [lon, lat] = wgs84ToGcj02(113.6657, 34.7537)
    const dx = (lon - 113.6657) * 111_320 * Math.cos((34.75 * Math.PI) / 180)
    const dy = (lat - 34.7537) * 110_540
    expect(Math.hypot(dx, dy)).toBeGreaterThan(200)
    expect(Math.hypot(dx, dy)).toBeLessThan(800)
  })

  it('is the identity outside China', () => {
    expect(wgs84ToGcj02(2.35, 48.85)).toEqual([2.35, 48.85])
    expect(gcj02ToWgs84(-74, 40.7)).toEqual([-74, 40.7])
    expect(outOfChina(183, 45)).toBe(true)
    expect(outOfChina(113.6, 34.7)).toBe(false)
  })
})

describe('GCJ-02 → WGS-84 (iterative inverse)', () => {
  it.each(REFERENCE)('%s inverts to the WGS-84 point within 1e-6°', (_, wgs, gcj) => {
    const [lon, lat] = gcj02ToWgs84(...gcj)
    expect(Math.abs(lon - wgs[0])).toBeLessThan(1e-6)
    expect(Math.abs(lat - wgs[1])).toBeLessThan(1e-6)
  })

  it('matches a published inverse value', () => {
    // gcoord: GCJ-02 [123, 45] → WGS-84 ≈ [122.99395597, 44.99804071]
    const [lon, lat] = gcj02ToWgs84(123, 45)
    expect(lon).toBeCloseTo(122.99395597, 6)
    expect(lat).toBeCloseTo(44.99804071, 6)
  })

  it('round-trips anywhere in China within 1e-6° (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 73, max: 135, noNaN: true }), fc.double({ min: 18, max: 53, noNaN: true }), (lon, lat) => {
        const [gLon, gLat] = wgs84ToGcj02(lon, lat)
        const [wLon, wLat] = gcj02ToWgs84(gLon, gLat)
        expect(Math.abs(wLon - lon)).toBeLessThan(1e-6)
        expect(Math.abs(wLat - lat)).toBeLessThan(1e-6)
      }),
      { numRuns: 2000 },
    )
  })

  it('round-trips across the Erqi District extent far tighter than 1e-6°', () => {
    let worst = 0
    for (let lon = 113.5; lon <= 113.7; lon += 0.01)
      for (let lat = 34.6; lat <= 34.78; lat += 0.01) {
        const [wLon, wLat] = gcj02ToWgs84(...wgs84ToGcj02(lon, lat))
        worst = Math.max(worst, Math.abs(wLon - lon), Math.abs(wLat - lat))
      }
    expect(worst).toBeLessThan(1e-8)
  })

  it('toWgs84 converts only GCJ-02 input', () => {
    expect(toWgs84(113.6657, 34.7537, 'wgs84')).toEqual([113.6657, 34.7537])
    const g = wgs84ToGcj02(113.6657, 34.7537)
    const [lon, lat] = toWgs84(g[0], g[1], 'gcj02')
    expect(lon).toBeCloseTo(113.6657, 8)
    expect(lat).toBeCloseTo(34.7537, 8)
  })
})
