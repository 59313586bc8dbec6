import type { VendorDefinition } from '../../core/vendor.js';
import { ibmAuth } from './auth.js';
import { ibmErrors } from './errors.js';
import { ibmRoutes } from './routes.js';
import { ibmS3 } from './s3.js';
import { s3Tables } from '../../s3/store.js';
import { ibmFixture, type IbmFixture } from './schemas.js';
import { ibmSeed } from './seed.js';
import { ibmTimeline } from './timeline.js';

/**
 * IBM Cloud Object Storage System (on-prem, container mode) Credentials Management API:
 * `/credentials` on an Accesser (`http://<accesser>:8337`), HTTP Basic with a Manager account.
 */
export const ibm: VendorDefinition<IbmFixture> = {
  id: 'ibm',
  mount: '/ibm',
  title: 'IBM Cloud Object Storage Credential API',
  upstream: 'http://<accesser>:8337',
  // Children first: reset deletes in this order.
  tables: [
    { name: 'ibm_credentials', hiddenColumns: ['secret'] },
    { name: 'ibm_memberships' },
    { name: 'ibm_storage_accounts' },
    { name: 'ibm_users' },
    { name: 'ibm_managers', hiddenColumns: ['password_hash'] },
    ...s3Tables('ibm', true),
  ],
  transitions: [],
  auth: ibmAuth,
  fixture: { schema: ibmFixture, seed: ibmSeed },
  errors: ibmErrors,
  timeline: ibmTimeline,
  openapi: {
    components: { securitySchemes: { basicAuth: { type: 'http', scheme: 'basic', description: 'A Manager account with the Service User role' } } },
    security: [{ basicAuth: [] }],
  },
  routes: ibmRoutes,
  s3: ibmS3,
};
