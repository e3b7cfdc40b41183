-- rcvault schema, version 4: the webhook subscription rcvault keeps alive
-- (SPEC 9). RingCentral never echoes the verification token, so the hash of
-- the one subscribed with is kept here: a changed token means a new subscription.

-- One row per webhook address rcvault subscribed (subscription.address).
CREATE TABLE subscriptions (
  address          TEXT    PRIMARY KEY,               -- subscription.address as configured
  subscription_id  TEXT    NOT NULL,                  -- RingCentral's id (a UUID)
  token_sha256     TEXT    NOT NULL,                  -- hex SHA-256 of the verification token subscribed with
  created_at       INTEGER NOT NULL,                  -- ms since the epoch, UTC
  updated_at       INTEGER NOT NULL
) WITHOUT ROWID;
