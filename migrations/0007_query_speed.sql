-- rcvault schema, version 7: no slow query kind (issue 19).
--
-- Partial indexes over the rare values of the enum columns. A filter on a
-- common value (Received, Delivered, Alive, SMS) finds a page within a short
-- walk of messages in time order; a filter on a rare value (SendingFailed,
-- DeliveryFailed, Deleted, Fax, ...) walks the index of that value in time
-- order instead. Each entry also holds the other enum columns, so a
-- combination (Fax, Unread, Deleted) is filtered inside the index and reads
-- only the rows it returns. Rows with a common value have no entry: the
-- indexes cost disk and ingest for the rare rows only. The reader
-- (lib/store/src/reader.cpp) lists the same common values.
CREATE INDEX messages_status_rare ON messages(message_status, sort_key, type, read_status, availability, direction)
  WHERE message_status NOT IN ('Received', 'Delivered', 'Sent');
CREATE INDEX messages_availability_rare ON messages(availability, sort_key, type, read_status, message_status, direction)
  WHERE availability NOT IN ('Alive');
CREATE INDEX messages_type_rare ON messages(type, sort_key, read_status, availability, message_status, direction)
  WHERE type NOT IN ('SMS');

-- One row per conversation: the sort key of its newest message, so the
-- conversation list is a walk of conversations_last in key order. Kept by
-- the triggers below on every insert, delete and re-keying of a message, so
-- whoever deletes messages (retention, erasure) has nothing to do for it.
CREATE TABLE conversations (
  conversation_id  TEXT    PRIMARY KEY,
  last_key         INTEGER NOT NULL                -- max(messages.sort_key) of the conversation
) WITHOUT ROWID;
CREATE INDEX conversations_last ON conversations(last_key);
INSERT INTO conversations(conversation_id, last_key)
  SELECT conversation_id, max(sort_key) FROM messages WHERE conversation_id IS NOT NULL GROUP BY conversation_id;

CREATE TRIGGER conversations_insert AFTER INSERT ON messages WHEN new.conversation_id IS NOT NULL BEGIN
  INSERT INTO conversations(conversation_id, last_key) VALUES (new.conversation_id, new.sort_key)
    ON CONFLICT(conversation_id) DO UPDATE SET last_key = max(last_key, excluded.last_key);
END;

CREATE TRIGGER conversations_delete AFTER DELETE ON messages WHEN old.conversation_id IS NOT NULL BEGIN
  DELETE FROM conversations WHERE conversation_id = old.conversation_id
    AND NOT EXISTS (SELECT 1 FROM messages WHERE conversation_id = old.conversation_id);
  UPDATE conversations
    SET last_key = (SELECT max(sort_key) FROM messages WHERE conversation_id = old.conversation_id)
    WHERE conversation_id = old.conversation_id AND last_key = old.sort_key;
END;

CREATE TRIGGER conversations_update AFTER UPDATE OF conversation_id, sort_key ON messages
  WHEN old.conversation_id IS NOT new.conversation_id OR old.sort_key IS NOT new.sort_key BEGIN
  DELETE FROM conversations WHERE conversation_id = old.conversation_id
    AND NOT EXISTS (SELECT 1 FROM messages WHERE conversation_id = old.conversation_id);
  UPDATE conversations
    SET last_key = (SELECT max(sort_key) FROM messages WHERE conversation_id = old.conversation_id)
    WHERE conversation_id = old.conversation_id;
  INSERT INTO conversations(conversation_id, last_key)
    SELECT new.conversation_id, new.sort_key WHERE new.conversation_id IS NOT NULL
    ON CONFLICT(conversation_id) DO UPDATE SET last_key = max(last_key, excluded.last_key);
END;
