// TypeBox schemas of the case routes: what callers send (what they get back is in shared/api.ts). Shape
// only; the ingest checks meaning (known matter, point in the district, allowed transition).
import { Type, type Static } from 'typebox'
import { ACTIONS, SYSTEM_ACTIONS } from '../../shared/workflow'
import { SOURCES } from '../../shared/protocol'
import { CODE_LENGTH } from '../../shared/grid'
import { DESCRIPTION_MAX } from '../cases/validate'
import { Nullable, ProblemView } from '../../shared/api'

// The response shapes are shared with the client (shared/api.ts).
export { CaseDetailView, CaseListView, CaseView, EventView, Nullable, ProblemView } from '../../shared/api'

/** An instant as text: RFC 3339 with a timezone. '2026-11-26 10:00' or '…T10:00' without offset are refused. */
export const DateTime = (description: string) =>
  Type.String({ format: 'date-time', description: `${description} (RFC 3339 with timezone, e.g. 2026-11-26T10:00:00+08:00)` })

/** A grid code of any level (district to micro grid, or a special grid), as a query names a subtree. */
export const GridCode = (description: string) =>
  Type.String({ pattern: `^[0-9]{${CODE_LENGTH[0]},${CODE_LENGTH[4]}}$`, description })

export const WriteHeaders = Type.Object({
  'idempotency-key': Type.String({
    minLength: 1, maxLength: 200, pattern: '^[\\x21-\\x7e]+$',
    description: 'Client-chosen key: the same key and body returns the first answer; another body gets 409',
  }),
})

export const REST_ACTIONS = ACTIONS.filter((a) => a !== 'report' && !SYSTEM_ACTIONS.has(a))

export const ReportBody = Type.Object(
  {
    source: Type.Optional(Type.Enum([...SOURCES], { description: "Defaults to the key's source" })),
    matter: Type.String({ minLength: 1, maxLength: 32, description: 'Matter code from GET /api/catalogue' }),
    lon: Type.Number({ description: 'Longitude (WGS-84 unless crs says gcj02)' }),
    lat: Type.Number({ description: 'Latitude' }),
    crs: Type.Optional(Type.Enum(['wgs84', 'gcj02'])),
    address: Type.Optional(Type.String({ maxLength: 500 })),
    description: Type.String({ maxLength: DESCRIPTION_MAX, description: 'Citizen text; stored and returned as plain text' }),
    reporterName: Type.Optional(Type.String({ maxLength: 64 })),
    reporterPhone: Type.Optional(Type.String({ maxLength: 32 })),
    mediaUrl: Type.Optional(Type.String({ maxLength: 2000 })),
    externalId: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Upstream id, unique' })),
    reportedAt: Type.Optional(DateTime('When the problem was reported; defaults to now')),
    actor: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  { additionalProperties: false },
)
export type ReportBody = Static<typeof ReportBody>

export const ActionData = Type.Object(
  {
    department: Type.Optional(Type.String({ minLength: 1, maxLength: 32, description: "dispatch: defaults to the matter's department" })),
    deadline: Type.Optional(DateTime('register/extend: the new deadline (register defaults to the matter time limit)')),
    rating: Type.Optional(Type.Enum(['satisfied', 'basic', 'unsatisfied'])),
    contacted: Type.Optional(Type.Boolean()),
    resolved: Type.Optional(Type.Boolean()),
    tri: Type.Optional(Type.Boolean({ description: 'escalate: a 三跨 case goes straight to the city' })),
  },
  { additionalProperties: false },
)

export const ActionBody = Type.Object(
  {
    action: Type.Enum(REST_ACTIONS),
    actor: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    at: Type.Optional(DateTime('When it happened; defaults to now')),
    reason: Type.Optional(Type.String({ maxLength: 1000 })),
    data: Type.Optional(ActionData),
  },
  { additionalProperties: false },
)
export type ActionBody = Static<typeof ActionBody>

export const ReportItem = Type.Object(
  {
    type: Type.Literal('report'),
    ...ReportBody.properties,
    then: Type.Optional(Type.Array(ActionBody, { maxItems: 20, description: 'Further steps of the same case, in order' })),
  },
  { additionalProperties: false },
)
export type ReportItem = Static<typeof ReportItem>

export const ActItem = Type.Object(
  {
    type: Type.Literal('act'),
    id: Type.Optional(Type.Integer({ minimum: 1 })),
    externalId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    ...ActionBody.properties,
  },
  { additionalProperties: false },
)
export type ActItem = Static<typeof ActItem>

export const CaseParams = Type.Object({ id: Type.Integer({ minimum: 1 }) })

export const ErrorResponses = {
  400: ProblemView, 401: ProblemView, 403: ProblemView, 404: ProblemView, 409: ProblemView, 413: ProblemView, 422: ProblemView,
}
