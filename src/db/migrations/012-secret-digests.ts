/**
 * Secrets at rest: only secrets the emulator must sign with stay in plain text (Exoscale key and
 * API-key secrets for EXO2-HMAC; the S3 secrets of every vendor, for SigV4). Bearer-style
 * credentials and passwords, which are only ever compared, are kept as their SHA-256 digest
 * (`secret_digest()`, src/core/secrets.ts) and their plain values dropped: Katapult API tokens, IONOS
 * bearer tokens and Basic passwords, IBM manager passwords, KOS API keys, session and refresh tokens.
 * Tables whose primary key held the token are rebuilt keyed by the digest.
 * Numbered 012 (reserved for this branch) but placed after 018, which reached main first: the array order is what counts.
 */
export default `
-- Katapult API tokens: keyed by digest (rebuilt under its own name, so the schema keeps its plain CREATE TABLE).
CREATE TEMP TABLE katapult_api_tokens_old AS SELECT * FROM katapult_api_tokens ORDER BY rowid;
DROP TABLE katapult_api_tokens;
CREATE TABLE katapult_api_tokens (
  namespace TEXT NOT NULL,
  token_digest TEXT NOT NULL,
  name TEXT NOT NULL,
  scopes TEXT NOT NULL,
  allowed_networks TEXT,
  rate_limit INTEGER NOT NULL,
  expires_at INTEGER,
  PRIMARY KEY (namespace, token_digest)
) STRICT;
INSERT OR REPLACE INTO katapult_api_tokens (namespace, token_digest, name, scopes, allowed_networks, rate_limit, expires_at)
  SELECT namespace, secret_digest(token), name, scopes, allowed_networks, rate_limit, expires_at FROM temp.katapult_api_tokens_old ORDER BY rowid;
DROP TABLE temp.katapult_api_tokens_old;

-- IONOS: the digest of the bearer token or Basic password (token_digest stays: it finds a bearer).
ALTER TABLE ionos_credentials RENAME COLUMN secret TO secret_hash;
UPDATE ionos_credentials SET secret_hash = secret_digest(secret_hash);

-- IBM manager passwords.
ALTER TABLE ibm_managers RENAME COLUMN password TO password_hash;
UPDATE ibm_managers SET password_hash = secret_digest(password_hash);

-- KOS API keys: keyed by digest.
CREATE TEMP TABLE krutrim_api_keys_old AS SELECT * FROM krutrim_api_keys ORDER BY rowid;
DROP TABLE krutrim_api_keys;
CREATE TABLE krutrim_api_keys (
  namespace TEXT NOT NULL,
  key_digest TEXT NOT NULL,
  name TEXT NOT NULL,
  account_id TEXT NOT NULL,
  rate_limit INTEGER NOT NULL,
  PRIMARY KEY (namespace, key_digest)
) STRICT;
INSERT OR REPLACE INTO krutrim_api_keys (namespace, key_digest, name, account_id, rate_limit)
  SELECT namespace, secret_digest(api_key), name, account_id, rate_limit FROM temp.krutrim_api_keys_old ORDER BY rowid;
DROP TABLE temp.krutrim_api_keys_old;

-- KOS sessions: the session token only as token_digest; the refresh token as its digest.
UPDATE krutrim_sessions SET token_digest = secret_digest(session_token) WHERE token_digest IS NULL;
ALTER TABLE krutrim_sessions DROP COLUMN session_token;
ALTER TABLE krutrim_sessions RENAME COLUMN refresh_token TO refresh_digest;
UPDATE krutrim_sessions SET refresh_digest = secret_digest(refresh_digest);
`;
