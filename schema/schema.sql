-- rcvault schema: what every migration in migrations/ produces, applied in
-- order, plus the migration runner's own bookkeeping table. Kept in step with
-- migrations/ in the same commit; a test (Migrate.SchemaFileMatchesWhatMigrationsProduce)
-- compares it with a migrated database. Read this file; never apply it to a
-- database that rcvault should migrate later.
-- Schema version 8 (0001_initial, 0002_arrival_row_ids, 0003_sync_state,
-- 0004_subscription, 0005_attachment_archive, 0006_compressed_raw,
-- 0007_query_speed, 0008_erasure).

-- Applied migrations, written by the runner (lib/store/src/migrations.cpp).
CREATE TABLE schema_migrations (
  version     INTEGER PRIMARY KEY,
  name        TEXT    NOT NULL,
  checksum    TEXT    NOT NULL,               -- SHA-256 of the migration file
  applied_at  INTEGER NOT NULL                -- ms since the epoch, UTC
);

-- Every accepted notification (or imported REST record). raw holds the bytes
-- as received while raw_dict is NULL, else a zstd frame made with dictionary
-- raw_dict of raw_dictionaries (0: no dictionary); 0006_compressed_raw.
CREATE TABLE events (
  id              INTEGER PRIMARY KEY,             -- arrival order
  uuid            TEXT    NOT NULL,
  kind            TEXT    NOT NULL,                -- core::event_kind name
  event           TEXT    NOT NULL,                -- filter path as sent, '' when absent
  subscription_id TEXT,
  owner_id        TEXT,                            -- envelope ownerId (subscription owner)
  sent_at         INTEGER,                         -- envelope timestamp
  received_at     INTEGER NOT NULL,
  message_id      INTEGER REFERENCES messages(id), -- the message it touched
  outcome         TEXT    NOT NULL,                -- applied | stale | unnormalised
  reason          TEXT,                            -- why unnormalised
  raw             BLOB    NOT NULL,
  raw_dict        INTEGER                          -- NULL: raw as received; else the dictionary (0: none)
);
CREATE UNIQUE INDEX events_uuid ON events(uuid);
CREATE INDEX events_message ON events(message_id) WHERE message_id IS NOT NULL;

-- One row per RingCentral message id; the merged latest state.
-- id (the row id) follows arrival: a new message takes the next one, so this
-- table, parties, attachments and events_message grow at their right end.
-- sort_key is creationTime in ms * 1024 plus a small tie breaker, unique, so
-- sort_key order is creation-time order: keyset paging, the per-number and
-- per-conversation indexes and the full-text index all walk time by sort_key.
-- (Rows stored before version 2 have id = sort_key.)
CREATE TABLE messages (
  id                          INTEGER PRIMARY KEY,
  rc_id                       TEXT    NOT NULL,
  owner_id                    TEXT,
  type                        TEXT,
  direction                   TEXT,
  subject                     TEXT,
  read_status                 TEXT,
  message_status              TEXT,
  priority                    TEXT,
  availability                TEXT,
  conversation_id             TEXT,
  creation_time               INTEGER,
  last_modified_time          INTEGER,
  sms_delivery_time           INTEGER,
  sms_sending_attempts_count  INTEGER,
  delivery_error_code         TEXT,
  segment_count               INTEGER,
  fax_page_count              INTEGER,
  fax_resolution              TEXT,
  vm_transcription_status     TEXT,
  pg_to_department            INTEGER,
  uri                         TEXT,
  has_from                    INTEGER NOT NULL DEFAULT 0,   -- a version carried `from`
  has_to                      INTEGER NOT NULL DEFAULT 0,   -- a version carried `to`
  has_attachments             INTEGER NOT NULL DEFAULT 0,   -- a version carried `attachments`
  extra                       TEXT,                         -- JSON object of other body fields
  version_time                INTEGER NOT NULL,             -- core::version_key of the stored state
  version_sent                INTEGER NOT NULL,
  version_uuid                TEXT    NOT NULL,
  sort_key                    INTEGER NOT NULL DEFAULT 0    -- time order, see above; always set by the writer
);
CREATE UNIQUE INDEX messages_rc_id ON messages(rc_id);
CREATE UNIQUE INDEX messages_sort_key ON messages(sort_key);
CREATE INDEX messages_conversation ON messages(conversation_id, sort_key) WHERE conversation_id IS NOT NULL;
CREATE INDEX messages_owner ON messages(owner_id, sort_key) WHERE owner_id IS NOT NULL;

-- Rare enum values (0007_query_speed): a filter on one walks its partial
-- index in time order; the entries hold the other enum columns, so a
-- combination is filtered inside the index. Rows with a common value have
-- no entry. The reader (lib/store/src/reader.cpp) lists the same values.
CREATE INDEX messages_status_rare ON messages(message_status, sort_key, type, read_status, availability, direction)
  WHERE message_status NOT IN ('Received', 'Delivered', 'Sent');
