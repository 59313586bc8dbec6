import type { FastifyRequest } from 'fastify';
import { inspectInput, inspectRawQuery, type InputProblem } from '../core/input.js';

/**
 * The one check of a request's parsed input (core/input.ts) that the vendor plugin and the control
 * plane run in `preValidation`, before any schema, handler or write: the raw query's Rack-style
 * nesting, then the path parameters, the query and the body.
 */
export function requestInputProblem(request: FastifyRequest): InputProblem | undefined {
  const q = request.url.indexOf('?');
  if (q !== -1) {
    const raw = inspectRawQuery(request.url.slice(q + 1));
    if (raw) return raw;
  }
  for (const [where, value] of [['params', request.params], ['querystring', request.query], ['body', request.body]] as const) {
    const found = inspectInput(value);
    if (found) return { path: [where, ...found.path], message: found.message };
  }
  return undefined;
}

/** "body.a.b: is not well-formed Unicode …", for errors that carry one message. */
export const describeInputProblem = (p: InputProblem): string => `${p.path.join('.') || 'request'} ${p.message}`;
