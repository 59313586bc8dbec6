/**
 * IONOS: how many key rows each user holds, kept by triggers, so the per-user key limit is checked
 * without reading every key on each create (a row goes away with the user's last key, so reset
 * leaves nothing behind). It counts rows, live or not: a count under the limit
 * proves there is room; at or over it the service settles the keys and counts the live ones.
 */
export default `
CREATE TABLE ionos_key_counts (
  namespace TEXT NOT NULL,
  user_id TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (namespace, user_id)
) STRICT;

INSERT INTO ionos_key_counts (namespace, user_id, n)
  SELECT namespace, user_id, count(*) FROM ionos_accesskeys GROUP BY namespace, user_id;

CREATE TRIGGER ionos_key_counts_insert AFTER INSERT ON ionos_accesskeys
BEGIN
  INSERT INTO ionos_key_counts (namespace, user_id, n) VALUES (NEW.namespace, NEW.user_id, 1)
    ON CONFLICT (namespace, user_id) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER ionos_key_counts_delete AFTER DELETE ON ionos_accesskeys
BEGIN
  UPDATE ionos_key_counts SET n = n - 1 WHERE namespace = OLD.namespace AND user_id = OLD.user_id;
  DELETE FROM ionos_key_counts WHERE namespace = OLD.namespace AND user_id = OLD.user_id AND n <= 0;
END;

CREATE TRIGGER ionos_key_counts_move AFTER UPDATE OF namespace, user_id ON ionos_accesskeys
BEGIN
  UPDATE ionos_key_counts SET n = n - 1 WHERE namespace = OLD.namespace AND user_id = OLD.user_id;
  INSERT INTO ionos_key_counts (namespace, user_id, n) VALUES (NEW.namespace, NEW.user_id, 1)
    ON CONFLICT (namespace, user_id) DO UPDATE SET n = n + 1;
END;
`;
