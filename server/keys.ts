// API keys and viewer tokens. A secret is shown once, at creation; only its sha256 is stored. Every
// credential is scoped to a grid subtree (the district code for all) and has a role:
//   write     report cases (as its source) and apply actions, inside its scope; it reads nothing, unless it was
//             also given a view scope (then it reads there as a viewer would: a key shipped inside a citizen
//             app must not be a district-wide read token)
//   viewer    read cases and live frames inside its scope; personal data masked
//   operator  everything inside its scope, personal data whole
//   control   a leader's tablet: reads as a viewer, and drives the walls (大屏联动) inside its scope
import { createHash, randomBytes } from 'node:crypto'
import { EventEmitter } from 'node:events'
import type { Db } from './db'
import { DISTRICT_CODE, levelOfCode } from '../shared/grid'

export const ROLES = ['write', 'viewer', 'operator', 'control'] as const
export type Role = (typeof ROLES)[number]
export const KEY_SOURCES = ['hotline', 'app', 'patrol', 'video', 'department', 'import'] as const
export type KeySource = (typeof KEY_SOURCES)[number]

export interface Credential {
  id: number
  name: string
  role: Role
  /** Write keys: the source its reports come from ('import' may state any source). */
  source: KeySource | null
  /** Grid subtree: an ordinary grid code (prefix) or a special grid code. */
  scope: string
  /** Write keys: the grid subtree it may also read as a viewer; null = it only writes. */
  viewScope: string | null
}

export interface KeyRow extends Credential {
  createdAt: number
  revokedAt: number | null
}

export const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex')

/**
 * How long a verified secret is trusted without asking the database again. Revoking through this process
 * takes effect at once; revoking from another process (the CLI) within this time, or sooner when the
 * process watches for revocations (see watch()).
 */
export const VERIFY_CACHE_MS = 5000
const VERIFY_CACHE_MAX = 10_000
/** How often watch() looks for keys revoked by another process: well inside VERIFY_CACHE_MS. */
export const REVOCATION_POLL_MS = 1000

/** Emits 'revoked' (key id) once per key, whether this process or another one revoked it. */
export class Keys extends EventEmitter<{ revoked: [id: number] }> {
  private readonly byHash
  private readonly revokedByHash
  private readonly insert
  private readonly revokeStmt
  private readonly all
  private readonly revokedIds
  private readonly verified = new Map<string, { c: Credential; at: number }>()
  /** Revoked key ids seen so far (null until the first poll). */
  private revokedSeen: Set<number> | null = null

  constructor(private readonly db: Db) {
    super()
    const sql = db.$client
    this.revokedByHash = sql.prepare('SELECT 1 FROM api_keys WHERE hash = ? AND revoked_at IS NOT NULL').pluck()
    this.revokedIds = sql.prepare('SELECT id FROM api_keys WHERE revoked_at IS NOT NULL').pluck()
    this.byHash = sql.prepare('SELECT id, name, role, source, scope, view_scope AS viewScope FROM api_keys WHERE hash = ? AND revoked_at IS NULL')
    this.insert = sql.prepare(
      'INSERT INTO api_keys (name, role, source, scope, view_scope, hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    )
    this.revokeStmt = sql.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL')
    this.all = sql.prepare(
      'SELECT id, name, role, source, scope, view_scope AS viewScope, created_at AS createdAt, revoked_at AS revokedAt FROM api_keys ORDER BY id',
    )
  }

  /** Create a key; the secret is returned here and never again. */
  create(
    opts: { role: string; name: string; source?: string | null; scope?: string | null; viewScope?: string | null },
    now = Date.now(),
  ): { id: number; secret: string } {
    const role = opts.role as Role
    if (!ROLES.includes(role)) throw new Error(`role must be one of ${ROLES.join(', ')}`)
    if (!opts.name?.trim()) throw new Error('a key needs a --name')
    const source = (opts.source ?? null) as KeySource | null
    if (role === 'write' && source === null) throw new Error(`a write key needs a --source (${KEY_SOURCES.join(', ')})`)
    if (source !== null && !KEY_SOURCES.includes(source)) throw new Error(`source must be one of ${KEY_SOURCES.join(', ')}`)
    const scope = opts.scope ?? DISTRICT_CODE
    this.checkScope(scope)
    const viewScope = opts.viewScope ?? null
    if (viewScope !== null) {
      if (role !== 'write') throw new Error(`--view-scope is for write keys; a ${role} key reads within its --scope`)
      this.checkScope(viewScope)
    }
    const secret = `os_${role[0]}_${randomBytes(24).toString('base64url')}`
    const id = Number(this.insert.run(opts.name.trim(), role, source, scope, viewScope, hashSecret(secret), now).lastInsertRowid)
    return { id, secret }
  }

  /** The live credential a secret stands for, or null (unknown or revoked). */
  verify(secret: string, now = Date.now()): Credential | null {
    const hit = this.verified.get(secret)
    if (hit && now - hit.at < VERIFY_CACHE_MS) return hit.c
    const c = (this.byHash.get(hashSecret(secret)) as Credential | undefined) ?? null
    if (c) {
      if (this.verified.size >= VERIFY_CACHE_MAX) this.verified.clear()
      this.verified.set(secret, { c, at: now })
    } else this.verified.delete(secret)
    return c
  }

  /** Was this secret a key that has been revoked (rather than never a key)? For a clearer refusal. */
  wasRevoked(secret: string): boolean {
    return this.revokedByHash.get(hashSecret(secret)) === 1
  }

  /** Is the key with this id known to be revoked (by this process, or by another one as of the last poll)? */
  isRevoked(id: number): boolean {
    return this.revokedSeen?.has(id) ?? false
  }

  revoke(id: number, now = Date.now()): boolean {
    this.verified.clear()
    this.seen() // learn what was revoked before, so only this one is news
    const done = this.revokeStmt.run(now, id).changes === 1
    if (done) this.revoked([id])
    return done
  }

  /**
   * Look for keys revoked since the last look (by any process sharing the database): forget cached
   * verifications and emit 'revoked' for each. The first look only learns what was revoked before.
   */
  poll(): number[] {
    if (this.revokedSeen === null) {
      this.seen()
      return []
    }
    const seen = this.revokedSeen
    const fresh = (this.revokedIds.all() as number[]).filter((id) => !seen.has(id))
    if (fresh.length) {
      this.verified.clear()
      this.revoked(fresh)
    }
    return fresh
  }

  /** Poll every `ms` until the returned stop() is called. */
  watch(ms = REVOCATION_POLL_MS): () => void {
    this.poll()
    const timer = setInterval(() => this.poll(), ms)
    timer.unref()
    return () => clearInterval(timer)
  }

  private seen(): Set<number> {
    return (this.revokedSeen ??= new Set(this.revokedIds.all() as number[]))
  }

  private revoked(ids: number[]): void {
    const seen = this.seen()
    for (const id of ids) {
      if (seen.has(id)) continue
      seen.add(id)
      this.emit('revoked', id)
    }
  }

  list(): KeyRow[] {
    return this.all.all() as KeyRow[]
  }

  private checkScope(scope: string) {
    if (levelOfCode(scope) === null) throw new Error(`scope "${scope}" is not a grid code`)
    const known = this.db.$client.prepare('SELECT COUNT(*) FROM grids').pluck().get() as number
    if (known > 0 && scope !== DISTRICT_CODE && !this.db.$client.prepare('SELECT 1 FROM grids WHERE code = ?').get(scope))
      throw new Error(`scope "${scope}" is not a grid in the database`)
  }
}
