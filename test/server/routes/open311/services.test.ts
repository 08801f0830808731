import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestServer } from '../../helpers'
import { MATTERS } from '../../helpers'
import { both, DEFINED, open311Server, xmlParser } from './client'

let s: TestServer
beforeAll(async () => {
  s = await open311Server()
})
afterAll(() => s.close())

describe('GET discovery', () => {
  it('describes the endpoint in both formats', async () => {
    const a = await both(s.app, { url: '/open311/v2/discovery.{fmt}', headers: { host: 'onescreen.example:3000' } }, 'discovery')
    expect(a.status).toBe(200)
    expect(Array.isArray(a.json)).toBe(false) // discovery is one document, not a list
    expect(a.json.changeset).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/)
    expect(a.json.contact).toBeTruthy()
    expect(a.json.key_service).toBeTruthy()
    expect(a.json.endpoints).toEqual([{
      specification: 'http://wiki.open311.org/GeoReport_v2',
      url: 'http://onescreen.example:3000/open311/v2',
      changeset: a.json.changeset,
      type: 'production',
      formats: ['text/xml', 'application/json'],
    }])
    expect(a.xml.endpoints.endpoint[0].formats.format).toEqual(['text/xml', 'application/json'])
  })
})

describe('GET services', () => {
  it('lists the matter catalogue with groups and keywords', async () => {
    const a = await both(s.app, { url: '/open311/v2/services.{fmt}' }, 'services')
    expect(a.status).toBe(200)
    expect(a.json).toHaveLength(4)
    expect(a.xml.service).toHaveLength(4)
    const defined = a.json.find((x: { service_code: string }) => x.service_code === DEFINED)
    expect(defined).toEqual({
      service_code: DEFINED, service_name: '井盖缺失',
      description: '部件 · 公用设施 · 井盖；承办：市政工程中心；时限：4 紧急小时',
      metadata: true, type: 'realtime', keywords: '井盖, 窨井, 下水道盖', group: '公用设施',
    })
    // Element order follows the spec's example.
    expect(Object.keys(a.xml.service[0])).toEqual(['service_code', 'service_name', 'description', 'metadata', 'type', 'keywords', 'group'])
    const litter = a.json.find((x: { service_code: string }) => x.service_code === MATTERS.litter)
    expect(litter).toMatchObject({ metadata: false, group: '市容环境', type: 'realtime' })
  })

  it('accepts and ignores jurisdiction_id (one jurisdiction)', async () => {
    const r = await s.app.inject('/open311/v2/services.json?jurisdiction_id=erqi.gov.cn')
    expect(r.statusCode).toBe(200)
    expect(JSON.parse(r.body)).toHaveLength(4)
  })

  it('follows a catalogue reload', async () => {
    s.db.$client.prepare("UPDATE matters SET name = '暴露垃圾堆' WHERE code = ?").run(MATTERS.litter)
    s.app.catalogue.reload()
    const names = JSON.parse((await s.app.inject('/open311/v2/services.json')).body).map((x: { service_name: string }) => x.service_name)
    expect(names).toContain('暴露垃圾堆')
    s.db.$client.prepare("UPDATE matters SET name = '暴露垃圾' WHERE code = ?").run(MATTERS.litter)
    s.app.catalogue.reload()
  })
})

describe('GET services/{service_code}', () => {
  it('gives the service definition with attributes and values', async () => {
    const a = await both(s.app, { url: `/open311/v2/services/${DEFINED}.{fmt}` }, 'service_definition')
    expect(a.status).toBe(200)
    expect(a.json.service_code).toBe(DEFINED)
    expect(a.json.attributes).toHaveLength(4)
    expect(a.json.attributes[0]).toEqual({
      variable: true, code: 'cover_type', datatype: 'singlevaluelist', required: true, datatype_description: null,
      order: 1, description: '井盖类型', values: [{ key: 'round', name: '圆形井盖' }, { key: 'square', name: '方形井盖' }],
    })
    expect(a.json.attributes.map((x: { order: number }) => x.order)).toEqual([1, 2, 3, 4])
    expect(a.json.attributes[2]).toMatchObject({ datatype: 'number', required: false, values: [] })
    expect(a.json.attributes[3].datatype_description).toMatch(/ISO 8601/)
    expect(a.xml.attributes.attribute[1].values.value.map((v: { key: string }) => v.key)).toEqual(['night', 'school', 'traffic'])
  })

  it('gives an empty definition for a matter without metadata', async () => {
    const a = await both(s.app, { url: `/open311/v2/services/${MATTERS.litter}.{fmt}` }, 'service_definition')
    expect(a.json).toEqual({ service_code: MATTERS.litter, attributes: [] })
  })

  it('answers 404 in the spec error format for an unknown service_code', async () => {
    const a = await both(s.app, { url: '/open311/v2/services/99999.{fmt}' }, 'errors')
    expect(a.status).toBe(404)
    expect(a.json).toEqual([{ code: 404, description: 'service_code "99999" was not found' }])
    expect(a.xml.error[0].code).toBe('404')
  })
})

describe('unknown resources and formats', () => {
  it('answers 404 for an unknown path, in the format the URL names', async () => {
    for (const fmt of ['xml', 'json']) {
      for (const method of ['GET', 'POST'] as const) {
        const r = await s.app.inject({ method, url: `/open311/v2/complaints.${fmt}` })
        expect(r.statusCode).toBe(404)
        const description = `no such resource: ${method} /open311/v2/complaints.${fmt}`
        if (fmt === 'json') expect(JSON.parse(r.body)).toEqual([{ code: 404, description }])
        else expect(xmlParser.parse(r.body).errors.error).toEqual([{ code: '404', description }])
      }
    }
  })

  it('answers 404 in XML (the required format) for a format it does not speak', async () => {
    const r = await s.app.inject('/open311/v2/services.csv')
    expect(r.statusCode).toBe(404)
    expect(r.headers['content-type']).toBe('text/xml; charset=utf-8')
    expect(xmlParser.parse(r.body).errors.error[0]).toEqual({ code: '404', description: 'unknown format: use .xml or .json' })
  })
})
