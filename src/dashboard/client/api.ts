/**
 * The dashboard's calls to the control plane: same-origin JSON, the CONTROL_TOKEN (when the user gave
 * one) on every call, and conditional re-reads (If-None-Match) so an unchanged state costs a 304.
 */
const TOKEN_KEY = 'accesskey-emulator.control-token';
const TOKEN_HEADER = 'x-emulator-token';

export class Unauthorized extends Error {}

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

let token: string | null = sessionStorage.getItem(TOKEN_KEY);

export function setToken(value: string): void {
  token = value;
  sessionStorage.setItem(TOKEN_KEY, value);
}

function headers(extra: Record<string, string> = {}): Record<string, string> {
  return { accept: 'application/json', ...(token !== null ? { [TOKEN_HEADER]: token } : {}), ...extra };
}

async function failure(res: Response): Promise<Error> {
  if (res.status === 401) return new Unauthorized('The control plane needs the CONTROL_TOKEN');
  const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
  return new ApiError(res.status, body?.error?.message ?? `${res.status} ${res.statusText}`);
}

const copies = new Map<string, { etag: string; data: unknown }>();

/** GET /_emulator<path>; `changed` is false when the server answered 304 (our copy is current). */
export async function get<T>(path: string): Promise<{ data: T; changed: boolean }> {
  const copy = copies.get(path);
  const res = await fetch(`/_emulator${path}`, { headers: headers(copy ? { 'if-none-match': copy.etag } : {}), cache: 'no-store' });
  if (res.status === 304 && copy) return { data: copy.data as T, changed: false };
  if (!res.ok) throw await failure(res);
  const data = (await res.json()) as T;
  const etag = res.headers.get('etag');
  if (etag !== null) copies.set(path, { etag, data });
  return { data, changed: true };
}

/** A state-changing call; a body is sent as JSON with its content type (the control plane requires it). */
export async function send<T = unknown>(method: 'POST' | 'DELETE', path: string, body?: unknown): Promise<T | null> {
  const init: RequestInit = { method, headers: headers(body !== undefined ? { 'content-type': 'application/json' } : {}), cache: 'no-store' };
  if (body !== undefined) init.body = JSON.stringify(body);
  const res = await fetch(`/_emulator${path}`, init);
  if (!res.ok) throw await failure(res);
  return res.status === 204 ? null : ((await res.json()) as T);
}

export interface FeedEvent {
  event: string;
  data: string;
}

/**
 * Follows GET /_emulator/events (Server-Sent Events). Read with fetch rather than EventSource, which
 * cannot send the token header. Reconnects after a drop; `onOpen` runs on every (re)connection so the
 * caller can re-read what it may have missed. Returns a function that stops it.
 */
export function follow(onEvent: (e: FeedEvent) => void, onOpen: () => void, onDenied: () => void): () => void {
  const abort = new AbortController();
  let stopped = false;
  const run = async (): Promise<void> => {
    while (!stopped) {
      try {
        const res = await fetch('/_emulator/events', { headers: headers({ accept: 'text/event-stream' }), signal: abort.signal, cache: 'no-store' });
        if (res.status === 401) return onDenied();
        if (!res.ok || !res.body) throw new Error(`events: ${res.status}`);
        onOpen();
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) !== -1) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            let event = 'message';
            const data: string[] = [];
            for (const line of block.split('\n')) {
              if (line.startsWith('event:')) event = line.slice(6).trim();
              else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
            }
            if (data.length > 0) onEvent({ event, data: data.join('\n') });
          }
        }
      } catch {
        if (stopped) return;
      }
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  };
  void run();
  return () => {
    stopped = true;
    abort.abort();
  };
}
