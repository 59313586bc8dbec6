import type { VendorDefinition } from '../../core/vendor.js';
import { errorModel } from './errors.js';
import { exoscaleRoutes } from './routes.js';
import { exoscaleFixture, type ExoscaleFixture } from './schemas.js';
import { OPERATION_TRANSITION, seedExoscale } from './service.js';
import { exoscaleTimeline } from './timeline.js';

export const exoscale: VendorDefinition<ExoscaleFixture> = {
  id: 'exoscale',
  mount: '/exoscale/v2',
  title: 'Exoscale API v2 (IAM access keys, API keys, roles)',
  upstream: 'https://api-<zone>.exoscale.com/v2',
  tables: [
    { name: 'exoscale_organizations' },
    { name: 'exoscale_known_operations' },
    { name: 'exoscale_access_keys', hiddenColumns: ['secret'] },
    { name: 'exoscale_iam_roles' },
    { name: 'exoscale_api_keys', hiddenColumns: ['secret'] },
    { name: 'exoscale_operations' },
  ],
  transitions: [
    {
      name: OPERATION_TRANSITION,
      description: 'an operation (access-key revoke, api-key delete, iam-role create/update/delete) goes from pending to its outcome; a revoke or delete takes effect then',
      default: { kind: 'delay', ms: 1000 },
    },
  ],
  fixture: { schema: exoscaleFixture, seed: seedExoscale },
  errors: errorModel,
  timeline: exoscaleTimeline,
  openapi: {
    components: {
      securitySchemes: {
        'EXO2-HMAC-SHA256': {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description: 'EXO2-HMAC-SHA256 credential=<key>[,signed-query-args=<p1;p2>],expires=<unix seconds>,signature=<base64 HMAC-SHA256>. The signed path is the URL path as sent, e.g. /exoscale/v2/access-key.',
        },
      },
    },
    security: [{ 'EXO2-HMAC-SHA256': [] }],
  },
  routes: exoscaleRoutes,
};
