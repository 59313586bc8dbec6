import { catalogue } from '../errors.js';
import type { KrutrimStore, RegionRow } from '../store.js';

/** Who is calling, as `krutrimAuth` resolved it from the Bearer API key, `x-account-id`, `x-region-id` and `x-tier`. */
export interface Caller {
  namespace: string;
  accountId: string;
  customerId: string;
  /** The request's region: `x-region-id`, else the first KOS region. */
  region: string;
  /** `x-tier` when sent, else the region's tier. */
  tier: string;
  /** Whether the client chose the region with `x-region-id` (bucket listings are then scoped to it). */
  regionFromHeader: boolean;
  tierFromHeader: boolean;
}

/** Times as the KOS docs write them: `2000-01-23T04:56:07.000+00:00` (UTC, an explicit offset rather than `Z`). */
export const iso = (ms: number): string => `${new Date(ms).toISOString().slice(0, -1)}+00:00`;

/** The 400 for a region the namespace does not have, naming the ones it has. */
export function invalidRegion(store: KrutrimStore, namespace: string, region: string) {
  const known = store.regionsAll.all({ namespace }).map((r) => r.region_id);
  return catalogue.error('INVALID_REGION', { message: `Bad request, unknown region ${JSON.stringify(region)}: one of ${known.join(', ')}` });
}

/**
 * The region a new key or bucket goes to (the body's, else the caller's) and its tier (`x-tier` when it
 * is the caller's region, else the region's). The caller's own region was read when it authenticated.
 */
export function placement(store: KrutrimStore, c: Caller, regionId: string | undefined): { region: string; tier: string } {
  if (regionId === undefined || regionId === c.region) return { region: c.region, tier: c.tier };
  const region: RegionRow | undefined = store.regionById.get({ namespace: c.namespace, id: regionId });
  if (!region) throw invalidRegion(store, c.namespace, regionId);
  return { region: region.region_id, tier: region.tier };
}

/** The docs show an optional `otp`; how it is issued is not public. Any 4–8 digit code is accepted. */
export function checkOtp(otp: string | undefined): void {
  if (otp !== undefined && !/^\d{4,8}$/.test(otp)) throw catalogue.error('INVALID_OTP', { message: 'Bad request, invalid OTP: expected 4 to 8 digits' });
}
