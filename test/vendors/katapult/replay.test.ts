import { describe, expect, it } from 'vitest';
import { buildTestApp, type AppUnderTest } from '../../helpers/build-app.js';
import { useTestApp } from '../../helpers/use-test-app.js';
import { DATA_CENTER, expectSameShape, loadRecordings, loadSpec, MOUNT, validateAgainstSpec } from './helpers.js';

/**
 * Replays the live-API recordings (krystal/terraform-provider-katapult cassettes) in order against
 * the emulator: ids are mapped as they appear, the clock moves by the recorded Date deltas, each
 * interaction is sent `repeat` times; status codes and body shapes must match the recording, and
 * every body must validate against the vendor's OpenAPI schema.
 */
const recordings = loadRecordings();
const spec = loadSpec();
const REPLAY_TOKEN = 'replay-token';

function fixture(withAccount: boolean) {
  return {
    katapult: {
      api_tokens: [{ token: REPLAY_TOKEN, scopes: ['object_storage', 'object_storage:read', 'trash_objects:read', 'trash_objects:purge'], rate_limit: 1000 }],
      clusters: [{ region: 'uk-lon-1', data_center: DATA_CENTER }],
      organizations: [{ id: 'org_TERRAFORMACCTEST', sub_domain: 'terraform-acc-test', object_storage_accounts: withAccount ? [{ region: 'uk-lon-1' }] : [] }],
    },
  };
}

const ID = /^(objkey|objacc|trsh|task)_[A-Za-z0-9]+$/;

/** Learns recorded id → emulator id by walking both bodies in parallel. */
function learnIds(recorded: unknown, actual: unknown, ids: Map<string, string>) {
  if (typeof recorded === 'string' && typeof actual === 'string') {
    if (ID.test(recorded) && ID.test(actual) && !ids.has(recorded)) ids.set(recorded, actual);
    return;
  }
  if (Array.isArray(recorded) && Array.isArray(actual)) recorded.forEach((r, i) => learnIds(r, actual[i], ids));
  else if (recorded && actual && typeof recorded === 'object' && typeof actual === 'object') {
    for (const [k, v] of Object.entries(recorded)) learnIds(v, (actual as Record<string, unknown>)[k], ids);
  }
}

const mapIds = (text: string, ids: Map<string, string>) => text.replace(/(objkey|objacc|trsh|task)_[A-Za-z0-9]+/g, (m) => ids.get(m) ?? m);

function encodeQuery(decoded: string): string {
  return decoded.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    return `${encodeURIComponent(pair.slice(0, eq))}=${encodeURIComponent(pair.slice(eq + 1))}`;
  }).join('&');
}

async function replay(t: AppUnderTest, name: string) {
  const scenario = Object.entries(recordings!).find(([file]) => file.endsWith(`/${name}.cassette.yaml`))?.[1];
  expect(scenario, name).toBeDefined();
  const ids = new Map<string, string>();
  let previous: number | undefined;
  let sent = 0;
  for (const [index, interaction] of scenario!.entries()) {
    const date = Date.parse(interaction.response_headers.Date);
    if (previous !== undefined && date > previous) t.clock.advance(date - previous);
    previous = date;
    const recordedBody = JSON.parse(interaction.response_body);
    for (let i = 0; i < interaction.repeat; i++) {
      const query = interaction.query ? `?${encodeQuery(mapIds(interaction.query, ids))}` : '';
      const res = await t.app.inject({
        method: interaction.method,
        url: `${MOUNT}${interaction.path}${query}`,
        headers: { authorization: `Bearer ${REPLAY_TOKEN}`, ...(interaction.request_body ? { 'content-type': 'application/json' } : {}) },
        ...(interaction.request_body ? { payload: mapIds(interaction.request_body, ids) } : {}),
      });
      sent++;
      const where = `${name} #${index} (${interaction.method} ${interaction.path}) repeat ${i + 1}/${interaction.repeat}: ${res.body}`;
      expect(res.statusCode, where).toBe(interaction.status);
      const body = res.json();
      expectSameShape(body, recordedBody, where);
      learnIds(recordedBody, body, ids);
      expect(validateAgainstSpec(spec!, interaction.method, interaction.path, res.statusCode, body), where).toBeUndefined();
      // Headers the live API sends on every response.
      expect(res.headers['content-type'], where).toBe('application/json');
      expect(res.headers['x-ratelimit-permitted'], where).toBe('1000');
      expect(Number(res.headers['x-ratelimit-remaining']), where).toBeGreaterThanOrEqual(0);
      expect(res.headers['cache-control'], where).toBe(interaction.response_headers['Cache-Control']);
      expect(res.headers['x-api-schema'], where).toBe(interaction.response_headers['X-Api-Schema']);
    }
  }
  return { sent, ids };
}

describe.skipIf(!recordings || !spec)('Katapult recorded interactions replayed (VENDOR_SPECS_DIR)', () => {
  describe('with the object storage account provisioned', () => {
    // Each replay from the freshly seeded world, as on a fresh app.
    const t = useTestApp({ fixtures: [fixture(true)], fresh: 'world' });
    for (const name of ['AccessKey_minimal', 'AccessKey_update_name', 'AccessKey_update_permissions', 'AccessKey_buckets']) {
      it(`${name}: same statuses and body shapes; bodies valid against the vendor schema`, async () => {
        const { sent, ids } = await replay(t, name);
        expect(sent).toBeGreaterThan(10);
        expect([...ids.keys()].some((k) => k.startsWith('objkey_'))).toBe(true);
      });
    }
  });

  it('ObjectStorageAccount_lifecycle: create, provision, trash, purge', async () => {
    const t = await buildTestApp({ fixtures: [fixture(false)] });
    try {
      const { ids } = await replay(t, 'ObjectStorageAccount_lifecycle');
      expect([...ids.keys()].some((k) => k.startsWith('trsh_'))).toBe(true);
    } finally {
      await t.close();
    }
  });
});

describe.skipIf(!spec)('the schema check itself', () => {
  it('rejects bodies that break the vendor schema, for successes and wrapped errors', () => {
    expect(validateAgainstSpec(spec!, 'GET', '/object_storage/access_keys/access_key', 200, { object_storage_access_key: { id: 5 } })).toBeDefined();
    expect(validateAgainstSpec(spec!, 'GET', '/object_storage/access_keys/access_key', 404, { error: { code: 'organization_not_found', description: 'x', detail: {} } })).toBeDefined();
    expect(validateAgainstSpec(spec!, 'GET', '/object_storage/access_keys/access_key', 404, { error: { code: 'object_storage_access_key_not_found', description: 'x', detail: {} } })).toBeUndefined();
    expect(validateAgainstSpec(spec!, 'GET', '/object_storage/access_keys/access_key', 403, { error: { code: 'scope_not_granted', description: 'x', detail: { scopes: 'object_storage' } } })).toBeDefined();
  });
});
