// Same-origin HTTP only. A viewer token (?token= on the page URL) travels as a Bearer header.

export function pageToken(): string | undefined {
  return new URLSearchParams(location.search).get('token') ?? undefined
}

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message)
  }
}

/** The server's own words for a refusal (its `message`), else the status text. */
async function refusal(res: Response): Promise<ApiError> {
  let message = res.statusText
  try {
    message = ((await res.json()) as { message?: string }).message ?? message
  } catch {
    /* not JSON */
  }
  return new ApiError(res.status, message)
}

export async function getJson<T>(path: string, params?: Record<string, string | number | boolean | undefined>, signal?: AbortSignal): Promise<T> {
  const url = new URL(path, location.origin)
  for (const [k, v] of Object.entries(params ?? {})) if (v !== undefined && v !== '') url.searchParams.set(k, String(v))
  const token = pageToken()
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal })
  if (!res.ok) throw await refusal(res)
  return (await res.json()) as T
}

/** A request with a credential of its own (the wall control's key), not the page's token. */
export async function callJson<T>(path: string, o: { token: string; body?: unknown; signal?: AbortSignal }): Promise<T> {
  const headers: Record<string, string> = { authorization: `Bearer ${o.token}` }
  if (o.body !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(new URL(path, location.origin), {
    method: o.body === undefined ? 'GET' : 'POST', headers, body: o.body === undefined ? undefined : JSON.stringify(o.body), signal: o.signal,
  })
  if (!res.ok) throw await refusal(res)
  return (await res.json()) as T
}
