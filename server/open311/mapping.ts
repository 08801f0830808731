// The catalogue and the case projection, seen through GeoReport v2: a matter is a service (service_code =
// matter code, group = big class), a case is a service request (status open|closed, the workflow stage in
// status_notes, the department as agency_responsible, the deadline as expected_datetime).
import { isOpenState, STATE_LABEL, type CaseStateName } from '../../shared/workflow'
import { maskText } from '../../shared/mask'
import type { CaseRow } from '../cases/log'
import { list, type Doc } from './format'
import { ATTRIBUTE_TYPES, type AttributeType, type AttributeValue, type MatterAttribute, type StoredMatter } from '../../shared/catalogue'
import type { DistrictClock } from '../../shared/clock'

/** The parts of a stored matter Open311 shows. */
export type MatterView = Pick<StoredMatter, 'code' | 'name' | 'kind' | 'bigClassName' | 'smallClassName' | 'department' | 'limitKind' | 'limitValue' | 'keywords' | 'attributes'>
export type { MatterAttribute }

const LIMIT_LABEL: Record<string, string> = {
  urgent_hours: '紧急小时', working_hours: '工作小时', working_days: '工作日', natural_days: '自然日',
}
export const limitText = (m: Pick<MatterView, 'limitKind' | 'limitValue'>) =>
  `${m.limitValue} ${LIMIT_LABEL[m.limitKind] ?? m.limitKind}`

/** The catalogue stores attributes as JSON; values may be plain strings or {key, name}. */
export function matterAttributes(m: Pick<MatterView, 'attributes'>): MatterAttribute[] {
  if (!m.attributes) return []
  const raw = JSON.parse(m.attributes) as Array<Omit<MatterAttribute, 'values'> & { values?: unknown[] }>
  return raw.map((a) => ({
    code: String(a.code),
    datatype: (ATTRIBUTE_TYPES as readonly string[]).includes(a.datatype) ? a.datatype : 'string',
    required: !!a.required,
    description: String(a.description ?? a.code),
    values: a.values?.map((v) =>
      typeof v === 'object' && v !== null
        ? { key: String((v as AttributeValue).key), name: String((v as AttributeValue).name) }
        : { key: String(v), name: String(v) },
    ),
  }))
}

/** Keywords as the spec writes them ("a, b, c"), whether the catalogue stored a JSON list or plain text. */
export function keywordsText(raw: string): string {
  let words: unknown = raw
  if (raw.trimStart().startsWith('[')) {
    try {
      words = JSON.parse(raw)
    } catch {
      words = raw
    }
  }
  const list = Array.isArray(words) ? words.map(String) : String(words).split(/[,，、;；]/)
  return list.map((w) => w.trim()).filter(Boolean).join(', ')
}

export function serviceOf(m: MatterView, departmentName: string | undefined): Doc {
  return {
    service_code: m.code,
    service_name: m.name,
    description: `${m.kind} · ${m.bigClassName} · ${m.smallClassName}；承办：${departmentName ?? m.department}；时限：${limitText(m)}`,
    metadata: m.attributes !== null && matterAttributes(m).length > 0,
    type: 'realtime',
    keywords: keywordsText(m.keywords),
    group: m.bigClassName,
  }
}

const DATATYPE_HINT: Record<AttributeType, string | null> = {
  string: null, text: null, singlevaluelist: null, multivaluelist: null,
  number: '数字 (a number)',
  datetime: 'ISO 8601，须带时区 (e.g. 2024-05-01T09:30:00+08:00)',
}

export function definitionOf(m: MatterView): Doc {
  return {
    service_code: m.code,
    attributes: list('attribute', matterAttributes(m).map((a, i) => ({
      variable: true,
      code: a.code,
      datatype: a.datatype,
      required: a.required,
      datatype_description: DATATYPE_HINT[a.datatype],
      order: i + 1,
      description: a.description,
      values: list('value', (a.values ?? []).map((v) => ({ key: v.key, name: v.name }))),
    }))),
  }
}

export const open311Status = (s: CaseStateName) => (isOpenState(s) ? 'open' : 'closed')

/**
 * A case as a service request. Citizen text is masked (phone numbers and names in it) unless `personal`;
 * the reporter's name and phone are never part of a request.
 */
export function requestOf(
  c: CaseRow,
  matter: Pick<MatterView, 'name' | 'department'> | undefined,
  departmentName: (code: string) => string | undefined,
  clock: DistrictClock,
  personal = false,
): Doc {
  const isoLocal = (t: number) => clock.iso(t)
  const dept = c.department ?? matter?.department ?? null
  const text = (s: string | null) => (s === null || personal ? s : maskText(s, { names: [c.reporterName] }))
  return {
    service_request_id: String(c.id),
    status: open311Status(c.state),
    status_notes: STATE_LABEL[c.state],
    service_name: matter?.name ?? c.matter,
    service_code: c.matter,
    description: text(c.description),
    agency_responsible: dept === null ? null : (departmentName(dept) ?? dept),
    service_notice: null,
    requested_datetime: isoLocal(c.reportedAt),
    // The spec: for a closed request, the time it was closed (a later follow-up rating does not move it).
    updated_datetime: isoLocal(c.closedAt ?? c.updatedAt),
    expected_datetime: c.deadline === null ? null : isoLocal(c.deadline),
    address: text(c.address),
    // The grid code is the district's own location key; POST accepts it back as address_id.
    address_id: c.grid,
    zipcode: null,
    lat: c.lat,
    long: c.lon,
    media_url: c.mediaUrl,
  }
}
