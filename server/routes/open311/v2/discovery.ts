// GET discovery.{xml|json}: where the GeoReport v2 endpoint is and what it speaks (Open311 Service Discovery).
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { list } from '../../../open311/format'
import { formatOf, send } from '../../../open311/reply'
import { calendarClock } from '../../../../shared/timelimit'
import { FormatParams } from './schemas'

const discovery: FastifyPluginAsyncTypebox = async (app) => {
  // The catalogue (services and their definitions) is loaded at start; clients re-read it when this changes.
  const changeset = calendarClock(app.config.calendar).iso(Date.now())
  const schema = { tags: ['open311'], summary: 'Open311 service discovery', params: FormatParams, querystring: Type.Object({}) }
  app.get('/discovery.:format', { schema }, async (req, reply) => {
    const url = `${req.protocol}://${req.host}${req.url.replace(/\/discovery\.[a-z]+(\?.*)?$/, '')}`
    return send(reply, formatOf(req), 'discovery', {
      changeset,
      contact: 'OneScreen 二七区城市运行指挥中心 — 平台运维值班 (operations desk of the Erqi District command center)',
      key_service: 'API keys are issued by the platform operators: npm run keys -- create --role write --source app --name <client>',
      endpoints: list('endpoint', [{
        specification: 'http://wiki.open311.org/GeoReport_v2',
        url,
        changeset,
        type: 'production',
        formats: list('format', ['text/xml', 'application/json']),
      }]),
    })
  })
}

export default discovery
