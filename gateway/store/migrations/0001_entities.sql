-- 0001_entities: grids, cameras, versioned rules and the audit log.
-- Times are UTC text in the fixed-width form 2006-01-02T15:04:05.000000000Z,
-- so text order is time order. Documents are JSON text produced by the gateway.

-- store_meta holds small facts about the database itself, e.g. 'populated'
-- once any grid, camera or rule has ever been written.
CREATE TABLE store_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE grids (
    code       TEXT PRIMARY KEY,
    parent     TEXT NOT NULL DEFAULT '',
    doc        TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX grids_parent ON grids (parent);

CREATE TABLE cameras (
    id         TEXT PRIMARY KEY,
    grid       TEXT NOT NULL DEFAULT '',
    doc        TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX cameras_grid ON cameras (grid);

-- rules holds the newest version of every rule id ever created; a deleted
-- rule keeps its row with deleted = 1 so its version numbering continues.
CREATE TABLE rules (
    id         TEXT PRIMARY KEY,
    camera     TEXT NOT NULL,
    doc        TEXT NOT NULL,
    version    INTEGER NOT NULL,
    deleted    INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX rules_camera ON rules (camera, id);

CREATE TABLE rule_versions (
    rule_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    op      TEXT NOT NULL CHECK (op IN ('create', 'update', 'delete', 'rollback')),
    camera  TEXT NOT NULL,
    doc     TEXT NOT NULL,
    actor   TEXT NOT NULL,
    at      TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (rule_id, version)
);

-- audit is the audit log of every change and access.
CREATE TABLE audit (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    at     TEXT NOT NULL,
    actor  TEXT NOT NULL DEFAULT '',
    role   TEXT NOT NULL DEFAULT '',
    action TEXT NOT NULL,
    target TEXT NOT NULL DEFAULT '',
    grid   TEXT NOT NULL DEFAULT '',
    detail TEXT,
    remote TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_at ON audit (at, id);
