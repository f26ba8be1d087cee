// Talks to the admin API with the API key, when one is set. The key lives in sessionStorage only: it goes with the
// tab, never into a cookie, the URL or localStorage.
const keyStorageName = 'kestrel-echo.api-key';

/** The API answered 401: the page must ask for the key. */
export class Unauthorized extends Error {
  constructor() {
    super('The admin API wants an API key.');
    this.name = 'Unauthorized';
  }
}

/** The API answered something other than success; detail is its problem text when it sent one. */
export class ApiError extends Error {
  constructor(status, detail) {
    super(detail || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
  }
}

export function hasKey() {
  return sessionStorage.getItem(keyStorageName) !== null;
}

export function setKey(key) {
  sessionStorage.setItem(keyStorageName, key);
}

export function forgetKey() {
  sessionStorage.removeItem(keyStorageName);
}

/** fetch() with the key as a bearer token; throws Unauthorized on 401 and ApiError on any other failure status. */
export async function apiFetch(path, options = {}) {
  const headers = new Headers(options.headers || {});
  const key = sessionStorage.getItem(keyStorageName);
  if (key !== null) {
    headers.set('Authorization', `Bearer ${key}`);
  }

  const response = await fetch(path, { ...options, headers, cache: 'no-store' });
  if (response.status === 401) {
    throw new Unauthorized();
  }

  if (!response.ok) {
    throw new ApiError(response.status, await problemDetail(response));
  }

  return response;
}

async function problemDetail(response) {
  try {
    const problem = await response.json();
    return problem.detail || problem.title || '';
  } catch {
    return '';
  }
}

/**
 * Reads a text/event-stream body, calling onEvent(type, data) for each event, until the stream ends. EventSource
 * cannot send an Authorization header, hence this over fetch().
 */
export async function readEvents(response, onEvent) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      return;
    }

    buffer += value.replaceAll('\r\n', '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let type = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) {
          type = line.slice(6).trim();
        } else if (line.startsWith('data:')) {
          data.push(line.slice(5).replace(/^ /, ''));
        }
      }

      if (data.length > 0) {
        onEvent(type, data.join('\n'));
      }
    }
  }
}
