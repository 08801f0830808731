// TypeBox schemas the Open311 routes share. Parameters are GeoReport v2's own names; everything arrives as
// text (query strings and form fields), and the handlers give the spec's error answers for their meaning.
import { Type } from 'typebox'

export const Format = Type.Union([Type.Literal('xml'), Type.Literal('json')], { description: 'xml or json' })
export const FormatParams = Type.Object({ format: Format })

/** jurisdiction_id is accepted and ignored: this endpoint serves one jurisdiction (the spec allows that). */
export const Jurisdiction = { jurisdiction_id: Type.Optional(Type.String()) }
