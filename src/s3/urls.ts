import { DEFAULT_NAMESPACE } from '../core/namespaces.js';

/**
 * The base URL of a vendor's S3 plane as the vendor APIs hand it out when PUBLIC_URL is set
 * (DESIGN.md §6): `<PUBLIC_URL>[/ns/<name>]/s3/<vendor>`; undefined without PUBLIC_URL.
 */
export function s3BaseUrl(publicUrl: string | undefined, namespace: string, vendorId: string): string | undefined {
  if (publicUrl === undefined) return undefined;
  const ns = namespace === DEFAULT_NAMESPACE ? '' : `/ns/${encodeURIComponent(namespace)}`;
  return `${publicUrl}${ns}/s3/${vendorId}`;
}

/** An object key as a URL path: each segment percent-encoded, slashes kept. */
export const keyPath = (key: string): string => key.split('/').map(encodeURIComponent).join('/');
