import { afterAll, describe, expect, it } from 'vitest';
import { buildTestApp, vendorSpecsDir, type AppUnderTest, type TestAppOptions } from '../../helpers/build-app.js';
import { useTestApp } from '../../helpers/use-test-app.js';
import { KNOWN_FINDINGS, knownFinding } from './decisions.js';
import { faultFailure, validationFailure } from './findings.js';
import { VendorSession } from './harness.js';
import { type Observation, writeConformanceRecord } from './run-records.js';
import { implementedOperations, operationMismatches } from './operations.js';
import { isPlaceholder, loadVendorSpecs, type Vendor } from './specs.js';
import { ResponseValidator } from './validate.js';

export interface Flow {
  name: string;
  /** Options for an app of this flow's own (e.g. a low RATE_LIMITS to reach a 429); without, the suite's shared one. */
  app?: TestAppOptions;
  run(session: VendorSession, t: AppUnderTest): Promise<void>;
}

/**
 * One vendor's conformance suite: (a) its documented operations exist in `openapi/<vendor>.json` with the
 * same method, path and required parameters; (b) the scripted flows and the fault probes give responses
 * that validate against the vendor's own schemas. Skipped with a message without VENDOR_SPECS_DIR, and
 * while the vendor is still the foundation's placeholder (its generated document has no paths).
 */
export function conformanceSuite(vendor: Vendor, flows: Flow[]): void {
  describe(`${vendor}: conformance with the vendor's own documents`, () => {
    const dir = vendorSpecsDir();
    const skipped = !dir ? 'VENDOR_SPECS_DIR is not set' : isPlaceholder(vendor) ? `${vendor} is still the foundation's placeholder (openapi/${vendor}.json has no paths)` : undefined;
    if (skipped || !dir) {
      console.warn(`conformance: ${vendor} skipped: ${skipped}`);
      writeConformanceRecord({ vendor, skipped, observations: [] });
      it.skip(`skipped: ${skipped}`, () => {});
      return;
    }
    const specs = loadVendorSpecs(dir);
    const validator = new ResponseValidator(specs);
    const observations: Observation[] = [];
    afterAll(() => writeConformanceRecord({ vendor, observations }));

    // One app for the suite, freshly seeded before each flow (as a fresh app is); a flow with settings of its own builds its own.
    const shared = useTestApp({ fresh: 'world' });
    const session = async (options: TestAppOptions | undefined, run: (s: VendorSession, t: AppUnderTest) => Promise<void>) => {
      if (!options) return run(new VendorSession(vendor, shared, specs, validator, observations), shared);
      const t = await buildTestApp(options);
      try {
        await run(new VendorSession(vendor, t, specs, validator, observations), t);
      } finally {
        await t.close();
      }
    };

    const matched = new Set<RegExp>();
    /** Failures not explained by a KNOWN_FINDINGS entry; remembers which entries matched. */
    const unexplained = (failures: string[]) =>
      failures.filter((f) => {
        const known = knownFinding(vendor, f);
        if (known) matched.add(known.match);
        return !known;
      });

    it(`every documented operation it claims is in openapi/${vendor}.json with the same method, path and required parameters`, () => {
      expect(unexplained(operationMismatches(vendor, specs))).toEqual([]);
    });

    for (const flow of flows) {
      it(`flow: ${flow.name}`, () => session(flow.app, flow.run));
    }

    it('every documented error status (and Katapult error code) can be forced with x-emulator-fault', async () => {
      const failures: string[] = [];
      await session(undefined, async (s) => {
        for (const op of implementedOperations(vendor, specs)) {
          for (const status of op.statuses.filter((x) => /^[45]\d\d$/.test(x))) {
            for (const fault of [status, ...(op.errorCodes[status] ?? [])]) {
              await s.call(`fault ${fault}`, op.key, { fault });
              const failure = faultFailure(observations[observations.length - 1]!, status);
              if (failure) failures.push(failure);
            }
          }
        }
      });
      expect(unexplained(failures)).toEqual([]);
    });

    it("every response of the flows and probes validates against the vendor's schema for its operation and status", () => {
      const failures = observations.map(validationFailure).filter((f): f is string => f !== undefined);
      expect(unexplained(failures)).toEqual([]);
    });

    it('every KNOWN_FINDINGS entry of this vendor still matches something (remove the ones that were fixed)', () => {
      const stale = KNOWN_FINDINGS.filter((f) => f.vendor === vendor && !matched.has(f.match)).map((f) => `${f.kind}: ${f.match}`);
      expect(stale).toEqual([]);
    });
  });
}
