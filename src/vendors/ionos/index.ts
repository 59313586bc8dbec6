import { z } from 'zod';
import { ErrorCatalogue, VendorError, type Problem } from '../../core/errors.js';
import type { VendorDefinition } from '../../core/vendor.js';

// Placeholder until the vendor's issue lands: mounted, answers unknown routes with a 404.
const catalogue = new ErrorCatalogue({ not_found: { status: 404, message: 'Not found' }, internal: { status: 500, message: 'Internal error' } }, { 404: 'not_found', 500: 'internal' });

export const ionos: VendorDefinition<unknown> = {
  id: 'ionos',
  mount: '/ionos',
  title: 'IONOS Object Storage Management API',
  upstream: 'https://s3.ionos.com',
  tables: [],
  transitions: [],
  fixture: { schema: z.unknown(), seed: () => ({}) },
  errors: {
    fromFault: (value) => catalogue.fromFault(value),
    fromProblem: (p: Problem) => new VendorError(p.status, p.kind, p.message),
    render: (err) => ({ body: { message: err.message, code: err.code } }),
  },
  routes: () => {},
};
