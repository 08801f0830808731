// application/x-www-form-urlencoded bodies (Open311 POST requests are form-encoded).
import formbody from '@fastify/formbody'

export default formbody
