// The matter catalogue (事项库) and its departments, declared once: the generator writes these, the seed
// stores them, the server reads them back. Pure types and constants.
import type { LimitKind } from './timelimit'
import type { Level } from './workflow'

export type MatterKind = '部件' | '事件'

/** Datatypes of a matter's extra fields (Open311 GeoReport v2 service definition attributes). */
export const ATTRIBUTE_TYPES = ['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist'] as const
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number]

export interface AttributeValue {
  key: string
  name: string
}

/** One extra field a matter asks for. */
export interface MatterAttribute {
  code: string
  datatype: AttributeType
  required: boolean
  description: string
  values?: AttributeValue[]
}

export interface Department {
  code: string
  name: string
}

export interface Matter {
  code: string
  name: string
  kind: MatterKind
  bigClass: string
  bigClassName: string
  smallClass: string
  smallClassName: string
  /** The department a dispatch goes to by default. */
  department: string
  limitKind: LimitKind
  limitValue: number
  /** The ladder level such a case is usually settled at. */
  settleLevel: Level
  keywords: string[]
  attributes: MatterAttribute[] | null
}

/** A matter as the database stores it (the `matters` table): keywords comma-joined, attributes as JSON. */
export type StoredMatter = Omit<Matter, 'keywords' | 'attributes'> & { keywords: string; attributes: string | null }
