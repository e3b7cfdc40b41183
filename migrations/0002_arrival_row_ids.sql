-- rcvault schema, version 2: message rows in arrival order, time order from sort_key.
--
-- Until version 1 a message's row id was its creation time (ms * 1024 plus a
-- tie breaker), so every new message landed wherever its creationTime fell in
-- messages, parties, attachments and events_message: a random page of each
-- per notification, all written to the WAL and copied again by checkpoints.
-- From version 2 new messages take the next row id (arrival order), so those
-- trees grow at their right end, and the time key moves to `sort_key`
-- (same encoding), which the ordered indexes and the full-text index use.
--
-- Existing rows keep their row ids, which were their time keys, so their
-- sort_key is their id; new row ids start above the largest existing one.
-- One pass over messages and parties, and the full-text index is rebuilt:
-- on 1,000,000 messages this takes about a minute and needs free disk about
-- the size of the database for the WAL (docs/deploy.md).

ALTER TABLE messages ADD COLUMN sort_key INTEGER NOT NULL DEFAULT 0;
UPDATE messages SET sort_key = id;
CREATE UNIQUE INDEX messages_sort_key ON messages(sort_key);
DROP INDEX messages_conversation;
CREATE INDEX messages_conversation ON messages(conversation_id, sort_key) WHERE conversation_id IS NOT NULL;
DROP INDEX messages_owner;
CREATE INDEX messages_owner ON messages(owner_id, sort_key) WHERE owner_id IS NOT NULL;

ALTER TABLE parties ADD COLUMN sort_key INTEGER NOT NULL DEFAULT 0;
UPDATE parties SET sort_key = message_id;
DROP INDEX parties_digits;
CREATE INDEX parties_digits ON parties(digits, sort_key) WHERE digits IS NOT NULL;

DROP TABLE messages_fts;
CREATE VIRTUAL TABLE messages_fts USING fts5(
  subject,
  content = 'messages',
  content_rowid = 'sort_key',
  columnsize = 0,
  tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO messages_fts(rowid, subject) SELECT sort_key, subject FROM messages WHERE subject IS NOT NULL;
