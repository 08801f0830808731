// GET services.{fmt}: the matter catalogue as Open311 services (service_code = matter code, group = big class).
// GET services/{service_code}.{fmt}: a service definition, the attributes a matter asks for.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { list, render, CONTENT_TYPE, type Format } from '../../../open311/format'
import { notFound } from '../../../open311/errors'
import { definitionOf, serviceOf } from '../../../open311/mapping'
import { formatOf, send } from '../../../open311/reply'
import type { Matter } from '../../../cases/catalogue'
import { Format as FormatSchema, FormatParams, Jurisdiction } from './schemas'

const services: FastifyPluginAsyncTypebox = async (app) => {
  const catalogue = app.catalogue
  // 1,456 services: render once per format and catalogue (reload() swaps the map, which drops the cache).
  const cache = new WeakMap<Map<string, Matter>, Partial<Record<Format, string>>>()
  const listBody = (fmt: Format): string => {
    const matters = catalogue.matters
    let entry = cache.get(matters)
    if (!entry) cache.set(matters, (entry = {}))
    return (entry[fmt] ??= render(fmt, 'services', list('service', [...matters.values()].map((m) =>
      serviceOf(m, catalogue.departments.get(m.department)?.name)))))
  }

  app.get('/services.:format', {
    schema: { tags: ['open311'], summary: 'Open311 service list (the matter catalogue)', params: FormatParams, querystring: Type.Object(Jurisdiction) },
  }, async (req, reply) => {
    const fmt = formatOf(req)
    return reply.type(CONTENT_TYPE[fmt]).send(listBody(fmt))
  })

  app.get('/services/:service_code.:format', {
    schema: {
      tags: ['open311'],
      summary: 'Open311 service definition (the attributes a matter asks for)',
      params: Type.Object({ service_code: Type.String(), format: FormatSchema }),
      querystring: Type.Object(Jurisdiction),
    },
  }, async (req, reply) => {
    const m = catalogue.matters.get(req.params.service_code)
    if (!m) throw notFound(`service_code "${req.params.service_code}" was not found`)
    return send(reply, formatOf(req), 'service_definition', definitionOf(m))
  })
}

export default services
