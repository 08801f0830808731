// What the REST API answers, declared once: the server validates and documents its responses with these
// TypeBox schemas (OpenAPI at /docs), and the client reads the same shapes as types (a type-only import, so
// no schema code reaches the bundle). Shape only; pure.
import { Type, type Static } from 'typebox'
import { STATES } from './workflow'
import { GRID_METRICS, WINDOWS } from './protocol'
import { INDICATORS } from './indicators'

export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])

const Time = Nullable(Type.String({ format: 'date-time' }))

export const EventView = Type.Object({
  id: Type.Integer(),
  action: Type.String(),
  from: Nullable(Type.String()),
  to: Type.String(),
  level: Type.String(),
  actor: Type.String(),
  at: Type.String({ format: 'date-time' }),
  reason: Nullable(Type.String()),
  data: Nullable(Type.Record(Type.String(), Type.Unknown())),
})
export type EventView = Static<typeof EventView>

export const CaseView = Type.Object({
  id: Type.Integer(),
  externalId: Nullable(Type.String()),
  source: Type.String(),
  matter: Type.String(),
  grid: Type.String({ description: 'Micro grid code; ancestors are its prefixes' }),
  special: Nullable(Type.String()),
  lon: Type.Number(),
  lat: Type.Number(),
  address: Nullable(Type.String()),
  description: Type.String({ description: 'Plain text, never HTML' }),
  reporterName: Nullable(Type.String({ description: 'Masked (张*) unless the caller is an operator' })),
  reporterPhone: Nullable(Type.String({ description: 'Masked (138****5678) unless the caller is an operator' })),
  mediaUrl: Nullable(Type.String()),
  state: Type.Enum([...STATES]),
  level: Type.String(),
  light: Type.String(),
  department: Nullable(Type.String()),
  deadline: Time,
  reportedAt: Type.String({ format: 'date-time' }),
  registeredAt: Time,
  dispatchedAt: Time,
  handledAt: Time,
  closedAt: Time,
  reworks: Type.Integer(),
  returns: Type.Integer(),
  extensions: Type.Integer(),
  supervised: Type.Boolean(),
  forced: Type.Boolean(),
  rating: Nullable(Type.String()),
  updatedAt: Type.String({ format: 'date-time' }),
})
export type CaseView = Static<typeof CaseView>

/** GET /api/cases/:id */
export const CaseDetailView = Type.Object({ ...CaseView.properties, events: Type.Array(EventView) })
export type CaseDetailView = Static<typeof CaseDetailView>

/** GET /api/cases */
export const CaseListView = Type.Object({ total: Type.Integer(), items: Type.Array(CaseView), nextCursor: Nullable(Type.Integer()) })
export type CaseListView = Static<typeof CaseListView>

export const DepartmentView = Type.Object({ code: Type.String(), name: Type.String() })
export const MatterView = Type.Object({
  code: Type.String(),
  name: Type.String(),
  kind: Type.String({ description: '部件 or 事件' }),
  bigClass: Type.String(),
  bigClassName: Type.String(),
  smallClass: Type.String(),
  smallClassName: Type.String(),
  department: Type.String(),
  limitKind: Type.String({ description: 'urgent_hours | working_hours | working_days | natural_days' }),
  limitValue: Type.Number(),
  settleLevel: Type.String(),
  keywords: Type.String(),
  attributes: Nullable(Type.Array(Type.Unknown())),
})

/** GET /api/catalogue */
export const CatalogueView = Type.Object({ departments: Type.Array(DepartmentView), matters: Type.Array(MatterView) })
export type CatalogueView = Static<typeof CatalogueView>

const Term = Type.Object({
  value: Nullable(Type.Number({ description: 'The rate, 0–1; null when the denominator is 0 (no data)' })),
  numerator: Nullable(Type.Number({ description: 'null where the formula is not a quotient (三率综合)' })),
  denominator: Type.Number(),
})

/** GET /api/indicators: every indicator of a grid and window with the terms the server computed it from. */
export const IndicatorTermsView = Type.Object({
  grid: Type.String(),
  window: Type.Enum([...WINDOWS]),
  at: Type.Integer({ description: 'When the server computed them (ms since epoch)' }),
  indicators: Type.Object(Object.fromEntries(INDICATORS.map((n) => [n, Term])) as Record<(typeof INDICATORS)[number], typeof Term>),
})
export type IndicatorTermsView = Static<typeof IndicatorTermsView>

export const ProblemView = Type.Object({
  statusCode: Type.Integer(),
  error: Type.String(),
  field: Type.Optional(Type.String({ description: 'The offending field, e.g. lon, data.department, items[3].matter' })),
  message: Type.String(),
})
export type ProblemView = Static<typeof ProblemView>

/** GET /api/walls/:name/state: where a wall points and who drives it (大屏联动), as a tablet shows it. */
export const WallStateView = Type.Object({
  name: Type.String(),
  scope: Type.String(),
  window: Type.Enum([...WINDOWS]),
  metric: Type.Enum([...GRID_METRICS]),
  case: Nullable(Type.Integer()),
  driver: Nullable(Type.Object({
    name: Type.String({ description: 'the control key’s name' }),
    until: Type.Integer({ description: 'when the wall returns to its tour without another drive (ms since epoch)' }),
  })),
  version: Type.Integer({ description: 'grows with every change of the wall' }),
})
export type WallStateView = Static<typeof WallStateView>
