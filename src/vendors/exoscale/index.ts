import type { VendorDefinition } from '../../core/vendor.js';
import { exoscaleAuth } from './auth.js';
import { exoscaleErrors } from './errors.js';
import { exoscaleRoutes } from './routes.js';
import { exoscaleS3 } from './s3.js';
import { s3Tables } from '../../s3/store.js';
import { exoscaleFixture, type ExoscaleFixture } from './schemas.js';
import { OPERATION_TRANSITION } from './operations.js';
import { exoscaleSeed } from './seed.js';
import { computeSignature, signatureMessage } from './signature.js';
import { exoscaleTimeline } from './timeline.js';

/**
 * Swagger UI cannot compute a signature: the docs page gives a pre-signed Authorization value for
 * `GET /access-key` with the default world's well-known key (README "Default credentials") and an
 * expiry in 2100 (the emulator sets no upper bound on `expires`), to paste into "Authorize".
 */
const EXAMPLE = { key: 'EXO000000000000000000000001', secret: 'emulator-test-secret-do-not-use-in-prod-000', path: '/exoscale/v2/access-key', expires: 4_102_444_800 };
const exampleAuthorization = () =>
  `EXO2-HMAC-SHA256 credential=${EXAMPLE.key},expires=${EXAMPLE.expires},signature=${computeSignature(EXAMPLE.secret, signatureMessage({ method: 'GET', path: EXAMPLE.path, body: '', signedQueryArgs: [], query: new Map(), expires: EXAMPLE.expires }))}`;

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
    ...s3Tables('exoscale', true),
  ],
  transitions: [
    {
      name: OPERATION_TRANSITION,
      description: 'an operation (access-key revoke, api-key delete, iam-role create/update/delete) goes from pending to its outcome; a revoke or delete takes effect then',
      default: { kind: 'delay', ms: 1000 },
    },
  ],
  auth: exoscaleAuth,
  fixture: { schema: exoscaleFixture, seed: exoscaleSeed },
  errors: exoscaleErrors,
  timeline: exoscaleTimeline,
  openapi: {
    get description() {
      return [
        'Every request is signed (EXO2-HMAC-SHA256, see the security scheme). To try `GET /access-key` here without a signer, choose "Authorize" and paste this pre-signed value (the default world\'s well-known key, valid until 2100):',
        '',
        '    ' + exampleAuthorization(),
        '',
        'Any other call needs its own signature: `message = "<METHOD> <path as sent>\\n<raw body>\\n<signed query values>\\n\\n<expires>"`, HMAC-SHA256 with the secret, base64. In Node: `crypto.createHmac(\'sha256\', secret).update(message).digest(\'base64\')`.',
      ].join('\n');
    },
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
  s3: exoscaleS3,
};
