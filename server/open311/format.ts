// Open311 answers in both formats from one description of the document. JSON nests lists as arrays;
// XML wraps each list in its container element and repeats one element per item, as GeoReport v2 shows it
// (`<services><service>…</service></services>`, `<attributes><attribute>…`, `<formats><format>…`).
import { XMLBuilder } from 'fast-xml-parser'

export const FORMATS = ['xml', 'json'] as const
export type Format = (typeof FORMATS)[number]
export const isFormat = (s: unknown): s is Format => s === 'xml' || s === 'json'

export const CONTENT_TYPE: Record<Format, string> = {
  xml: 'text/xml; charset=utf-8',
  json: 'application/json; charset=utf-8',
}

/** A list: in XML every item becomes one `<item>` element inside the container. */
export class List {
  constructor(
    readonly item: string,
    readonly items: readonly Value[],
  ) {}
}
export type Scalar = string | number | boolean | null
export type Value = Scalar | List | Doc
export interface Doc {
  [key: string]: Value
}

export const list = (item: string, items: readonly Value[]) => new List(item, items)

const builder = new XMLBuilder({ format: false, suppressEmptyNode: false, processEntities: true })
const DECLARATION = '<?xml version="1.0" encoding="utf-8"?>'
// Characters XML 1.0 cannot carry at all; citizen text may contain them (pasted from anywhere).
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g

function toJson(v: Value): unknown {
  if (v instanceof List) return v.items.map(toJson)
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toJson(x)]))
  return v
}

function toXml(v: Value): unknown {
  if (v === null) return ''
  if (typeof v === 'string') return v.replace(NOT_XML, '')
  if (v instanceof List) return v.items.length ? { [v.item]: v.items.map(toXml) } : ''
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toXml(x)]))
  return v
}

/** Serialize a document with one root: `render('xml', 'services', list('service', rows))`. */
export function render(fmt: Format, root: string, body: Value): string {
  if (fmt === 'json') return JSON.stringify(toJson(body))
  return DECLARATION + builder.build({ [root]: toXml(body) })
}
