// An Open311 client for the tests: fetches both formats, parses the XML with fast-xml-parser's XMLParser as a
// third-party client would, and checks that the JSON answer is the same document (Spark convention).
import { expect } from 'vitest'
import { XMLParser } from 'fast-xml-parser'
import type { FastifyInstance, InjectOptions } from 'fastify'
import { buildTestServer, type TestServer } from '../../helpers'
import type { Config } from '../../../../server/config'

/** The elements GeoReport v2 repeats, by path: always parsed as lists. */
const REPEATED = new Set([
  'services.service', 'service_requests.request', 'errors.error', 'service_definition.attributes.attribute',
  'service_definition.attributes.attribute.values.value', 'discovery.endpoints.endpoint',
  'discovery.endpoints.endpoint.formats.format',
])
const ITEM: Record<string, string> = {
  services: 'service', service_requests: 'request', errors: 'error', attributes: 'attribute', values: 'value',
  endpoints: 'endpoint', formats: 'format',
}

export const xmlParser = new XMLParser({
  parseTagValue: false, ignoreDeclaration: true, trimValues: false,
  isArray: (_name, jpath) => REPEATED.has(String(jpath)),
})

/** The JSON answer in the shape its XML twin parses to: lists wrapped in their item element, text values. */
export function xmlShape(v: unknown, key = ''): unknown {
  if (Array.isArray(v)) return v.length ? { [ITEM[key]]: v.map((x) => xmlShape(x)) } : ''
  if (v === null) return ''
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, xmlShape(x, k)]))
  return String(v)
}

export interface Answer {
  status: number
  /** JSON answer as parsed. */
  json: any
  /** XML answer parsed, without its root element. */
  xml: any
}


/**
 * Send the same request as .xml and as .json (the URL holds `{fmt}`), check status, content types, the XML
 * declaration and that both documents agree; return both.
 */
export async function both(app: FastifyInstance, req: InjectOptions & { url: string }, root: string): Promise<Answer> {
  const send = (fmt: string) => app.inject({ ...req, url: req.url.replace('{fmt}', fmt) })
  const x = await send('xml')
  const j = await send('json')
  expect(x.statusCode, x.body).toBe(j.statusCode)
  expect(x.headers['content-type']).toBe('text/xml; charset=utf-8')
  expect(j.headers['content-type']).toBe('application/json; charset=utf-8')
  expect(x.body.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true)
  const parsed = xmlParser.parse(x.body)
  expect(Object.keys(parsed)).toEqual([root])
  const json = JSON.parse(j.body)
  expect(parsed[root]).toEqual(xmlShape(json, root))
  return { status: x.statusCode, json, xml: parsed[root] }
}

/** Form-encode fields the way an Open311 client does (repeated keys for lists). */
export function form(fields: Record<string, string | number | string[]>): string {
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) p.append(k, String(x))
  return p.toString()
}

export const FORM = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }

/** A matter with a service definition, added to the small test district. */
export const DEFINED = '03001'

export async function open311Server(overrides: Partial<Config> = {}): Promise<TestServer> {
  const s = await buildTestServer(overrides)
  s.db.$client.prepare(
    `INSERT INTO matters (code, name, kind, big_class, big_class_name, small_class, small_class_name, department,
      limit_kind, limit_value, settle_level, keywords, attributes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'community', ?, ?)`,
  ).run(DEFINED, '井盖缺失', '部件', '03', '公用设施', '001', '井盖', 'D02', 'urgent_hours', 4, '井盖,窨井,下水道盖', JSON.stringify([
    { code: 'cover_type', datatype: 'singlevaluelist', required: true, description: '井盖类型',
      values: [{ key: 'round', name: '圆形井盖' }, { key: 'square', name: '方形井盖' }] },
    { code: 'hazards', datatype: 'multivaluelist', required: false, description: '危险情况',
      values: [{ key: 'night', name: '夜间无照明' }, { key: 'school', name: '靠近学校' }, { key: 'traffic', name: '车流量大' }] },
    { code: 'depth', datatype: 'number', required: false, description: '深度(米)' },
    { code: 'seen_at', datatype: 'datetime', required: false, description: '发现时间' },
  ]))
  s.app.catalogue.reload()
  return s
}
