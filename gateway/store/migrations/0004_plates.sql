-- 0004_plates: plate records, one per vehicle pass at a checkpoint camera (issue 5).
-- event_id is the plate alert's event id; inserting it twice keeps the first row.
-- text is the normalised plate (粤D12345), display the printed form (粤D·12345).
-- color and kind are the analytics/plate names, type_code the GA 24.7 code ('02').
-- char_confidences, plate_box and vehicle_box are JSON text or NULL.
-- list_* describe a watch-list hit and are NULL when the plate hit no list.

CREATE TABLE plates (
    event_id         TEXT PRIMARY KEY,
    camera           TEXT NOT NULL,
    grid             TEXT NOT NULL DEFAULT '',
    rule_id          TEXT NOT NULL DEFAULT '',
    text             TEXT NOT NULL,
    display          TEXT NOT NULL,
    color            TEXT NOT NULL DEFAULT 'unknown',
    kind             TEXT NOT NULL DEFAULT 'unknown',
    type_code        TEXT NOT NULL DEFAULT '99',
    confidence       REAL NOT NULL DEFAULT 0,
    char_confidences TEXT,
    pass_time        TEXT NOT NULL,
    plate_box        TEXT,
    vehicle_box      TEXT,
    crop_url         TEXT NOT NULL DEFAULT '',
    snapshot_url     TEXT NOT NULL DEFAULT '',
    list_kind        TEXT CHECK (list_kind IN ('allow', 'block')),
    list_entry       TEXT,
    list_note        TEXT,
    list_distance    INTEGER,
    created_at       TEXT NOT NULL
);
-- Newest-first pages over all cameras, and retention by pass time.
CREATE INDEX plates_pass ON plates (pass_time, event_id);
-- Newest-first pages over some cameras.
CREATE INDEX plates_camera_pass ON plates (camera, pass_time, event_id);
-- Prefix search (text >= ? AND text < ?, binary order) and one plate's history.
CREATE INDEX plates_text ON plates (text, pass_time);
