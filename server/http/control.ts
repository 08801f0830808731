// The wall control (大屏联动): only a control key drives a wall, and it is told plainly when it cannot: no
// key, a viewer token or another key's role, or a wall that is not configured.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { WallState } from '../../shared/conductor'
import { IngestError } from '../cases/errors'
import { presented } from '../plugins/external/rate-limit'
import type { Caller } from '../plugins/auth'

/** The control key behind the request and the wall it names, or the refusal saying why. */
export function controlOf(app: FastifyInstance, req: FastifyRequest, wall: string): { caller: Caller; state: WallState } {
  const secret = presented(req)
  if (secret === undefined) throw new IngestError(401, 'authorization', 'a control key is required to drive a wall (authorization: Bearer <key>)')
  const caller = app.viewerFor(secret)
  if (caller.role !== 'control')
    throw new IngestError(403, 'authorization', `a ${caller.role === 'viewer' ? 'viewer token' : `${caller.role} key`} cannot drive walls; a control key can (npm run keys -- create --role control)`)
  const state = app.walls.state(wall)
  if (!state) throw new IngestError(404, 'name', `no wall "${wall}" (see GET /api/walls)`)
  return { caller, state }
}
