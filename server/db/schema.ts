// The database: reference data (grids, departments, matters, staff), the append-only case log and
// its projections. `case_events` is the truth; `cases` and `metric_checkpoints` are rebuilt from it.
import { sql } from 'drizzle-orm'
import { sqliteTable, text, integer, real, index, uniqueIndex, blob } from 'drizzle-orm/sqlite-core'

export const grids = sqliteTable('grids', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  /** 0 district, 1–4 ordinary levels, 5 special. */
  level: integer('level').notNull(),
  parent: text('parent'),
  /** Special grids only: enterprise | school | business | market. */
  kind: text('kind'),
  /** GeoJSON geometry (Polygon or MultiPolygon), WGS-84. */
  geometry: text('geometry').notNull(),
  lon: real('lon').notNull(),
  lat: real('lat').notNull(),
  /** Area in m². */
  area: real('area').notNull(),
}, (t) => [index('grids_level').on(t.level), index('grids_parent').on(t.parent)])

export const departments = sqliteTable('departments', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
})

export const matters = sqliteTable('matters', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  /** 部件 (component) or 事件 (event). */
  kind: text('kind').notNull(),
  bigClass: text('big_class').notNull(),
  bigClassName: text('big_class_name').notNull(),
  smallClass: text('small_class').notNull(),
  smallClassName: text('small_class_name').notNull(),
  department: text('department').notNull().references(() => departments.code),
  /** urgent_hours | working_hours | working_days | natural_days */
  limitKind: text('limit_kind').notNull(),
  limitValue: integer('limit_value').notNull(),
  /** The ladder level it usually settles at: grid | community | street | district | city. */
  settleLevel: text('settle_level').notNull(),
  keywords: text('keywords').notNull().default(''),
  /** JSON array of extra attributes (Open311 service definition), or null. */
  attributes: text('attributes'),
})

export const staff = sqliteTable('staff', {
  id: integer('id').primaryKey(),
  name: text('name').notNull(),
  phone: text('phone').notNull(),
  role: text('role').notNull(),
  grid: text('grid').notNull(),
}, (t) => [index('staff_grid').on(t.grid)])

export const caseEvents = sqliteTable('case_events', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  caseId: integer('case_id').notNull(),
  action: text('action').notNull(),
  fromState: text('from_state'),
  toState: text('to_state').notNull(),
  level: text('level').notNull(),
  actor: text('actor').notNull(),
  /** ms since epoch */
  at: integer('at').notNull(),
  reason: text('reason'),
  /** JSON EventData or null */
  data: text('data'),
}, (t) => [
  index('case_events_case').on(t.caseId),
  // The log in time order: the state as of a past moment folds the events up to it (server/replay).
  index('case_events_at').on(t.at),
])

export const cases = sqliteTable('cases', {
  id: integer('id').primaryKey(),
  /** Upstream id, e.g. the 12345 工单编号; unique when present. */
  externalId: text('external_id'),
  source: text('source').notNull(),
  matter: text('matter').notNull(),
  /** The micro grid the case lies in (ancestors follow from the code prefix). */
  grid: text('grid').notNull(),
  special: text('special'),
  lon: real('lon').notNull(),
  lat: real('lat').notNull(),
  address: text('address'),
  description: text('description').notNull(),
  reporterName: text('reporter_name'),
  reporterPhone: text('reporter_phone'),
  mediaUrl: text('media_url'),
  state: text('state').notNull(),
  level: text('level').notNull(),
  light: text('light').notNull(),
  department: text('department'),
  deadline: integer('deadline'),
  reportedAt: integer('reported_at').notNull(),
  registeredAt: integer('registered_at'),
  dispatchedAt: integer('dispatched_at'),
  handledAt: integer('handled_at'),
  closedAt: integer('closed_at'),
  reworks: integer('reworks').notNull().default(0),
  returns: integer('returns').notNull().default(0),
  extensions: integer('extensions').notNull().default(0),
  supervised: integer('supervised', { mode: 'boolean' }).notNull().default(false),
  forced: integer('forced', { mode: 'boolean' }).notNull().default(false),
  rating: text('rating'),
  contacted: integer('contacted', { mode: 'boolean' }).notNull().default(false),
  resolved: integer('resolved', { mode: 'boolean' }).notNull().default(false),
  updatedAt: integer('updated_at').notNull(),
  lastEventId: integer('last_event_id').notNull(),
}, (t) => [
  // Partial: a new report has no external id (unless from 12345) and no department yet, and an entry for it
  // would cost every such write one more index page in the WAL (a group of 6 reports: 30.1 → 26.8 pages).
  // `external_id = ?` and `department = ?` imply IS NOT NULL, so SQLite uses them as before.
  uniqueIndex('cases_external').on(t.externalId).where(sql`${t.externalId} IS NOT NULL`),
  index('cases_grid').on(t.grid),
  index('cases_state').on(t.state),
  index('cases_reported').on(t.reportedAt),
  index('cases_matter').on(t.matter),
  index('cases_department').on(t.department).where(sql`${t.department} IS NOT NULL`),
])

/** Idempotency keys: the same key and body returns the first answer; another body gets 409. */
export const idempotency = sqliteTable('idempotency', {
  key: text('key').primaryKey(),
  bodyHash: text('body_hash').notNull(),
  status: integer('status').notNull(),
  response: text('response').notNull(),
  createdAt: integer('created_at').notNull(),
})

/** API keys (writes, per source) and viewer tokens (reads, scoped to a grid subtree). Only hashes are stored. */
export const apiKeys = sqliteTable('api_keys', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull(),
  /** write | viewer | operator */
  role: text('role').notNull(),
  /** For write keys: hotline | app | patrol | video | department | import */
  source: text('source'),
  /** Grid subtree the key may see (a grid code); the district code for all. */
  scope: text('scope').notNull(),
  /** Write keys only: a grid subtree the key may also read as a viewer (masked); null = it only writes. */
  viewScope: text('view_scope'),
  hash: text('hash').notNull(),
  createdAt: integer('created_at').notNull(),
  revokedAt: integer('revoked_at'),
}, (t) => [uniqueIndex('api_keys_hash').on(t.hash)])

/** Persisted aggregate state so start-up replays only the tail of the log. */
export const metricCheckpoints = sqliteTable('metric_checkpoints', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  lastEventId: integer('last_event_id').notNull(),
  createdAt: integer('created_at').notNull(),
  state: blob('state', { mode: 'buffer' }).notNull(),
})
