import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { s3Error } from './errors.js';

/** S3's XML: the few documents it writes are built here; the two it reads are parsed with fast-xml-parser. */

export const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function xmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

export function xmlElement(name: string, value: string | number | boolean): string {
  return `<${name}>${xmlEscape(String(value))}</${name}>`;
}

export function xmlDocument(body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;
}

/** `<Name xmlns="…S3…">children</Name>` as a whole document. */
export function s3Document(name: string, children: string): string {
  return xmlDocument(`<${name} xmlns="${S3_NAMESPACE}">${children}</${name}>`);
}

const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: true, processEntities: true, isArray: (name) => name === 'Object' || name === 'Part' || name === 'Tag' });

/** Parses a request body S3 expects as XML; anything not well-formed is MalformedXML. */
export function parseXmlBody(body: Buffer): Record<string, unknown> {
  const text = body.toString('utf8');
  if (text.trim() === '' || XMLValidator.validate(text) !== true) throw s3Error('MalformedXML');
  const doc = parser.parse(text) as Record<string, unknown>;
  return doc;
}

/** `<Delete><Object><Key/><VersionId/>?</Object>…<Quiet/>?</Delete>` → keys and quiet. */
export function parseDeleteRequest(body: Buffer): { keys: string[]; quiet: boolean } {
  const doc = parseXmlBody(body).Delete as { Object?: Array<{ Key?: unknown }>; Quiet?: unknown } | undefined;
  if (!doc || typeof doc !== 'object' || !Array.isArray(doc.Object) || doc.Object.length === 0 || doc.Object.length > 1000) throw s3Error('MalformedXML');
  const keys = doc.Object.map((o) => (o && typeof o === 'object' && typeof o.Key === 'string' && o.Key !== '' ? o.Key : undefined));
  if (keys.some((k) => k === undefined)) throw s3Error('MalformedXML');
  return { keys: keys as string[], quiet: String(doc.Quiet ?? 'false').toLowerCase() === 'true' };
}

/** `<CompleteMultipartUpload><Part><PartNumber/><ETag/></Part>…` → the parts in the given order. */
export function parseCompleteRequest(body: Buffer): Array<{ partNumber: number; etag: string }> {
  const doc = parseXmlBody(body).CompleteMultipartUpload as { Part?: Array<{ PartNumber?: unknown; ETag?: unknown }> } | undefined;
  if (!doc || typeof doc !== 'object' || !Array.isArray(doc.Part) || doc.Part.length === 0) throw s3Error('MalformedXML');
  return doc.Part.map((p) => {
    const n = typeof p?.PartNumber === 'string' && /^\d{1,5}$/.test(p.PartNumber) ? Number(p.PartNumber) : NaN;
    if (!(n >= 1 && n <= 10_000) || typeof p.ETag !== 'string') throw s3Error('MalformedXML');
    return { partNumber: n, etag: p.ETag.replace(/^"|"$/g, '') };
  });
}

/** `<Tagging><TagSet><Tag><Key/><Value/></Tag>…</TagSet></Tagging>` → key and value pairs in order (checked by the caller). */
export function parseTaggingRequest(body: Buffer): Array<[string, string]> {
  const doc = parseXmlBody(body).Tagging as { TagSet?: { Tag?: Array<{ Key?: unknown; Value?: unknown }> } | string } | undefined;
  if (!doc || typeof doc !== 'object' || doc.TagSet === undefined) throw s3Error('MalformedXML');
  if (doc.TagSet === '') return []; // <TagSet/>: no tags
  const tags = typeof doc.TagSet === 'object' ? doc.TagSet.Tag ?? [] : undefined;
  if (!Array.isArray(tags)) throw s3Error('MalformedXML');
  return tags.map((t) => {
    if (!t || typeof t !== 'object' || typeof t.Key !== 'string') throw s3Error('MalformedXML');
    const value = t.Value === undefined || t.Value === '' ? '' : t.Value;
    if (typeof value !== 'string') throw s3Error('MalformedXML');
    return [t.Key, value];
  });
}
