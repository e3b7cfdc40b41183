-- rcvault schema, version 5: the archive state of each attachment's content
-- (docs/attachments.md), keyed by (message, attachment id). The writer adds a
-- row for every attachment of every stored message version and never deletes
-- one, so an archived attachment stays listed when a newer version of the
-- message no longer carries it; the fetcher's results update the rows.
--
-- Every SMS carries a Text attachment, so this table grows with the archive:
-- rows of state `skipped` keep no uri, and the zero attempts and retry_at of
-- a new row take no space in the record.
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

-- The attachments already stored: skipped when they have no uri or are the
-- Text of an SMS or Pager message, else pending.
INSERT INTO attachment_archive(message_id, attachment_id, uri, type, content_type, state, updated_at)
SELECT a.message_id, a.id,
       CASE WHEN a.uri IS NULL OR (a.type = 'Text' AND m.type IN ('SMS', 'Pager')) THEN NULL ELSE a.uri END,
       a.type, a.content_type,
       CASE WHEN a.uri IS NULL OR (a.type = 'Text' AND m.type IN ('SMS', 'Pager')) THEN 'skipped' ELSE 'pending' END,
       CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
FROM attachments a JOIN messages m ON m.id = a.message_id
WHERE true
ORDER BY a.message_id, a.position
ON CONFLICT(message_id, attachment_id) DO NOTHING;

INSERT INTO counters(name, value)
SELECT 'attachments.' || state, count(*) FROM attachment_archive WHERE true GROUP BY state
ON CONFLICT(name) DO UPDATE SET value = value + excluded.value;
