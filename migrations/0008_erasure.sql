-- rcvault schema, version 8: tombstones of erasures (docs/retention.md).
--
-- `rcvault erase` records what it erased so that nothing brings it back: the
-- writer refuses (acknowledges without storing) a message whose RingCentral
-- id is in erased_messages, or one with a party whose number's digits have
-- their keyed hash in erased_numbers, or one created before a time
-- in erased_ranges (`erase --before`). The key is random, made at the first
-- erasure and kept in erasure_key: the hashes cannot be reversed without the
-- database, but anyone holding the database can test a guessed number.
-- Only adds tables.

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

CREATE TABLE erasure_key (
  id          INTEGER PRIMARY KEY CHECK (id = 1),
  key         BLOB    NOT NULL,                    -- 32 random bytes
  created_at  INTEGER NOT NULL
);
