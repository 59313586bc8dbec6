/**
 * Bearer credentials presented alone (no identifier beside them) are found by their SHA-256 digest
 * (`secretDigest`, src/core/secrets.ts), never by an SQL equality on the secret itself: each table
 * gets a `*_digest` column with a unique (namespace, digest) index, filled here from the stored values
 * by `secret_digest()`, which `migrate()` registers on the connection. The values are kept (and
 * compared with `sameSecret` after the lookup) where the vendor needs them back.
 * Numbered 011 because branch perf adds 007–009 and main has 010: this one comes last.
 */
export default `
-- Katapult API tokens (Authorization: Bearer <token>).
ALTER TABLE katapult_api_tokens ADD COLUMN token_digest TEXT;
UPDATE katapult_api_tokens SET token_digest = secret_digest(token);
CREATE UNIQUE INDEX katapult_api_tokens_digest ON katapult_api_tokens (namespace, token_digest);

-- IONOS bearer tokens (kind 'bearer'; basic credentials are found by username, their password compared with sameSecret).
ALTER TABLE ionos_credentials ADD COLUMN token_digest TEXT;
UPDATE ionos_credentials SET token_digest = secret_digest(secret) WHERE kind = 'bearer';
DROP INDEX ionos_credentials_secret;
CREATE UNIQUE INDEX ionos_credentials_token_digest ON ionos_credentials (namespace, token_digest);

-- KOS API keys (Authorization: Bearer <api key>) and session tokens (x-session-token, /sessions/.../{token}).
ALTER TABLE krutrim_api_keys ADD COLUMN key_digest TEXT;
UPDATE krutrim_api_keys SET key_digest = secret_digest(api_key);
CREATE UNIQUE INDEX krutrim_api_keys_digest ON krutrim_api_keys (namespace, key_digest);
ALTER TABLE krutrim_sessions ADD COLUMN token_digest TEXT;
UPDATE krutrim_sessions SET token_digest = secret_digest(session_token);
DROP INDEX krutrim_sessions_token;
CREATE UNIQUE INDEX krutrim_sessions_token_digest ON krutrim_sessions (namespace, token_digest);
`;