CREATE INDEX messages_availability_rare ON messages(availability, sort_key, type, read_status, message_status, direction)
  WHERE availability NOT IN ('Alive');
CREATE INDEX messages_type_rare ON messages(type, sort_key, read_status, availability, message_status, direction)
  WHERE type NOT IN ('SMS');

-- Each conversation's newest sort key (0007_query_speed), kept by the triggers
-- below on every insert, delete and re-keying of a message: the conversation
-- list walks conversations_last. Deleting a message needs nothing else.
CREATE TABLE conversations (
  conversation_id  TEXT    PRIMARY KEY,
  last_key         INTEGER NOT NULL                -- max(messages.sort_key) of the conversation
) WITHOUT ROWID;
CREATE INDEX conversations_last ON conversations(last_key);

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

-- from (position 0) and to (positions 1..n) of each message.
CREATE TABLE parties (
  message_id        INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  position          INTEGER NOT NULL,              -- 0 = from, 1.. = to[0..]
  phone_number      TEXT,
  digits            TEXT,                          -- core::phone_digits(phone_number), NULL when none
  extension_number  TEXT,
  extension_id      TEXT,
  name              TEXT,
  location          TEXT,
  target            INTEGER,
  message_status    TEXT,
  fax_error_code    TEXT,
  recipient_id      TEXT,
  extra             TEXT,
  sort_key          INTEGER NOT NULL DEFAULT 0,    -- the message's sort_key
  PRIMARY KEY (message_id, position)
) WITHOUT ROWID;
-- "latest messages of one number": walk one number's messages in time order.
CREATE INDEX parties_digits ON parties(digits, sort_key) WHERE digits IS NOT NULL;

CREATE TABLE attachments (
  message_id    INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  position      INTEGER NOT NULL,
  id            TEXT    NOT NULL,
  uri           TEXT,
  type          TEXT,
  content_type  TEXT,
  size          INTEGER,
  vm_duration   INTEGER,
  file_name     TEXT,
  height        INTEGER,
  width         INTEGER,
  extra         TEXT,
  PRIMARY KEY (message_id, position)
) WITHOUT ROWID;

-- Full-text index over message text (subject), rowid = messages.sort_key, so
-- matches come in time order. External content: the text lives once, in
-- messages.subject; the writer keeps the index in step ('delete' with the old
-- text and key, then insert the new).
CREATE VIRTUAL TABLE messages_fts USING fts5(
  subject,
  content = 'messages',
  content_rowid = 'sort_key',
  columnsize = 0,
  tokenize = 'unicode61 remove_diacritics 2'
);

-- Requests refused as invalid_json / invalid_envelope, for inspection. Capped
-- by the writer: the oldest rows go when the cap is reached.
CREATE TABLE rejected (
  id           INTEGER PRIMARY KEY,
  received_at  INTEGER NOT NULL,
  code         TEXT    NOT NULL,
  message      TEXT    NOT NULL,
  size         INTEGER NOT NULL,
  head         BLOB    NOT NULL                    -- the first bytes of the body
);

-- Counters kept by the writer so /v1/stats never counts rows, updated in the
-- transaction of the batch they count: events.total, events.applied,
-- events.stale, events.unnormalised, events.duplicate, messages.total,
-- messages.type.<type>, messages.direction.<direction>, rejected.total,
-- attachments.<state> (rows of attachment_archive per state) and
-- attachments.bytes (bytes of the rows that became stored).
CREATE TABLE counters (
  name   TEXT    PRIMARY KEY,                      -- e.g. 'events.applied', 'messages.type.SMS'
  value  INTEGER NOT NULL
) WITHOUT ROWID;

-- Message Sync (0003_sync_state, docs/sync.md).
-- One row per mailbox (RingCentral extension) that was ever synced.
CREATE TABLE sync_mailboxes (
  extension_id        TEXT    PRIMARY KEY,             -- numeric extension id, as text
  state               TEXT    NOT NULL,                -- idle | syncing | backoff | forbidden | gone | failed
  sync_token          TEXT,                            -- ISync token; NULL until a full sync ended
  full_token          TEXT,                            -- FSync in progress: its first page's token, adopted
                                                       -- with the last page; NULL when none runs
  full_date_from      INTEGER,                         -- FSync in progress: its dateFrom
  full_date_to        INTEGER,                         -- FSync in progress: the walk-back cursor (dateTo);
                                                       -- NULL before the first page
  full_seen           TEXT,                            -- FSync in progress: 'id:creationTime' of the ids
                                                       -- seen at the cursor time, space-separated
  last_full_sync_at   INTEGER,                         -- end of the last full sync
  last_sync_at        INTEGER,                         -- end of the last sync of either kind
  records             INTEGER NOT NULL DEFAULT 0,      -- records stored from this mailbox
  error_code          TEXT,                            -- the last failure, NULL after a success
  error_message       TEXT,
  updated_at          INTEGER NOT NULL
) WITHOUT ROWID;

