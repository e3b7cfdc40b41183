-- rcvault schema, version 3: Message Sync's state per mailbox and the sync lease
-- (docs/sync.md). Written by the writer in the batch that holds a page's last
-- record, so a crash repeats work and never skips it.

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
