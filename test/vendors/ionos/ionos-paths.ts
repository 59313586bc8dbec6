/**
 * A hand-written subset of the IONOS API types, shaped like what openapi-typescript generates from
 * the vendor spec. It lets `client-flow.ts` typecheck in the repository without committing anything
 * derived from the vendor spec; `client.test.ts` typechecks the same flow against types generated
 * from the vendor spec at test time, where this file is replaced by the generated one.
 */
type Json<T> = { headers: { [name: string]: unknown }; content: { 'application/json': T } };
type ErrorBody = { httpStatus?: number; messages?: Array<{ errorCode?: string; message?: string }> };
type Errors = { 400: Json<ErrorBody>; 401: Json<ErrorBody>; 403: Json<ErrorBody>; 404: Json<ErrorBody>; 500: Json<ErrorBody> };
type NoParams = { query?: never; header?: never; path?: never; cookie?: never };
type IdParams = { query?: never; header?: never; path: { accesskeyId: string }; cookie?: never };

interface AccessKey {
  description: string;
  readonly accessKey: string;
  readonly secretKey: string | null;
  readonly canonicalUserId?: string;
  readonly contractUserId?: string;
}
interface AccessKeyRead {
  id: string;
  type: 'accesskey';
  href: string;
  metadata: {
    readonly createdDate?: string;
    readonly resourceURN?: string;
    readonly status: 'PROVISIONING' | 'DESTROYING' | 'AVAILABLE' | 'FAILED';
    readonly statusMessage?: string | null;
    supportedRegions: string[];
  };
  properties: AccessKey;
}
interface AccessKeyReadList {
  id: string;
  type: 'collection';
  href: string;
  items?: AccessKeyRead[];
  readonly offset: number;
  readonly limit: number;
  _links: { readonly prev?: string; readonly self?: string; readonly next?: string };
}

export interface paths {
  '/accesskeys': {
    parameters: NoParams;
    get: {
      parameters: { query?: { offset?: number; limit?: number; 'filter.accesskeyId'?: string }; header?: never; path?: never; cookie?: never };
      requestBody?: never;
      responses: { 200: Json<AccessKeyReadList> } & Errors;
    };
    post: {
      parameters: NoParams;
      requestBody: { content: { 'application/json': { metadata?: Record<string, never>; properties: AccessKey } } };
      responses: { 201: Json<AccessKeyRead> } & Errors;
    };
  };
  '/accesskeys/{accesskeyId}': {
    parameters: IdParams;
    get: { parameters: IdParams; requestBody?: never; responses: { 200: Json<AccessKeyRead> } & Errors };
    delete: { parameters: IdParams; requestBody?: never; responses: { 202: { headers: { [name: string]: unknown }; content?: never } } & Errors };
  };
  '/accesskeys/{accesskeyId}/renew': {
    parameters: IdParams;
    put: { parameters: IdParams; requestBody?: never; responses: { 200: Json<AccessKeyRead> } & Errors };
  };
}