-- Who syncs this database: one row at most. A holder that has not renewed its
-- heartbeat for a few intervals (or whose process is gone) may be replaced.
CREATE TABLE sync_lease (
  id           INTEGER PRIMARY KEY CHECK (id = 1),
  holder       TEXT    NOT NULL,                       -- 'host pid N'
  acquired_at  INTEGER NOT NULL,                       -- ms since the epoch, UTC
  heartbeat    INTEGER NOT NULL                        -- ms since the epoch, UTC
);

-- The webhook subscription rcvault keeps alive (0004_subscription, SPEC 9).
-- One row per webhook address rcvault subscribed (subscription.address).
CREATE TABLE subscriptions (
  address          TEXT    PRIMARY KEY,               -- subscription.address as configured
  subscription_id  TEXT    NOT NULL,                  -- RingCentral's id (a UUID)
  token_sha256     TEXT    NOT NULL,                  -- hex SHA-256 of the verification token subscribed with
  created_at       INTEGER NOT NULL,                  -- ms since the epoch, UTC
  updated_at       INTEGER NOT NULL
) WITHOUT ROWID;

-- The archive state of each attachment's content (0005_attachment_archive,
-- docs/attachments.md), keyed by (message, attachment id); rows are never
-- deleted, so an archived attachment stays listed when a newer version of the
-- message no longer carries it. Rows of state `skipped` keep no uri.
CREATE TABLE attachment_archive (
  message_id     INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  attachment_id  TEXT    NOT NULL,
  uri            TEXT,                             -- as RingCentral gave it; NULL when skipped
  type           TEXT,                             -- Text, MmsAttachment, AudioRecording, ...
  content_type   TEXT,                             -- as RingCentral declared it
  state          TEXT    NOT NULL,                 -- pending | stored | skipped | gone | forbidden | too_large | failed
  sha256         TEXT,                             -- stored: lower-case hex of the content
  bytes          INTEGER,                          -- stored: content length
  stored_type    TEXT,                             -- stored: Content-Type of the download
  reason         TEXT,                             -- failed / gone / forbidden / too_large: why
  attempts       INTEGER NOT NULL DEFAULT 0,       -- downloads tried
  retry_at       INTEGER NOT NULL DEFAULT 0,       -- pending / failed: not before this (ms since the epoch)
  updated_at     INTEGER NOT NULL,
  PRIMARY KEY (message_id, attachment_id)
) WITHOUT ROWID;
-- The fetcher's walk: what is due, oldest retry time first.
CREATE INDEX attachment_archive_due ON attachment_archive(retry_at, message_id, attachment_id)
  WHERE state IN ('pending', 'failed');
-- Identical content is kept once; `check --attachments` walks the contents.
CREATE INDEX attachment_archive_sha256 ON attachment_archive(sha256) WHERE state = 'stored';

-- zstd dictionaries for events.raw (0006_compressed_raw, docs/storage.md),
-- versioned: a row is never changed, a new dictionary gets the next id.
CREATE TABLE raw_dictionaries (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,   -- the version; 1, 2, ... never reused
  created_at  INTEGER NOT NULL,
  samples     INTEGER NOT NULL,                    -- events it was trained on
  bytes       BLOB    NOT NULL                     -- the zstd dictionary
);

-- Tombstones of erasures (0008_erasure, docs/retention.md): the writer
-- refuses a message whose id is here, or one with a party whose digits'
-- keyed hash is here, or one created before a time of erased_ranges.
CREATE TABLE erased_messages (
  rc_id      TEXT    PRIMARY KEY,                  -- RingCentral's message id
  erased_at  INTEGER NOT NULL                      -- ms since the epoch, UTC
) WITHOUT ROWID;

CREATE TABLE erased_numbers (
  digits_hmac  BLOB    PRIMARY KEY,                -- HMAC-SHA256(key, digits), 32 bytes
  erased_at    INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE erased_ranges (
  created_before  INTEGER PRIMARY KEY,             -- messages created before this (ms) were erased
  erased_at       INTEGER NOT NULL
);

-- The key of those hashes: 32 random bytes made at the first erasure.
CREATE TABLE erasure_key (
  id          INTEGER PRIMARY KEY CHECK (id = 1),
  key         BLOB    NOT NULL,                    -- 32 random bytes
  created_at  INTEGER NOT NULL
);
