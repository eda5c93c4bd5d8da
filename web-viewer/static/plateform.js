// The plate rule's form logic (rule type plate, 车牌识别), pure (no DOM): watch-list
// entries as textarea text (one plate per line, an optional note after a space or tab),
// the plate fields of the form and of the rule JSON, the checks the browser can do, and
// how an entry's error path (lists[0].entries[3].text) becomes a line of its textarea.
//
// The rules API returns entries without a note as bare strings (the YAML form) and the
// others as {text, note}; both are read. Entries are sent as {text} or {text, note}.

/** Vehicle classes a plate rule may search plates in (none: the whole region). */
export const PLATE_CLASSES = ['car', 'bus', 'truck', 'motorcycle', 'object'];
/** Watch-list kinds, block (布控) first. */
export const LIST_KINDS = ['block', 'allow'];
/** Edit distances a list match may allow (0: exact). */
export const LIST_DISTANCES = [0, 1, 2, 3];

// The gateway's bounds (rules/plate.go).
const MIN_HEIGHT = 8, MAX_HEIGHT = 1000, MAX_ENTRIES = 20000, MAX_ENTRY_RUNES = 16, MAX_NOTE_BYTES = 256;

/** The text of an entry given as a string or {text, note}. */
export function entryText(e) {
  return typeof e === 'string' ? e : String((e && e.text) || '');
}

/**
 * Reads a list's textarea: one plate per line, an optional note after the first space or
 * tab; blank lines are skipped. Returns {entries: [{text, note?}], lines: [1-based line
 * of each entry]}.
 */
export function parseEntries(text) {
  const entries = [], lines = [];
  String(text || '').split(/\r\n|\r|\n/).forEach((raw, i) => {
    const s = raw.trim();
    if (!s) return;
    const m = /^(\S+)(?:\s+([\s\S]*))?$/.exec(s);
    const note = m[2] ? m[2].trim() : '';
    entries.push(note ? { text: m[1], note } : { text: m[1] });
    lines.push(i + 1);
  });
  return { entries, lines };
}

/** Writes entries (strings or {text, note}) as textarea text, one per line. */
export function formatEntries(entries) {
  return (Array.isArray(entries) ? entries : []).map((e) => {
    const note = typeof e === 'object' && e && e.note ? ` ${e.note}` : '';
    return entryText(e) + note;
  }).filter((s) => s.trim()).join('\n');
}

/**
 * The plate values the form shows for rule: {min_plate_height, dedupe_window,
 * list_distance, lists: [{kind, name, entries (textarea text)}]}, as inputs hold them.
 */
export function plateValues(rule) {
  const r = rule || {};
  const str = (v) => (v === undefined || v === null ? '' : String(v));
  return {
    min_plate_height: r.min_plate_height ? str(r.min_plate_height) : '',
    dedupe_window: str(r.dedupe_window),
    list_distance: String(LIST_DISTANCES.includes(r.list_distance) ? r.list_distance : 0),
    lists: Array.isArray(r.lists) ? r.lists.map((l) => ({
      kind: LIST_KINDS.includes(l && l.kind) ? l.kind : 'block',
      name: str(l && l.name),
      entries: formatEntries(l && l.entries),
    })) : [],
  };
}

/**
 * The plate fields of the rule JSON for form values v: classes (vehicle classes only),
 * min_plate_height, dedupe_window, list_distance (when not 0) and lists, each left out when
 * empty. Every list row is sent, so lists[i] of an error is row i of the form.
 */
export function plateFields(v) {
  const out = {};
  const classes = PLATE_CLASSES.filter((c) => (v.classes || []).includes(c));
  if (classes.length) out.classes = classes;
  const h = String(v.min_plate_height || '').trim();
  if (h) out.min_plate_height = Number(h);
  const dw = String(v.dedupe_window || '').trim();
  if (dw) out.dedupe_window = dw;
  const dist = Number(String(v.list_distance || '').trim() || 0);
  if (dist !== 0) out.list_distance = dist;
  if (v.lists && v.lists.length) {
    out.lists = v.lists.map((l) => {
      const list = { kind: LIST_KINDS.includes(l.kind) ? l.kind : 'block' };
      const name = String(l.name || '').trim();
      if (name) list.name = name;
      list.entries = parseEntries(l.entries).entries;
      return list;
    });
  }
  return out;
}

function utf8Bytes(s) {
  return new TextEncoder().encode(s).length;
}

/**
 * Problems of a plate rule the browser can see, as API-style field errors [{field, key,
 * params}] with the gateway's paths: min_plate_height (0 or 8–1000), list_distance (0–3),
 * entries too long (lists[i].entries[j].text / .note), too many entries (lists).
 */
export function plateLocalErrors(rule) {
  const errs = [];
  const add = (field, key, params = {}) => errs.push({ field, key, params });
  const h = rule.min_plate_height;
  if (h !== undefined && !(Number.isInteger(h) && (h === 0 || (h >= MIN_HEIGHT && h <= MAX_HEIGHT)))) {
    add('min_plate_height', 'plate.err.height');
  }
  if (rule.list_distance !== undefined && !LIST_DISTANCES.includes(rule.list_distance)) add('list_distance', 'plate.err.distance');
  let total = 0;
  (rule.lists || []).forEach((l, i) => {
    total += (l.entries || []).length;
    (l.entries || []).forEach((e, j) => {
      if ([...entryText(e)].length > MAX_ENTRY_RUNES) add(`lists[${i}].entries[${j}].text`, 'plate.err.entryLong');
      else if (e && e.note && utf8Bytes(e.note) > MAX_NOTE_BYTES) add(`lists[${i}].entries[${j}].note`, 'plate.err.noteLong');
    });
  });
  if (total > MAX_ENTRIES) add('lists', 'plate.err.tooMany', { n: MAX_ENTRIES });
  return errs;
}

const ENTRY_PATH_RE = /^(?:rules\[\d+\]\.)?lists\[(\d+)\]\.entries\[(\d+)\](?:\.\w+)?$/;

/**
 * Rewrites field errors about one entry (lists[i].entries[j], .text, .note) onto the
 * list's textarea (lists[i].entries) with the entry's line in front of the message:
 * lineLabel(n) gives that prefix ("第 3 行："). lists are the form's list rows, whose
 * entries text the line numbers come from. Other errors pass unchanged.
 */
export function relabelEntryErrors(errors, lists, lineLabel) {
  return (errors || []).map((e) => {
    const m = e && ENTRY_PATH_RE.exec(String(e.field || ''));
    if (!m) return e;
    const i = Number(m[1]), j = Number(m[2]);
    const row = lists && lists[i];
    const line = row ? parseEntries(row.entries).lines[j] : undefined;
    return { field: `lists[${i}].entries`, message: (line ? lineLabel(line) : '') + String(e.message || '') };
  });
}
