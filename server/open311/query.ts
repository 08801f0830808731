// GET requests: the GeoReport v2 query. service_request_id (a comma list) overrides everything else;
// otherwise service_code and status (comma lists), start_date/end_date (W3C datetimes with a zone, at most
// 90 days apart; the last 90 days when absent). At most 1,000 requests come back, newest first.
import { badRequest } from './errors'
import { parseIso } from './time'

export const SPAN_MS = 90 * 86_400_000
export const MAX_RESULTS = 1000

export type RequestQuery =
  | { kind: 'ids'; ids: number[] }
  | { kind: 'filter'; serviceCodes: string[]; statuses: ('open' | 'closed')[]; start: number; end: number }

const list = (v: string | undefined) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean)

function date(q: Record<string, string | undefined>, name: string): number | null {
  const v = q[name]?.trim()
  if (!v) return null
  const t = parseIso(v)
  if (t === null) throw badRequest(`${name} must be a W3C datetime with a timezone, e.g. 2010-01-01T00:00:00Z (got "${v}")`)
  return t
}

export function parseRequestQuery(q: Record<string, string | undefined>, now: number): RequestQuery {
  const idText = list(q.service_request_id)
  if (idText.length) {
    if (idText.length > MAX_RESULTS) throw badRequest(`service_request_id lists ${idText.length} ids; at most ${MAX_RESULTS}`)
    const bad = idText.filter((s) => !/^\d{1,15}$/.test(s))
    if (bad.length) throw badRequest(`service_request_id must be a comma list of request ids (not "${bad.slice(0, 3).join('", "')}")`)
    return { kind: 'ids', ids: [...new Set(idText.map(Number))] }
  }
  const statuses = list(q.status)
  const wrong = statuses.filter((s) => s !== 'open' && s !== 'closed')
  if (wrong.length) throw badRequest(`status must be open or closed, or both comma separated (not "${wrong.join('", "')}")`)
  let start = date(q, 'start_date')
  let end = date(q, 'end_date')
  if (start === null && end === null) {
    end = now
    start = now - SPAN_MS
  } else if (start === null) start = end! - SPAN_MS
  else if (end === null) end = Math.min(start + SPAN_MS, Math.max(now, start))
  if (end! < start) throw badRequest('end_date is before start_date')
  if (end! - start > SPAN_MS) throw badRequest('start_date and end_date may not span more than 90 days')
  return { kind: 'filter', serviceCodes: [...new Set(list(q.service_code))], statuses: [...new Set(statuses)] as ('open' | 'closed')[], start, end: end! }
}
