import { z } from 'zod';
import { ErrorCatalogue, VendorError, type Problem } from '../../core/errors.js';
import type { VendorDefinition } from '../../core/vendor.js';

// Placeholder until the vendor's issue lands: mounted, answers unknown routes with a 404.
const catalogue = new ErrorCatalogue({ not_found: { status: 404, message: 'Not found' }, internal: { status: 500, message: 'Internal error' } }, { 404: 'not_found', 500: 'internal' });

export const ibm: VendorDefinition<unknown> = {
  id: 'ibm',
  mount: '/ibm',
  title: 'IBM Cloud Object Storage Credential API',
  upstream: 'http://<accesser>:8337',
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
