import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Journal, JournalEntry } from '../core/journal.js';
import { dashboardAssets } from '../dashboard/assets.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Served without CONTROL_TOKEN: the dashboard's page and code (they hold no state; the page asks for the token). */
    public?: boolean;
  }
}

/** Keep-alive comments on the event stream, so proxies and browsers keep an idle stream open. */
const KEEP_ALIVE_MS = 15_000;

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>accesskey-emulator</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/_emulator/ui/dashboard.css">
<script type="module" src="/_emulator/ui/dashboard.js"></script>
</head>
<body><main id="app"><p>Loading the dashboard…</p></main></body>
</html>
`;

/**
 * The live feed behind `GET /_emulator/events` (Server-Sent Events): every journal entry as it is
 * recorded (`event: request`), and a `change` event when a control-plane call changed the world
 * (clock, faults, reset, fixtures, transitions), so the dashboard re-reads only then.
 */
export class LiveFeed {
  private readonly streams = new Set<ServerResponse>();

  constructor(private readonly journal: Journal) {}

  open(res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    // A client gone mid-write is not an error worth a crash: its 'close' unsubscribes it.
    res.on('error', () => {});
    send(res, 'retry: 2000\n: connected\n\n');
    const unsubscribe = this.journal.subscribe((entry: JournalEntry) => send(res, `event: request\ndata: ${JSON.stringify(entry)}\n\n`));
    const keepAlive = setInterval(() => send(res, ': keep-alive\n\n'), KEEP_ALIVE_MS);
    keepAlive.unref();
    this.streams.add(res);
    res.on('close', () => {
      unsubscribe();
      clearInterval(keepAlive);
      this.streams.delete(res);
    });
  }

  changed(what: string): void {
    const data = `event: change\ndata: ${JSON.stringify({ what })}\n\n`;
    for (const res of this.streams) send(res, data);
  }

  /** Ends every stream (server shutdown: an open stream would otherwise hold close() up). */
  closeAll(): void {
    for (const res of this.streams) res.end();
  }
}

function send(res: ServerResponse, text: string): void {
  if (!res.writableEnded && !res.destroyed) res.write(text);
}

/** A strong ETag over the exact body: the dashboard's re-reads of an unchanged state answer 304 with no body. */
export function etagOf(body: string): string {
  return `"${createHash('sha1').update(body).digest('base64url')}"`;
}

/** The dashboard: `GET /ui` (page), `/ui/dashboard.js` and `/ui/dashboard.css`, and `GET /events`. */
export function registerDashboard(app: FastifyInstance, feed: LiveFeed): void {
  app.addHook('preClose', (done) => {
    feed.closeAll();
    done();
  });

  app.get('/ui', { config: { public: true } }, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').header('content-security-policy', "default-src 'self'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'").send(PAGE),
  );
  for (const [file, type] of [['dashboard.js', 'text/javascript; charset=utf-8'], ['dashboard.css', 'text/css; charset=utf-8']] as const) {
    // Revalidated on every load (cache-control: no-cache) through the control plane's ETag: a 304 after the first.
    app.get(`/ui/${file}`, { config: { public: true } }, async (request, reply) => {
      let assets;
      try {
        assets = await dashboardAssets();
      } catch (err) {
        request.log.error({ err }, 'dashboard bundle unavailable');
        return reply.code(503).send({ error: { code: 'dashboard_not_built', message: 'The dashboard is not built: run npm run build (it bundles src/dashboard/client with esbuild)' } });
      }
      return reply.header('cache-control', 'no-cache').type(type).send(file === 'dashboard.js' ? assets.js : assets.css);
    });
  }

  app.get('/events', async (_request, reply) => {
    reply.hijack();
    feed.open(reply.raw);
  });
}
