-- 0002_alerts: alerts published by the gateway and their handling workflow.

CREATE TABLE alerts (
    event_id      TEXT PRIMARY KEY,
    camera        TEXT NOT NULL,
    grid          TEXT NOT NULL DEFAULT '',
    rule_id       TEXT NOT NULL DEFAULT '',
    type          TEXT NOT NULL DEFAULT '',
    priority      INTEGER NOT NULL DEFAULT 0,
    state         TEXT NOT NULL DEFAULT 'new',
    assigned_grid TEXT NOT NULL DEFAULT '',
    raised_at     TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    deadline      TEXT,
    closed_at     TEXT,
    last_action   TEXT NOT NULL DEFAULT '',
    last_frame_at TEXT NOT NULL,
    doc           TEXT NOT NULL
);
CREATE INDEX alerts_raised ON alerts (raised_at, event_id);
CREATE INDEX alerts_state_raised ON alerts (state, raised_at);
CREATE INDEX alerts_deadline ON alerts (deadline) WHERE deadline IS NOT NULL;

CREATE TABLE alert_transitions (
    event_id   TEXT NOT NULL REFERENCES alerts (event_id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    from_state TEXT NOT NULL,
    to_state   TEXT NOT NULL,
    actor      TEXT NOT NULL,
    at         TEXT NOT NULL,
    comment    TEXT NOT NULL DEFAULT '',
    grid       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (event_id, seq)
);

CREATE TABLE alert_attachments (
    event_id     TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    data         BLOB NOT NULL,
    PRIMARY KEY (event_id, seq),
    FOREIGN KEY (event_id, seq) REFERENCES alert_transitions (event_id, seq) ON DELETE CASCADE
);
