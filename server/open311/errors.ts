// GeoReport v2 errors: an array of {code, description}; 403 for a bad or missing api_key, 404 for an unknown
// resource, 400 for everything else.
import { IngestError } from '../cases/errors'
import { list, render, type Format } from './format'

export type Open311Status = 400 | 403 | 404

/** One or several problems (the spec's error answer is a list), all with the same HTTP status. */
export class Open311Error extends Error {
  readonly descriptions: string[]
  constructor(
    readonly statusCode: Open311Status,
    descriptions: string | string[],
  ) {
    const list = typeof descriptions === 'string' ? [descriptions] : descriptions
    super(list.join('; '))
    this.name = 'Open311Error'
    this.descriptions = list
  }
}

export const badRequest = (msg: string | string[]) => new Open311Error(400, msg)
export const forbidden = (msg: string) => new Open311Error(403, msg)
export const notFound = (msg: string) => new Open311Error(404, msg)

/** Map any HTTP status onto the three the spec knows. */
export function open311Status(status: number): Open311Status {
  return status === 401 || status === 403 ? 403 : status === 404 ? 404 : 400
}

export function renderErrors(fmt: Format, status: Open311Status, descriptions: readonly string[]): string {
  return render(fmt, 'errors', list('error', descriptions.map((description) => ({ code: status, description }))))
}

// The ingest names its own fields; an Open311 client knows the GeoReport ones.
const FIELD_NAMES: [RegExp, string][] = [
  [/\blon,lat\b/g, 'lat/long'], [/\blon=/g, 'long='], [/\blon\b/g, 'long'], [/\breporterPhone\b/g, 'phone'],
  [/\breporterName\b/g, 'first_name/last_name'], [/\bmediaUrl\b/g, 'media_url'], [/\baddress\b/g, 'address_string'],
  [/\bmatter\b/g, 'service_code'],
]

/** An ingest refusal as an Open311 error, in GeoReport words. */
export function fromIngest(e: IngestError): Open311Error {
  let text = e.message
  for (const [from, to] of FIELD_NAMES) text = text.replace(from, to)
  return new Open311Error(open311Status(e.statusCode), text)
}
