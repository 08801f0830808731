// Viewer tokens on a live process: the writer owns the keys, so a token is checked there and the answer kept
// for VERIFY_CACHE_MS (as a process sharing the database keeps its own). While the writer cannot be reached, a
// token it accepted before is still accepted (screens reconnecting to another live process keep working), and
// one it has not seen is refused with TRY_LATER (the screen retries); a revoked key is forgotten at once when
// the writer announces it.
import { VERIFY_CACHE_MS } from '../keys'
import { TRY_LATER } from '../../shared/protocol'
import type { Caller } from '../plugins/auth'
import { WriterError, type WriterClient } from './writer-client'

const KEPT_MAX = 10_000
/** How long an answer may stand in for the writer while the writer is away. */
const UNREACHABLE_GRACE_MS = 60 * 60_000
const ANONYMOUS = '\u0000anonymous'

export class RemoteViewers {
  private readonly known = new Map<string, { caller: Caller; at: number }>()

  constructor(
    private readonly writer: WriterClient,
    private readonly now: () => number = Date.now,
  ) {}

  async authorize(token: string | undefined): Promise<Caller> {
    const key = token ?? ANONYMOUS
    const hit = this.known.get(key)
    const now = this.now()
    if (hit && now - hit.at < VERIFY_CACHE_MS) return hit.caller
    try {
      const caller = await this.writer.viewer(token)
      if (this.known.size >= KEPT_MAX) this.known.clear()
      this.known.set(key, { caller, at: now })
      return caller
    } catch (e) {
      const away = e instanceof WriterError && (e.status === 0 || e.status >= 500)
      if (!away) {
        this.known.delete(key)
        throw e // the writer's refusal, as it put it (unknown, revoked)
      }
      if (hit && now - hit.at < UNREACHABLE_GRACE_MS) return hit.caller
      // Not the token's fault: the screen tries again by itself (and the writer's address stays here).
      throw new Error(`${TRY_LATER}: the token cannot be checked right now`)
    }
  }

  /** A key was revoked: its tokens are asked about again next time (and refused). */
  forgetKey(id: number): void {
    for (const [k, v] of this.known) if (v.caller.id === id) this.known.delete(k)
  }
}
