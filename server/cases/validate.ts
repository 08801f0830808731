// Checks on what a caller sends, before anything is written. Every refusal names the field and the problem.
// The REST schemas catch shape errors first; these checks are what every entry (REST, Open311, import,
// simulator) shares, so a direct caller of the ingest is held to the same rules.
import { SOURCES } from '../../shared/protocol'
import { ACTIONS, RATINGS, type Command } from '../../shared/workflow'
import { gcj02ToWgs84 } from '../../shared/coords'
import type { CaseFacts } from './log'
import type { Catalogue, Matter } from './catalogue'
import type { GridIndex } from '../geo'
import { IngestError } from './errors'

export const DESCRIPTION_MAX = 4000
/** Clock skew tolerated for times a caller states ("now" on a phone is not quite our now). */
export const FUTURE_SKEW_MS = 5 * 60_000

export interface ReportInput {
  source: string
  matter: string
  lon: number
  lat: number
  crs?: 'wgs84' | 'gcj02'
  address?: string | null
  description: string
  reporterName?: string | null
  reporterPhone?: string | null
  mediaUrl?: string | null
  externalId?: string | null
  /** ms since epoch; defaults to now. */
  reportedAt?: number
  actor: string
  /** Further workflow commands applied in the same transaction (an import row's history). */
  then?: Command[]
}

const bad = (field: string, message: string) => new IngestError(400, field, message)
const unprocessable = (field: string, message: string) => new IngestError(422, field, message)

function optionalText(v: unknown, field: string, max: number): string | null {
  if (v === undefined || v === null) return null
  if (typeof v !== 'string') throw bad(field, `${field} must be a string`)
  if (v.length > max) throw bad(field, `${field} is longer than ${max} characters`)
  return v
}

/** Code points, as JSON Schema maxLength counts: 4,000 汉字 are 4,000 characters. */
export const charCount = (s: string) => {
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0xd800 || c > 0xdbff) n++
  }
  return n
}

export function checkTime(v: unknown, field: string, now: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(field, `${field} must be a time (ms since epoch)`)
  if (v > now + FUTURE_SKEW_MS) throw unprocessable(field, `${field} ${new Date(v).toISOString()} is in the future`)
  return v
}

export function checkActor(v: unknown): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > 64) throw bad('actor', 'actor must be a name of 1–64 characters')
  return v
}

const inRange = (lon: number, lat: number) => lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90

/** Where a point lies, or a refusal naming the coordinates: not numbers, swapped, or outside the district. */
const toWgs = (x: number, y: number, crs: unknown): readonly [number, number] => (crs === 'gcj02' ? gcj02ToWgs84(x, y) : [x, y])

/** The grids at a point as stated (lon, lat in `crs`), or null; no closures: this runs for every report. */
function placeAt(grids: GridIndex, x: number, y: number, crs: unknown) {
  if (!inRange(x, y)) return null
  const [wx, wy] = toWgs(x, y, crs)
  const found = grids.locate(wx, wy)
  return found && { lon: wx, lat: wy, grid: found.grid, special: found.special }
}

/** Where a point lies, or a refusal naming the coordinates: not numbers, swapped, or outside the district. */
export function locatePoint(grids: GridIndex, lon: unknown, lat: unknown, crs: unknown) {
  if (typeof lon !== 'number' || !Number.isFinite(lon)) throw bad('lon', `lon must be a finite number (got ${String(lon)})`)
  if (typeof lat !== 'number' || !Number.isFinite(lat)) throw bad('lat', `lat must be a finite number (got ${String(lat)})`)
  if (crs !== undefined && crs !== null && crs !== 'wgs84' && crs !== 'gcj02') throw bad('crs', 'crs must be wgs84 or gcj02')
  const found = placeAt(grids, lon, lat, crs)
  if (found) return found
  const where = `lon=${lon}, lat=${lat}${crs === 'gcj02' ? ' (GCJ-02)' : ''}`
  if (placeAt(grids, lat, lon, crs))
    throw unprocessable('lon,lat', `lon and lat look swapped: ${where} is outside the district, but lon=${lat}, lat=${lon} is inside it`)
  if (!inRange(lon, lat)) throw bad('lon,lat', `lon,lat out of range: ${where} (lon −180…180, lat −90…90)`)
  const e = grids.extent
  const extent = e ? ` (the district spans lon ${e[0].toFixed(3)}–${e[2].toFixed(3)}, lat ${e[1].toFixed(3)}–${e[3].toFixed(3)})` : ''
  throw unprocessable('lon,lat', `lon,lat ${where} lies outside the district${extent}`)
}

