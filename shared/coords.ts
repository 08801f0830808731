// WGS-84 (GPS, Open311) ↔ GCJ-02 (AMap, Tencent and other Chinese web maps). Pure.
//
// GCJ-02 is WGS-84 plus a deterministic, position-dependent offset (a few hundred metres) applied inside
// China. The forward formula is the widely published one (Krasovsky ellipsoid constants); it has no closed
// inverse, so gcj02ToWgs84 iterates the forward map until it reproduces the input to within 1e-9°
// (well under a millimetre; the brief asks < 1e-6°). Outside China both maps are the identity.

const A = 6378245.0 // Krasovsky 1940 semi-major axis
const EE = 0.00669342162296594323 // its first eccentricity squared
const { PI, sin, cos, sqrt, abs } = Math

export type LonLat = [lon: number, lat: number]

/** The rough box in which GCJ-02 is applied (the published convention). */
export function outOfChina(lon: number, lat: number): boolean {
  return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271
}

function offsetLat(x: number, y: number): number {
  let r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt(abs(x))
  r += ((20.0 * sin(6.0 * x * PI) + 20.0 * sin(2.0 * x * PI)) * 2.0) / 3.0
  r += ((20.0 * sin(y * PI) + 40.0 * sin((y / 3.0) * PI)) * 2.0) / 3.0
  r += ((160.0 * sin((y / 12.0) * PI) + 320 * sin((y * PI) / 30.0)) * 2.0) / 3.0
  return r
}

function offsetLon(x: number, y: number): number {
  let r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt(abs(x))
  r += ((20.0 * sin(6.0 * x * PI) + 20.0 * sin(2.0 * x * PI)) * 2.0) / 3.0
  r += ((20.0 * sin(x * PI) + 40.0 * sin((x / 3.0) * PI)) * 2.0) / 3.0
  r += ((150.0 * sin((x / 12.0) * PI) + 300.0 * sin((x / 30.0) * PI)) * 2.0) / 3.0
  return r
}

/** The GCJ-02 offset (in degrees) at a WGS-84 point. */
function delta(lon: number, lat: number): LonLat {
  const radLat = (lat / 180.0) * PI
  const m = 1 - EE * sin(radLat) * sin(radLat)
  const sm = sqrt(m)
  const dLat = (offsetLat(lon - 105.0, lat - 35.0) * 180.0) / (((A * (1 - EE)) / (m * sm)) * PI)
  const dLon = (offsetLon(lon - 105.0, lat - 35.0) * 180.0) / ((A / sm) * cos(radLat) * PI)
  return [dLon, dLat]
}

export function wgs84ToGcj02(lon: number, lat: number): LonLat {
  if (outOfChina(lon, lat)) return [lon, lat]
  const [dLon, dLat] = delta(lon, lat)
  return [lon + dLon, lat + dLat]
}

const INVERSE_TOLERANCE = 1e-9
const INVERSE_MAX_STEPS = 30

export function gcj02ToWgs84(lon: number, lat: number): LonLat {
  if (outOfChina(lon, lat)) return [lon, lat]
  // Fixed-point iteration: the offset varies slowly, so each step shrinks the error ~1000×.
  let wLon = lon
  let wLat = lat
  for (let i = 0; i < INVERSE_MAX_STEPS; i++) {
    const [gLon, gLat] = wgs84ToGcj02(wLon, wLat)
    const eLon = gLon - lon
    const eLat = gLat - lat
    wLon -= eLon
    wLat -= eLat
    if (abs(eLon) < INVERSE_TOLERANCE && abs(eLat) < INVERSE_TOLERANCE) break
  }
  return [wLon, wLat]
}

/** Convert a point stated in `crs` to WGS-84 (the project's storage datum). */
export function toWgs84(lon: number, lat: number, crs: 'wgs84' | 'gcj02'): LonLat {
  return crs === 'gcj02' ? gcj02ToWgs84(lon, lat) : [lon, lat]
}
