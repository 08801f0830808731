// POST requests: the form fields of a GeoReport v2 submission, checked, and the service definition's
// attributes validated (`attribute[code]=v`, and `attribute[code][]=v1&attribute[code][]=v2` for a
// multivaluelist). An empty parameter counts as absent, as the spec's "optional arguments" rule says.
import { badRequest } from './errors'
import type { MatterAttribute } from './mapping'
import { parseIso } from './time'

export const DESCRIPTION_LIMIT = 4000

export type Form = Record<string, string | string[] | undefined>

export type Location =
  | { kind: 'point'; lat: number; long: number }
  | { kind: 'address_id'; addressId: string; address: string | null }
  | { kind: 'address_string'; address: string }

export interface Submission {
  serviceCode: string
  location: Location
  /** attribute code → the values given (one for most datatypes, several for a multivaluelist). */
  attributes: Map<string, string[]>
  description: string | null
  reporterName: string | null
  phone: string | null
  mediaUrl: string | null
  accountId: string | null
}

/** One value of a form field; a repeated field other than attributes is a client mistake. */
export function field(form: Form, name: string): string | null {
  const v = form[name]
  if (v === undefined) return null
  if (Array.isArray(v)) throw badRequest(`${name} was given ${v.length} times; give it once`)
  const t = v.trim()
  return t === '' ? null : t
}

const chars = (s: string) => Array.from(s).length
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/

function coordinate(form: Form, name: 'lat' | 'long', limit: number): number | null {
  const v = field(form, name)
  if (v === null) return null
  const n = NUMBER.test(v) ? Number(v) : NaN
  if (!Number.isFinite(n) || Math.abs(n) > limit) throw badRequest(`${name} must be a WGS84 decimal degree between -${limit} and ${limit} (got "${v}")`)
  return n
}

export function parseSubmission(form: Form): Submission {
  const serviceCode = field(form, 'service_code')
  if (serviceCode === null) throw badRequest('service_code was not provided')
  const lat = coordinate(form, 'lat', 90)
  const long = coordinate(form, 'long', 180)
  const addressString = field(form, 'address_string')
  const addressId = field(form, 'address_id')
  let location: Location
  if (lat !== null || long !== null) {
    if (lat === null || long === null) throw badRequest(`lat and long must both be sent (only ${lat === null ? 'long' : 'lat'} was given)`)
    location = { kind: 'point', lat, long }
  } else if (addressId !== null) location = { kind: 'address_id', addressId, address: addressString }
  else if (addressString !== null) location = { kind: 'address_string', address: addressString }
  else throw badRequest('a location is required: lat and long, or address_string, or address_id')

  const description = field(form, 'description')
  if (description !== null && chars(description) > DESCRIPTION_LIMIT)
    throw badRequest(`description is longer than ${DESCRIPTION_LIMIT} characters (${chars(description)})`)
  const first = field(form, 'first_name')
  const last = field(form, 'last_name')
  // Chinese order: family name first.
  const reporterName = [last, first].filter(Boolean).join(/[\u4e00-\u9fff]/.test(`${last ?? ''}${first ?? ''}`) ? '' : ' ') || null

  const attributes = new Map<string, string[]>()
  for (const [key, raw] of Object.entries(form)) {
    const m = /^attribute\[([^\]]+)\](\[\])?$/.exec(key)
    if (!m || raw === undefined) continue
    const values = (Array.isArray(raw) ? raw : [raw]).map((v) => v.trim()).filter((v) => v !== '')
    if (values.length === 0) continue
    attributes.set(m[1], [...(attributes.get(m[1]) ?? []), ...values])
  }
  return {
    serviceCode, location, attributes, description, reporterName,
    phone: field(form, 'phone'), mediaUrl: field(form, 'media_url'), accountId: field(form, 'account_id'),
  }
}

/**
 * Check the attributes against the service definition; returns them as readable lines (description: value
 * name) in the definition's order, for the case's description. Every problem is collected.
 */
export function checkAttributes(definition: readonly MatterAttribute[], given: Map<string, string[]>): string[] {
  const problems: string[] = []
  const lines: string[] = []
  const known = new Set(definition.map((a) => a.code))
  for (const code of given.keys())
    if (!known.has(code)) problems.push(`attribute[${code}] is not an attribute of this service (known: ${[...known].join(', ') || 'none'})`)
  for (const a of definition) {
    const values = given.get(a.code) ?? []
    const name = `attribute[${a.code}]`
    if (values.length === 0) {
      if (a.required) problems.push(`${name} (${a.description}) is required`)
      continue
    }
    if (a.datatype !== 'multivaluelist' && values.length > 1) {
      problems.push(`${name} takes one value (${a.datatype}); got ${values.length}`)
      continue
    }
    const v = values[0]
    switch (a.datatype) {
      case 'number':
        if (!NUMBER.test(v)) problems.push(`${name} must be a number (got "${v}")`)
        else lines.push(`${a.description}：${v}`)
        break
      case 'datetime':
        if (parseIso(v) === null) problems.push(`${name} must be an ISO 8601 date and time with a timezone (got "${v}")`)
        else lines.push(`${a.description}：${v}`)
        break
      case 'singlevaluelist':
      case 'multivaluelist': {
        const names = new Map((a.values ?? []).map((x) => [x.key, x.name]))
        const wrong = values.filter((x) => !names.has(x))
        if (wrong.length) problems.push(`${name}: "${wrong.join('", "')}" is not one of the keys ${[...names.keys()].join(', ')}`)
        else lines.push(`${a.description}：${values.map((x) => names.get(x)).join('、')}`)
        break
      }
      case 'string':
        if (/[\r\n]/.test(v)) problems.push(`${name} is a string and may not contain line breaks`)
        else if (chars(v) > 500) problems.push(`${name} is longer than 500 characters`)
        else lines.push(`${a.description}：${v}`)
        break
      default:
        if (chars(v) > 2000) problems.push(`${name} is longer than 2000 characters`)
        else lines.push(`${a.description}：${v}`)
    }
  }
  if (problems.length) throw badRequest(problems)
  return lines
}
