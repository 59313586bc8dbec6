import type { VendorDefinition } from '../core/vendor.js';
import { s3ErrorModel } from './errors.js';
import { operationOf, S3_OPERATION_PREFIX } from './plane.js';
import { s3Routes, targetOf } from './routes.js';

/** Where a vendor's S3 plane is mounted on the main port (DESIGN.md §6). */
export const s3Mount = (vendorId: string) => `/s3/${vendorId}`;

/**
 * A vendor's S3 plane as a definition the shared vendor plugin serves: the vendor's id (so the
 * journal, namespaces and faults name the vendor), S3's error model, the S3 routes.
 */
export function s3Definition(vendor: VendorDefinition, vendors: readonly VendorDefinition[], mount: string): VendorDefinition {
  const all = vendors.flatMap((v) => (v.s3 ? [{ id: v.id, part: v.s3 }] : []));
  return {
    // No management auth: the plane verifies SigV4 in its routes.
    ...vendor, mount, title: `${vendor.title}: S3 data plane`, errors: s3ErrorModel, auth: undefined, routes: s3Routes({ vendor, part: vendor.s3!, all, mount }),
    // `s3:<Operation>` for faults, the journal and the log; a URL that cannot be decoded is the route's problem.
    operationOf: (request) => {
      try {
        const t = targetOf(request, mount);
        return `${S3_OPERATION_PREFIX}${operationOf(request.method, t.bucket, t.key, new URLSearchParams(t.rawQuery), request.headers)}`;
      } catch {
        return undefined;
      }
    },
  };
}
