// Sending Open311 answers: the body in the URL's format with the spec's content type.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { CONTENT_TYPE, isFormat, render, type Format, type Value } from './format'
import { renderErrors, type Open311Status } from './errors'

/** The format a request asks for: the route's :format, else the URL's extension, else XML (the required one). */
export function formatOf(req: FastifyRequest): Format {
  const p = (req.params as { format?: unknown } | undefined)?.format
  if (isFormat(p)) return p
  const m = /\.(json|xml)(?:\?|$)/.exec(req.url)
  return m ? (m[1] as Format) : 'xml'
}

export function send(reply: FastifyReply, fmt: Format, root: string, body: Value, status = 200): FastifyReply {
  return reply.code(status).type(CONTENT_TYPE[fmt]).send(render(fmt, root, body))
}

export function sendErrors(reply: FastifyReply, fmt: Format, status: Open311Status | 429 | 500, descriptions: string[]): FastifyReply {
  return reply.code(status).type(CONTENT_TYPE[fmt]).send(renderErrors(fmt, status as Open311Status, descriptions))
}
