// Same-origin HTTP only. A viewer token (?token= on the page URL) travels as a Bearer header.

export function pageToken(): string | undefined {
  return new URLSearchParams(location.search).get('token') ?? undefined
}

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message)
  }
}

export async function getJson<T>(path: string, params?: Record<string, string | number | boolean | undefined>, signal?: AbortSignal): Promise<T> {
  const url = new URL(path, location.origin)
  for (const [k, v] of Object.entries(params ?? {})) if (v !== undefined && v !== '') url.searchParams.set(k, String(v))
  const token = pageToken()
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal })
  if (!res.ok) {
    let message = res.statusText
    try {
      message = ((await res.json()) as { message?: string }).message ?? message
    } catch {
      /* not JSON */
    }
    throw new ApiError(res.status, message)
  }
  return (await res.json()) as T
}
