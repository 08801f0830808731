// A live process's line to its writer (server/scale/writer-api.ts): every call carries the cluster secret and
// gives up after a timeout, so an unreachable writer shows as an error, never as a request that hangs.
import type { Caller } from '../plugins/auth'
import type { LoggedChange } from '../metrics/engine'
import { SECRET_HEADER, type StartInfo } from './writer-api'
import type { WallState } from '../../shared/conductor'

const LARGE_MS = 30_000

export class WriterError extends Error {
  constructor(
    message: string,
    /** HTTP status of the writer's answer; 0 when it could not be reached. */
    readonly status: number,
  ) {
    super(message)
  }
}

export class WriterClient {
  constructor(
    private readonly base: string,
    private readonly secret: string,
    /** For the small questions (head, tokens); the layout, a checkpoint and a page of events get LARGE_MS. */
    private readonly timeoutMs = 5000,
  ) {}

  private async call(path: string, init: RequestInit = {}, timeoutMs = this.timeoutMs): Promise<Response> {
    let res: Response
    try {
      res = await fetch(new URL(`/api/scale/${path}`, this.base), {
        ...init,
        headers: { ...(init.headers as Record<string, string>), [SECRET_HEADER]: this.secret },
        signal: AbortSignal.timeout(timeoutMs),
      })
    } catch (e) {
      throw new WriterError(`writer ${this.base} unreachable: ${(e as Error).message}`, 0)
    }
    if (!res.ok) {
      const body = await res.text().catch(() => '')
      let message = body
      try {
        message = (JSON.parse(body) as { message?: string }).message ?? body
      } catch {
        // not JSON: keep the text
      }
      throw new WriterError(message || `writer answered ${res.status}`, res.status)
    }
    return res
  }

  async start(): Promise<StartInfo> {
    return (await this.call('start', {}, LARGE_MS)).json() as Promise<StartInfo>
  }

  async checkpoint(): Promise<{ lastEventId: number; blob: Buffer }> {
    const res = await this.call('checkpoint', {}, LARGE_MS)
    return { lastEventId: Number(res.headers.get('x-last-event-id')), blob: Buffer.from(await res.arrayBuffer()) }
  }

  async head(): Promise<number> {
    return ((await (await this.call('head')).json()) as { head: number }).head
  }

  async events(after: number, limit?: number): Promise<{ head: number; changes: LoggedChange[] }> {
    return (await this.call(`events?after=${after}${limit ? `&limit=${limit}` : ''}`, {}, LARGE_MS)).json() as Promise<{ head: number; changes: LoggedChange[] }>
  }

  async walls(): Promise<Record<string, WallState>> {
    return (await this.call('walls')).json() as Promise<Record<string, WallState>>
  }

  /** The caller a viewer token stands for; a WriterError with the writer's status (401) when it stands for none. */
  async viewer(token: string | undefined): Promise<Caller> {
    const res = await this.call('viewer', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(token === undefined ? {} : { token }),
    })
    return res.json() as Promise<Caller>
  }
}
