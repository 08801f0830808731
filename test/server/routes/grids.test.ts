import { afterAll, beforeAll, expect, test } from 'vitest'
import { gunzipSync } from 'node:zlib'
import { feature } from 'topojson-client'
import type { GeometryCollection, Topology } from 'topojson-specification'
import { buildTestServer, GRIDS, type TestServer } from '../helpers'
import { stableOrder, type GridLevel } from '../../../shared/grid'

let s: TestServer
beforeAll(async () => {
  s = await buildTestServer()
})
afterAll(() => s.close())

const order = stableOrder(GRIDS.map(([code, , level]) => ({ code, level: level as GridLevel })))
const indexOf = (code: string) => order.findIndex((g) => g.code === code)

test('one level as object `grids`, with code, name, level, parent and the stable index i', async () => {
  const r = await s.app.inject('/api/grids?level=4')
  expect(r.statusCode).toBe(200)
  const topo = r.json() as Topology
  expect(Object.keys(topo.objects)).toEqual(['grids'])
  expect(topo.transform).toBeDefined() // quantized
  const fc = feature(topo, topo.objects.grids as GeometryCollection)
  expect(fc.features.map((f) => f.properties)).toEqual(
    GRIDS.filter((g) => g[2] === 4).map(([code, name, level, parent]) => ({ code, name, level, parent, i: indexOf(code) })),
  )
  // Quantization keeps the shape: the first micro grid still spans its box to within a metre.
  const ring = (fc.features[0].geometry as GeoJSON.Polygon).coordinates[0]
  expect(Math.min(...ring.map((p) => p[0]))).toBeCloseTo(113.5, 5)
})

test('all levels as objects district, l1…l4 and special; special grids carry their kind', async () => {
  const topo = (await s.app.inject('/api/grids')).json() as Topology
  expect(Object.keys(topo.objects).sort()).toEqual(['district', 'l1', 'l2', 'l3', 'l4', 'special'])
  const special = feature(topo, topo.objects.special as GeometryCollection).features[0].properties
  expect(special).toMatchObject({ code: '410103910001', kind: 'enterprise', level: 5, i: indexOf('410103910001') })
  expect((topo.objects.l1 as GeometryCollection).geometries).toHaveLength(2)
})

test('served gzipped to clients that accept it, and revalidated with an ETag', async () => {
  const plain = await s.app.inject('/api/grids?level=1')
  const zipped = await s.app.inject({ url: '/api/grids?level=1', headers: { 'accept-encoding': 'gzip, br' } })
  expect(zipped.headers['content-encoding']).toBe('gzip')
  expect(gunzipSync(zipped.rawPayload).toString()).toBe(plain.body)
  const etag = plain.headers.etag as string
  const again = await s.app.inject({ url: '/api/grids?level=1', headers: { 'if-none-match': etag } })
  expect(again.statusCode).toBe(304)
  expect(again.body).toBe('')
})

test('a level out of range is refused', async () => {
  const r = await s.app.inject('/api/grids?level=9')
  expect(r.json()).toMatchObject({ statusCode: 400, field: 'level' })
})
