// Who is calling: API keys for writes (x-api-key), viewer tokens for reads (authorization: Bearer … or
// ?token=). In demo mode a caller without a token may read the whole district, masked. Each key does its own
// job: a write key writes and reads nothing (unless it was also given a view scope), so a key shipped inside a
// citizen app is not a district-wide read token. Routes attach `app.auth.write`, `app.auth.read`,
// `app.auth.reference` (the catalogue: any key) or `app.auth.operator` as an onRequest hook; the hook sets
// `request.caller`.
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction, onRequestHookHandler } from 'fastify'
import { Keys, type KeySource, type Role } from '../keys'
import { IngestError } from '../cases/errors'
import { DISTRICT_CODE, isSpecialCode } from '../../shared/grid'
import { presented } from './external/rate-limit'
import { ACCESS_REVOKED } from '../../shared/protocol'

export interface Caller {
  /** api_keys id; 0 for an anonymous demo viewer. */
  id: number
  name: string
  role: Role | 'anonymous'
  source: KeySource | null
  scope: string
}

export const ANONYMOUS: Caller = { id: 0, name: 'anonymous', role: 'anonymous', source: null, scope: DISTRICT_CODE }

declare module 'fastify' {
  interface FastifyInstance {
    keys: Keys
    auth: {
      write: onRequestHookHandler
      /** Screens and case lists: a viewer or operator token, or a write key within its view scope. */
      read: onRequestHookHandler
      /** What a writer needs to write (the catalogue): any valid key or token. */
      reference: onRequestHookHandler
      /** Process internals (/api/live): an operator token; open in demo mode. */
      operator: onRequestHookHandler
    }
    /** The caller a read credential stands for (anonymous in demo mode), or a 401. For Socket.IO too. */
    viewerFor(secret: string | undefined): Caller
  }
  interface FastifyRequest {
    caller: Caller
  }
}

/** Only an operator sees reporters' names and phones whole. */
export const seesPersonalData = (c: Caller) => c.role === 'operator'

/** Is a case (its micro grid and special grid) inside the caller's grid subtree? */
export function callerCovers(c: Caller, grid: string, special: string | null): boolean {
  if (c.scope === DISTRICT_CODE) return true
  return isSpecialCode(c.scope) ? special === c.scope : grid.startsWith(c.scope)
}

/** May the caller ask about the subtree `code`? (A street token may ask about its communities, not its neighbour.) */
export function callerCoversScope(c: Caller, code: string): boolean {
  if (c.scope === DISTRICT_CODE) return true
  return isSpecialCode(c.scope) ? code === c.scope : code.startsWith(c.scope)
}

export default fp(
  async function auth(app: FastifyInstance) {
    const keys = new Keys(app.db)
    app.decorate('keys', keys)
    // Keys revoked by another process (the CLI) end their HTTP access and live screens within a second.
    const unwatch = keys.watch()
    app.addHook('onClose', async () => unwatch())
    app.decorateRequest('caller', null as unknown as Caller)

    /** Any live credential behind a presented secret; anonymous in demo mode when none is presented. */
    const anyFor = (secret: string | undefined): Caller & { viewScope?: string | null } => {
      if (secret === undefined) {
        if (app.config.demo) return ANONYMOUS
        throw new IngestError(401, 'authorization', 'a viewer token is required (authorization: Bearer <token> or ?token=)')
      }
      const c = keys.verify(secret)
      if (!c) {
        // A screen shows this reason (it starts with ACCESS_REVOKED) and stops asking.
        if (keys.wasRevoked(secret)) throw new IngestError(401, 'authorization', `${ACCESS_REVOKED}: this token was revoked`)
        throw new IngestError(401, 'authorization', 'the token is not valid (unknown or revoked)')
      }
      return c
    }
    const viewerFor = (secret: string | undefined): Caller => {
      const c = anyFor(secret)
      if (c.role !== 'write') return c
      if (!c.viewScope)
        throw new IngestError(403, 'authorization', 'this is a write key: it writes, it does not read (give it a view scope, or use a viewer token)')
      // A writer with a view scope reads exactly as a viewer of that scope would: masked, inside it.
      return { id: c.id, name: c.name, role: 'viewer', source: c.source, scope: c.viewScope }
    }
    app.decorate('viewerFor', viewerFor)

    /**
     * The hooks are synchronous (fastify passes on what one throws to the error handler): an async hook cost
     * every request a promise and a turn of the microtask queue for work that never waits.
     */
    const hook = (who: (req: FastifyRequest) => Caller) => (req: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) => {
      req.caller = who(req)
      done()
    }
    app.decorate('auth', {
      read: hook((req) => viewerFor(presented(req))),
      reference: hook((req) => anyFor(presented(req))),
      operator: hook((req) => {
        const secret = presented(req)
        if (secret === undefined && !app.config.demo)
          throw new IngestError(401, 'authorization', 'an operator token is required (authorization: Bearer <token>)')
        const c = anyFor(secret)
        if (!app.config.demo && c.role !== 'operator') throw new IngestError(403, 'authorization', 'this needs an operator token')
        return c
      }),
      write: hook((req) => {
        const secret = req.headers['x-api-key']
        if (typeof secret !== 'string' || secret === '')
          throw new IngestError(401, 'x-api-key', 'x-api-key is required for writes')
        const c = keys.verify(secret)
        if (!c) throw new IngestError(401, 'x-api-key', 'x-api-key is not a valid key (unknown or revoked)')
        if (c.role === 'viewer') throw new IngestError(403, 'x-api-key', 'this key is a viewer token; it cannot write')
        if (c.role === 'control') throw new IngestError(403, 'x-api-key', 'this key is a control key (it drives walls); it cannot write')
        return c
      }),
    })
  },
  { name: 'auth', dependencies: ['db'] },
)