/** Validate a report and resolve its place: the case's fixed facts, its time and its matter. */
export function checkReport(input: ReportInput, catalogue: Catalogue, grids: GridIndex, now: number): {
  facts: CaseFacts
  at: number
  matter: Matter
  actor: string
} {
  if (input === null || typeof input !== 'object') throw bad('body', 'a report must be an object')
  const actor = checkActor(input.actor)
  if (typeof input.source !== 'string' || !(SOURCES as readonly string[]).includes(input.source))
    throw unprocessable('source', `source must be one of ${SOURCES.join(', ')} (got ${JSON.stringify(input.source)})`)
  if (typeof input.matter !== 'string') throw bad('matter', 'matter must be a matter code (string)')
  const matter = catalogue.matters.get(input.matter)
  if (!matter) throw unprocessable('matter', `unknown matter "${input.matter}"`)
  if (typeof input.description !== 'string') throw bad('description', 'description must be a string')
  if (charCount(input.description) > DESCRIPTION_MAX)
    throw bad('description', `description is longer than ${DESCRIPTION_MAX} characters (${charCount(input.description)})`)
  const phone = optionalText(input.reporterPhone, 'reporterPhone', 32)
  if (phone !== null && !/^[0-9+\-() ]{3,32}$/.test(phone)) throw bad('reporterPhone', 'reporterPhone must be a phone number (digits, +, -, spaces)')
  const mediaUrl = optionalText(input.mediaUrl, 'mediaUrl', 2000)
  if (mediaUrl !== null && !/^https?:\/\/\S+$/.test(mediaUrl)) throw bad('mediaUrl', 'mediaUrl must be an http(s) URL')
  const at = input.reportedAt === undefined ? now : checkTime(input.reportedAt, 'reportedAt', now)
  const place = locatePoint(grids, input.lon, input.lat, input.crs)
  return {
    actor,
    at,
    matter,
    facts: {
      externalId: optionalText(input.externalId, 'externalId', 100),
      source: input.source,
      matter: matter.code,
      grid: place.grid,
      special: place.special,
      lon: place.lon,
      lat: place.lat,
      address: optionalText(input.address, 'address', 500),
      description: input.description,
      reporterName: optionalText(input.reporterName, 'reporterName', 64),
      reporterPhone: phone,
      mediaUrl,
    },
  }
}

/** Validate a command's shape and references (the workflow then checks it against the case). */
export function checkCommand(cmd: Command, catalogue: Catalogue, now: number): Command {
  if (cmd === null || typeof cmd !== 'object') throw bad('command', 'a command must be an object')
  if (typeof cmd.action !== 'string' || !(ACTIONS as readonly string[]).includes(cmd.action))
    throw bad('action', `action must be one of ${ACTIONS.filter((a) => a !== 'report').join(', ')} (got ${JSON.stringify(cmd.action)})`)
  if (cmd.action === 'report') throw unprocessable('action', 'report creates a case; it cannot be applied to one')
  checkActor(cmd.actor)
  checkTime(cmd.at, 'at', now)
  optionalText(cmd.reason, 'reason', 1000)
  const d = cmd.data
  if (d !== undefined) {
    if (d === null || typeof d !== 'object') throw bad('data', 'data must be an object')
    if (d.department !== undefined && !catalogue.departments.has(d.department))
      throw unprocessable('data.department', `unknown department "${d.department}"`)
    if (d.rating !== undefined && !RATINGS.includes(d.rating))
      throw bad('data.rating', `data.rating must be one of ${RATINGS.join(', ')}`)
    if (d.deadline !== undefined && !Number.isFinite(d.deadline)) throw bad('data.deadline', 'data.deadline must be a time')
  }
  return cmd
}
