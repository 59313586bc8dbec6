// The baseline of `npm run bench`: a bare Fastify process, started the same way as the emulator
// (`node <file>`, PORT from the environment), with no plugins. It logs like the emulator does: JSON
// at LOG_LEVEL (default info), Fastify's own request logging off, one line per request on response.
//   GET|POST /bytes/:n        200, a constant JSON body of exactly n bytes (built once per n)
//   PUT /bytes/:n             the same, after reading an application/octet-stream body into a buffer (S3 PutObject's baseline)
//   GET /_emulator/health     200, a constant body (the start-up probe, same as the emulator's)
// Plain JavaScript so that no TypeScript loader is on its start-up path (the emulator runs from dist/).
import Fastify, { LogController } from 'fastify';

const level = process.env.LOG_LEVEL ?? 'info';
const app = Fastify({ logger: level === 'silent' ? false : { level }, logController: new LogController({ disableRequestLogging: true }) });
app.addHook('onResponse', async (request, reply) => {
  request.log.info({ method: request.method, path: request.url, status: reply.statusCode, durationMs: reply.elapsedTime }, 'request');
});
const bodies = new Map();

function bodyOf(n) {
  let body = bodies.get(n);
  if (body === undefined) {
    // {"x":"aaaa…"} padded to n bytes (at least the 8 bytes of {"x":""}).
    body = `{"x":"${'a'.repeat(Math.max(0, n - 8))}"}`;
    bodies.set(n, body);
  }
  return body;
}

app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer', bodyLimit: 64 * 1024 * 1024 }, (_request, body, done) => done(null, body));

app.route({
  method: ['GET', 'POST', 'PUT'],
  url: '/bytes/:n',
  handler: async (request, reply) => {
    const n = Math.min(Number(request.params.n) || 0, 10_000_000);
    return reply.type('application/json').send(bodyOf(n));
  },
});
app.get('/_emulator/health', async () => ({ status: 'ok' }));

await app.listen({ port: Number(process.env.PORT ?? 0), host: process.env.HOST ?? '127.0.0.1' });
