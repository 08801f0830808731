// Which column of a 12345 export holds what. Exports differ between platforms and years, so the headers are
// configuration: a JSON file overrides any part of the default (`npm run import -- f.xlsx --mapping m.json`).
// Each field lists the header names it may appear under; the first one is the name used in reports.
import type { Rating } from '../../shared/workflow'

export const FIELDS = [
  'externalId', 'reportedAt', 'description', 'address', 'lon', 'lat', 'matter', 'department',
  'dispatchedAt', 'closedAt', 'rating', 'ratedAt', 'reporterName', 'reporterPhone',
] as const
export type Field = (typeof FIELDS)[number]

/** A file without one of these columns is refused as a whole: no row could be imported. */
export const REQUIRED_FIELDS: readonly Field[] = ['externalId', 'reportedAt', 'description', 'lon', 'lat', 'matter']

export interface ImportMapping {
  columns: Record<Field, string[]>
  /** Datum of 经度/纬度: Chinese web maps (and so most 12345 platforms) use GCJ-02. */
  crs: 'wgs84' | 'gcj02'
  /** Offset of the export's local times, which carry no timezone themselves. */
  utcOffset: string
  /** 满意度 text → rating; null means "no follow-up result" (the case stays closed, unrated). */
  ratings: Record<string, Rating | null>
}

export const DEFAULT_MAPPING: ImportMapping = {
  columns: {
    externalId: ['工单编号', '工单号', '编号'],
    reportedAt: ['来电时间', '受理时间', '登记时间'],
    description: ['诉求内容', '问题描述', '来电内容'],
    address: ['地址', '事发地址', '问题地址'],
    lon: ['经度'],
    lat: ['纬度'],
    matter: ['事项分类', '事项', '问题分类'],
    department: ['承办单位', '处置单位', '责任单位'],
    dispatchedAt: ['派单时间', '派遣时间'],
    closedAt: ['办结时间', '结案时间'],
    rating: ['满意度', '回访结果'],
    ratedAt: ['回访时间', '评价时间'],
    reporterName: ['来电人', '诉求人', '联系人'],
    reporterPhone: ['联系电话', '来电号码', '电话'],
  },
  crs: 'gcj02',
  utcOffset: '+08:00',
  ratings: {
    满意: 'satisfied', 非常满意: 'satisfied', 基本满意: 'basic', 一般: 'basic', 不满意: 'unsatisfied',
    非常不满意: 'unsatisfied', 未回访: null, 无法联系: null, 未评价: null,
  },
}

export class MappingError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'MappingError'
  }
}

const OFFSET = /^[+-](0\d|1[0-4]):[0-5]\d$/
const RATINGS = new Set(['satisfied', 'basic', 'unsatisfied'])

/** Merge a user mapping (parsed JSON) over the default, checking every part; throws MappingError. */
export function loadMapping(input: unknown): ImportMapping {
  if (input === undefined || input === null) return DEFAULT_MAPPING
  if (typeof input !== 'object' || Array.isArray(input)) throw new MappingError('mapping: expected a JSON object')
  const m = input as Record<string, unknown>
  for (const key of Object.keys(m))
    if (!['columns', 'crs', 'utcOffset', 'ratings'].includes(key))
      throw new MappingError(`mapping.${key}: unknown setting (known: columns, crs, utcOffset, ratings)`)
  const columns = { ...DEFAULT_MAPPING.columns }
  if (m.columns !== undefined) {
    if (typeof m.columns !== 'object' || m.columns === null) throw new MappingError('mapping.columns: expected an object')
    for (const [field, names] of Object.entries(m.columns)) {
      if (!(FIELDS as readonly string[]).includes(field))
        throw new MappingError(`mapping.columns.${field}: unknown field (known: ${FIELDS.join(', ')})`)
      const list = typeof names === 'string' ? [names] : names
      if (!Array.isArray(list) || list.length === 0 || list.some((n) => typeof n !== 'string' || !n.trim()))
        throw new MappingError(`mapping.columns.${field}: expected a header name or a non-empty list of them`)
      columns[field as Field] = list.map((n: string) => n.trim())
    }
  }
  const crs = m.crs ?? DEFAULT_MAPPING.crs
  if (crs !== 'wgs84' && crs !== 'gcj02') throw new MappingError('mapping.crs: expected "wgs84" or "gcj02"')
  const utcOffset = m.utcOffset ?? DEFAULT_MAPPING.utcOffset
  if (typeof utcOffset !== 'string' || !OFFSET.test(utcOffset))
    throw new MappingError('mapping.utcOffset: expected an offset like "+08:00"')
  let ratings = DEFAULT_MAPPING.ratings
  if (m.ratings !== undefined) {
    if (typeof m.ratings !== 'object' || m.ratings === null) throw new MappingError('mapping.ratings: expected an object')
    for (const [text, r] of Object.entries(m.ratings))
      if (r !== null && !RATINGS.has(r as string))
        throw new MappingError(`mapping.ratings.${text}: expected satisfied, basic, unsatisfied or null`)
    ratings = m.ratings as Record<string, Rating | null>
  }
  return { columns, crs, utcOffset, ratings }
}

/** Offset in minutes east of UTC. */
export function offsetMinutes(utcOffset: string): number {
  const sign = utcOffset[0] === '-' ? -1 : 1
  return sign * (Number(utcOffset.slice(1, 3)) * 60 + Number(utcOffset.slice(4, 6)))
}

/** Normalise a header cell: exports carry BOMs, full-width spaces and stray padding. */
export const cleanHeader = (h: unknown) => String(h ?? '').replace(/^\uFEFF/, '').replace(/[\s\u3000]+/g, '')

export interface ColumnIndex {
  /** Column position of each field, or -1 when the file has no such column. */
  at: Record<Field, number>
  /** The header as the file spells it, for error reports. */
  header: Record<Field, string>
}

/** Find each field's column in a header row; throws MappingError naming the missing required columns. */
export function resolveColumns(headers: readonly unknown[], mapping: ImportMapping): ColumnIndex {
  const cleaned = headers.map(cleanHeader)
  const at = {} as Record<Field, number>
  const header = {} as Record<Field, string>
  for (const f of FIELDS) {
    const names = mapping.columns[f].map(cleanHeader)
    at[f] = cleaned.findIndex((h) => names.includes(h))
    header[f] = at[f] >= 0 ? cleaned[at[f]] : mapping.columns[f][0]
  }
  const missing = REQUIRED_FIELDS.filter((f) => at[f] < 0)
  if (missing.length)
    throw new MappingError(
      `missing column${missing.length > 1 ? 's' : ''} ${missing.map((f) => `${mapping.columns[f][0]} (${f})`).join(', ')}; ` +
        `the header row has: ${cleaned.filter(Boolean).join(', ') || '(nothing)'}`,
    )
  return { at, header }
}
