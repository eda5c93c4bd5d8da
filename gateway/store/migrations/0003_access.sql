-- 0003_access: users and login sessions.

CREATE TABLE users (
    name          TEXT PRIMARY KEY,
    role          TEXT NOT NULL,
    grid          TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL DEFAULT '',
    source        TEXT NOT NULL CHECK (source IN ('config', 'api')),
    updated_at    TEXT NOT NULL
);

-- sessions end with their user: deleting a user deletes its sessions.
CREATE TABLE sessions (
    hash     TEXT PRIMARY KEY,
    username TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE ON UPDATE CASCADE,
    created  TEXT NOT NULL,
    expires  TEXT NOT NULL
);
CREATE INDEX sessions_username ON sessions (username);
CREATE INDEX sessions_expires ON sessions (expires);
