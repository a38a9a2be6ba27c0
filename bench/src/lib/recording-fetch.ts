/** One exchange as a framework's own client put it on the wire, recorded through its fetch. */
export interface Captured {
  url: string
  method: string
  headers: Record<string, string>
  body?: string
  status: number
  responseBody: string
  responseHeaders: Record<string, string>
}

const DROP = new Set(['user-agent', 'accept-encoding', 'accept-language', 'sec-fetch-mode', 'connection', 'content-length', 'host'])

/** A fetch that records each exchange (request as sent, minus transport headers) into `sink`. */
export function recordingFetch(sink: Captured[]) {
  return async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init)
    const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.clone().text()
    const headers: Record<string, string> = {}
    request.headers.forEach((value, name) => {
      if (!DROP.has(name)) headers[name] = value
    })
    // Fetch sends `Accept: */*` when the caller set none (the Fetch standard's default, which
    // undici and browsers add below this Request): a client that sets its own is not one header up.
    headers['accept'] ??= '*/*'
    const response = await fetch(request)
    const responseBody = await response.clone().text()
    const responseHeaders: Record<string, string> = {}
    response.headers.forEach((value, name) => (responseHeaders[name] = value))
    sink.push({ url: request.url, method: request.method, headers, ...(body !== undefined ? { body } : {}), status: response.status, responseBody, responseHeaders })
    return response
  }
}

