import type { Client } from 'openapi-fetch';
import type { paths } from './ionos-paths.js';

/**
 * What Terraform and Ansible do with an IONOS access key, through an openapi-fetch client:
 * create → poll until AVAILABLE → list with filter → renew → poll until AVAILABLE → delete →
 * poll until 404. `check` sees every response (to validate it against the vendor spec); `advance`
 * moves the emulator's clock between polls. The same file is typechecked against types generated
 * from the vendor spec (client.test.ts), so keep its imports to openapi-fetch and ./ionos-paths.js.
 */
export interface FlowHooks {
  advance(ms: number): Promise<void> | void;
  check(pathTemplate: string, method: string, response: Response, body: unknown): void;
}

export interface FlowResult {
  id: string;
  accessKey: string;
  secrets: string[];
  statuses: string[];
  listedIds: string[];
  polls: number;
}

const POLL_MS = 500;
const MAX_POLLS = 40;

export async function runClientFlow(client: Client<paths>, hooks: FlowHooks): Promise<FlowResult> {
  const statuses: string[] = [];
  const secrets: string[] = [];
  let polls = 0;

  const created = await client.POST('/accesskeys', { body: { properties: { description: 'openapi-fetch flow', accessKey: '', secretKey: '' } } });
  hooks.check('/accesskeys', 'post', created.response, created.data ?? created.error);
  if (!created.data) throw new Error(`create failed: ${created.response.status}`);
  const id = created.data.id;
  const accessKey = created.data.properties.accessKey;
  if (created.data.properties.secretKey) secrets.push(created.data.properties.secretKey);
  statuses.push(created.data.metadata.status);

  const pollUntilAvailable = async () => {
    for (;;) {
      if (++polls > MAX_POLLS) throw new Error('never became AVAILABLE');
      await hooks.advance(POLL_MS);
      const read = await client.GET('/accesskeys/{accesskeyId}', { params: { path: { accesskeyId: id } } });
      hooks.check('/accesskeys/{accesskeyId}', 'get', read.response, read.data ?? read.error);
      if (!read.data) throw new Error(`read failed: ${read.response.status}`);
      if (read.data.properties.secretKey !== null) throw new Error('a read returned the secret');
      statuses.push(read.data.metadata.status);
      if (read.data.metadata.status === 'AVAILABLE') return;
    }
  };
  await pollUntilAvailable();

  const listed = await client.GET('/accesskeys', { params: { query: { 'filter.accesskeyId': accessKey } } });
  hooks.check('/accesskeys', 'get', listed.response, listed.data ?? listed.error);
  if (!listed.data) throw new Error(`list failed: ${listed.response.status}`);
  const listedIds = (listed.data.items ?? []).map((k) => k.id);

  const renewed = await client.PUT('/accesskeys/{accesskeyId}/renew', { params: { path: { accesskeyId: id } } });
  hooks.check('/accesskeys/{accesskeyId}/renew', 'put', renewed.response, renewed.data ?? renewed.error);
  if (!renewed.data) throw new Error(`renew failed: ${renewed.response.status}`);
  if (renewed.data.properties.secretKey) secrets.push(renewed.data.properties.secretKey);
  statuses.push(renewed.data.metadata.status);
  await pollUntilAvailable();

  const deleted = await client.DELETE('/accesskeys/{accesskeyId}', { params: { path: { accesskeyId: id } } });
  hooks.check('/accesskeys/{accesskeyId}', 'delete', deleted.response, deleted.data);
  if (!deleted.response.ok) throw new Error(`delete failed: ${deleted.response.status}`);

  for (;;) {
    if (++polls > MAX_POLLS) throw new Error('never went away');
    await hooks.advance(POLL_MS);
    const read = await client.GET('/accesskeys/{accesskeyId}', { params: { path: { accesskeyId: id } } });
    hooks.check('/accesskeys/{accesskeyId}', 'get', read.response, read.data ?? read.error);
    if (read.response.status === 404) break;
    if (!read.data) throw new Error(`read failed: ${read.response.status}`);
    statuses.push(read.data.metadata.status);
  }
  statuses.push('404');
  return { id, accessKey, secrets, statuses, listedIds, polls };
}
