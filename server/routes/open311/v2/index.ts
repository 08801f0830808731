// Open311 GeoReport v2 at /open311/v2 (http://wiki.open311.org/GeoReport_v2), in XML and JSON: discovery,
// services, service definitions, requests (POST and GET) and tokens. Every answer, errors included, is in
// the format the URL asks for (.xml or .json; XML when the URL names none), as {code, description} lists
// with 403 for a bad or missing api_key, 404 for an unknown resource and 400 for the rest.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { IngestError } from '../../../cases/errors'
import { describeSchemaErrors, toProblem, type SchemaError } from '../../../http/problem'
import { fromIngest, Open311Error, open311Status } from '../../../open311/errors'
import { formatOf, sendErrors } from '../../../open311/reply'
import discovery from './discovery'
import services from './services'
import requests from './requests'
import tokens from './tokens'

export default async function open311(app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError | IngestError | Open311Error, req, reply) => {
    const fmt = formatOf(req)
    if (err instanceof Open311Error) return sendErrors(reply, fmt, err.statusCode, err.descriptions)
    if (err instanceof IngestError) {
      const e = fromIngest(err)
      return sendErrors(reply, fmt, e.statusCode, e.descriptions)
    }
    const fe = err as FastifyError & { validation?: SchemaError[]; validationContext?: string }
    if (fe.validation?.length) {
      // An unknown format in the URL (services.csv) names a resource that does not exist.
      if (fe.validationContext === 'params' && fe.validation.some((v) => v.instancePath === '/format'))
        return sendErrors(reply, fmt, 404, [`unknown format: use .xml or .json`])
      const { message } = describeSchemaErrors(fe.validation, fe.validationContext ?? 'body')
      return sendErrors(reply, fmt, 400, [message])
    }
    const p = toProblem(err)
    if (p.statusCode >= 500) {
      req.log.error({ err }, 'open311 request failed')
      return sendErrors(reply, fmt, 500, [p.message])
    }
    // Rate limiting keeps its own status (and retry-after) so clients back off.
    if (p.statusCode === 429) return sendErrors(reply, fmt, 429, [p.message])
    return sendErrors(reply, fmt, open311Status(p.statusCode), [p.message])
  })

  const unknown = (req: FastifyRequest, reply: FastifyReply) =>
    sendErrors(reply, formatOf(req), 404, [`no such resource: ${req.method} ${req.url.split('?')[0]}`])
  app.setNotFoundHandler(unknown)
  // The static client's GET wildcard would otherwise catch unknown Open311 paths and answer its own 404.
  // (Not OPTIONS: a CORS plugin, if one is added, answers preflights.)
  app.route({ method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], url: '/*', schema: { hide: true }, handler: unknown })

  await app.register(discovery)
  await app.register(services)
  await app.register(requests)
  await app.register(tokens)
}
