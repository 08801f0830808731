// multipart/form-data (file uploads such as a 12345 export), with the same size limit as any body.
import multipart from '@fastify/multipart'
import type { FastifyInstance } from 'fastify'

export const autoConfig = (app: FastifyInstance) => ({
  limits: { fileSize: app.config.batchBodyLimit, files: 1 },
})

export default multipart
