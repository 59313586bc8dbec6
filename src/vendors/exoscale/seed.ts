import type { VendorContext } from '../../core/vendor.js';
import { DEFAULT_ORGANIZATION_ID } from './credentials.js';
import { DENY_ALL } from './iam-roles.js';
import { exoscaleFixture, type ExoscaleFixture } from './schemas.js';
import { exoscaleStore } from './store.js';

/** Loads one fixture section into a namespace (inside the loader's transaction). */
export function exoscaleSeed(ctx: VendorContext, namespace: string, section: ExoscaleFixture): Record<string, number> {
  // Parsed again: documents handed to the runtime directly (tests) have not been through the schema.
  const data = exoscaleFixture.parse(section);
  const store = exoscaleStore(ctx.db);
  const now = ctx.clock.now();
  // A namespace holds one organization: a section that names one replaces it and everything under it.
  if (data.organization) store.organizationDelete(namespace);
  const org = data.organization ?? store.organizationByNamespace(namespace) ?? { id: DEFAULT_ORGANIZATION_ID, name: 'emulator' };
  store.organizationUpsert({ namespace, id: org.id, name: org.name, requests_per_minute: data['requests-per-minute'] });
  for (const known of data['known-operations']) store.knownOperationUpsert(namespace, known);
  for (const role of data['iam-roles']) {
    store.roleInsert({
      namespace,
      id: role.id,
      name: role.name,
      description: role.description ?? null,
      permissions: role.permissions,
      labels: role.labels,
      editable: role.editable,
      policy: role.policy ?? DENY_ALL,
      assume_role_policy: role['assume-role-policy'] ?? null,
      max_session_ttl: role['max-session-ttl'] ?? null,
      created_at: now,
    });
  }
  for (const key of data['access-keys']) {
    store.accessKeyInsert({
      namespace,
      key: key.key,
      secret: key.secret,
      name: key.name,
      version: key.version,
      tags: key.tags ?? null,
      operations: key.operations ?? null,
      resources: key.resources ?? null,
      created_by: null,
      created_at: now,
      revoke_operation_id: null,
      revoked_at: key.revoked ? now : null,
    });
  }
  for (const key of data['api-keys']) {
    store.apiKeyInsert({ namespace, key: key.key, secret: key.secret, name: key.name, role_id: key['role-id'], created_at: now, expires_at: null, assumed_by: null });
  }
  return {
    'access-keys': data['access-keys'].length,
    'api-keys': data['api-keys'].length,
    'iam-roles': data['iam-roles'].length,
    'known-operations': data['known-operations'].length,
  };
}
