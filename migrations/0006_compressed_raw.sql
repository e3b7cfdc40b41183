-- rcvault schema, version 6: raw payloads compressed with zstd dictionaries.
--
-- events.raw keeps the bytes as received while raw_dict is NULL; otherwise it
-- holds a zstd frame made with the dictionary raw_dictionaries.id = raw_dict
-- (0: zstd without a dictionary). Dictionaries are versioned and never
-- changed once written: a new one gets a new id, and rows made with an older
-- one stay readable as long as it is kept (docs/storage.md).
-- Only adds: existing rows keep their plain raw bytes (raw_dict NULL).

ALTER TABLE events ADD COLUMN raw_dict INTEGER;

CREATE TABLE raw_dictionaries (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,   -- the version; 1, 2, ... never reused
  created_at  INTEGER NOT NULL,
  samples     INTEGER NOT NULL,                    -- events it was trained on
  bytes       BLOB    NOT NULL                     -- the zstd dictionary
);
