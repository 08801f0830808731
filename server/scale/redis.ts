// Redis connections for the scaled-out roles (node-redis v5, the client @socket.io/redis-streams-adapter is
// tested with). A process never waits for Redis to start or to come back: the writer keeps committing and
// its live processes catch up over HTTP, so every connection here reconnects in the background.
import { createClient } from '@redis/client'


export interface RedisOptions {
  /** Commands sent while disconnected fail at once instead of waiting in memory (the publisher's appends). */
  failFast?: boolean
  /** Where connection trouble is reported; repeated errors are reported once until the next ready. */
  onError?: (err: Error) => void
  onReady?: () => void
}

const create = (url: string, failFast: boolean) =>
  createClient({
    url,
    disableOfflineQueue: failFast,
    socket: { connectTimeout: 5000, reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2000) },
  })

export type Redis = ReturnType<typeof create>

/** A client that connects (and reconnects, backing off up to 2 s) in the background. */
export function redisClient(url: string, opts: RedisOptions = {}): Redis {
  const client = create(url, opts.failFast ?? false)
  let reported = false
  client.on('error', (err: Error) => {
    if (reported) return
    reported = true
    opts.onError?.(err)
  })
  client.on('ready', () => {
    reported = false
    opts.onReady?.()
  })
  // The first connect is retried by the reconnect strategy until it succeeds or the client is closed.
  client.connect().catch(() => {})
  return client
}

/** Close a client whatever its state (a client still connecting is destroyed rather than quit). */
export async function closeRedis(client: Redis): Promise<void> {
  try {
    if (client.isReady) await client.close()
    else if (client.isOpen) client.destroy()
  } catch {
    if (client.isOpen) client.destroy()
  }
}
