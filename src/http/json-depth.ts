import { Transform } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { isJsonType } from './json-body.js';
import { DEPTH_MESSAGE, INPUT_LIMIT_CODE, JsonDepthScanner } from '../core/input.js';

const SCAN_FROM_BYTES = 16 * 1024;

/**
 * A root `preParsing` hook, so every route of every vendor and of the control plane has it: a JSON
 * body streams through a JsonDepthScanner and is cut at the first bracket past the limit.
 */
export function limitJsonDepth(app: FastifyInstance): void {
  app.addHook('preParsing', (request, _reply, payload, done) => {
    if (!isJsonType(request.headers['content-type'])) return done(null, payload);
    // A small body parses in microseconds whatever its depth, and preValidation checks the depth of what
    // it parsed to: only a large (or chunked) one is worth scanning as it streams.
    const length = Number(request.headers['content-length']);
    if (length <= SCAN_FROM_BYTES) return done(null, payload);
    const scanner = new JsonDepthScanner();
    const scanned = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        if (scanner.feed(chunk)) return callback(null, chunk);
        callback(Object.assign(new Error(`The JSON body ${DEPTH_MESSAGE}`), { statusCode: 400, code: INPUT_LIMIT_CODE }));
      },
    });
    done(null, payload.pipe(scanned));
  });
}
