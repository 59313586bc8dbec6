import type { FastifyInstance } from 'fastify';

const JSON_TYPE = /^\s*application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** `application/json` or any `application/*+json`, with or without parameters. */
export const isJsonType = (contentType: string | undefined): boolean => contentType !== undefined && JSON_TYPE.test(contentType);

/**
 * The JSON body parser every vendor starts with: Fastify's own (prototype-poisoning keys refused), except
 * that an empty body sent with `Content-Type: application/json` is no body at all. Generated SDK clients
 * send that header on bodiless PUT/DELETE calls (IONOS renew, KOS deletes), and the vendors accept them.
 * A vendor with its own rules (Katapult, Exoscale, IBM) replaces this parser in its routes.
 */
export function acceptEmptyJsonBodies(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    parseJson(request, text, done);
  });
}
