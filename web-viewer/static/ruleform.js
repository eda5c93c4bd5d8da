// The rule editor's form logic, pure (no DOM): the rule JSON built from the form's values
// and the drawn shape, the values a rule puts back into the form, a few checks done before
// the gateway sees the rule, and where a field error from the API is shown.
//
// Rule JSON = the YAML keys of rules/README.md. Fields a type does not use are left out,
// because the gateway rejects them (a direction on an intrusion, min_count on a tripwire).
// The plate type's own fields (lists, min_plate_height …) live in plateform.js.

import { plateFields, plateLocalErrors, plateValues } from './plateform.js';

/** Rule types in the order the type selector shows them. */
export const RULE_TYPES = ['intrusion', 'tripwire', 'loitering', 'crowd_dwell', 'plate'];
/** Object classes the detectors produce. */
export const CLASSES = ['person', 'car', 'bicycle', 'motorcycle', 'bus', 'truck', 'object'];
/** Schedule weekdays, Monday first (the Chinese week). */
export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
/** Tripwire directions. */
export const DIRECTIONS = ['both', 'a_to_b', 'b_to_a'];

/**
 * The drawing tools a rule type can use; the first is the default. A plate rule has both
 * an optional capture region (polygon) and an optional trigger line (line).
 */
export function toolsFor(type) {
  if (type === 'tripwire') return ['line', 'polyline'];
  return type === 'plate' ? ['polygon', 'line'] : ['polygon'];
}

/** The rule's geometry field for a tool: line, polyline or polygon. */
export function geometryField(tool) {
  return tool === 'line' ? 'line' : tool === 'polyline' ? 'polyline' : 'polygon';
}

/** The tool and points of a rule's geometry: {tool, points} (a plate rule's region first). */
export function geometryOf(rule) {
  if (rule && rule.type === 'plate' && Array.isArray(rule.polygon) && rule.polygon.length) return { tool: 'polygon', points: rule.polygon };
  if (rule && Array.isArray(rule.polyline) && rule.polyline.length) return { tool: 'polyline', points: rule.polyline };
  if (rule && Array.isArray(rule.line) && rule.line.length) return { tool: 'line', points: rule.line };
  if (rule && Array.isArray(rule.polygon) && rule.polygon.length) return { tool: 'polygon', points: rule.polygon };
  return { tool: toolsFor(rule && rule.type)[0], points: [] };
}

const DURATION_RE = /^(?:0|(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+)$/;

/** Whether s is a Go duration as the rules accept it ("5s", "1m30s", "500ms", "0"). */
export function isDuration(s) {
  return DURATION_RE.test(String(s).trim());
}

const TIME_RE = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;

/** Whether s is a schedule time "HH:MM" (00:00–24:00). */
export function isClock(s) {
  return TIME_RE.test(String(s).trim());
}

/**
 * The values the form shows for rule (a new rule when null): {id, name, type, direction,
 * classes, min_duration, cooldown, priority, enabled, min_count, clear_count,
 * clear_duration, schedule: [{days, from, to}]} and the plate values (plateform.plateValues);
 * numbers as strings, as inputs hold them.
 */
export function formValues(rule) {
  const r = rule || {};
  const str = (v) => (v === undefined || v === null ? '' : String(v));
  return {
    id: str(r.id),
    name: str(r.name),
    type: RULE_TYPES.includes(r.type) ? r.type : 'intrusion',
    direction: DIRECTIONS.includes(r.direction) ? r.direction : 'both',
    classes: Array.isArray(r.classes) ? r.classes.slice() : (rule ? [] : ['person']),
    min_duration: str(r.min_duration),
    cooldown: str(r.cooldown),
    priority: str(r.priority || 3),
    enabled: r.enabled !== false,
    min_count: str(r.min_count || ''),
    clear_count: str(r.clear_count || ''),
    clear_duration: str(r.clear_duration),
    schedule: Array.isArray(r.schedule)
      ? r.schedule.map((w) => ({ days: Array.isArray(w.days) ? w.days.slice() : [], from: str(w.from), to: str(w.to) }))
      : [],
    ...plateValues(r),
  };
}

/**
 * The rule JSON for form values v, camera, and the drawn shape {tool, points} (a plate
 * rule: {polygon, line}, each optional). Only the fields v.type uses are set; empty
 * optional fields are left out (the gateway's defaults apply).
 */
export function buildRule(v, camera, shape) {
  if (v.type === 'plate') return buildPlateRule(v, camera, shape);
  const rule = { camera, type: v.type };
  const id = String(v.id || '').trim();
  if (id) rule.id = id;
  rule.name = String(v.name || '').trim();
  rule.enabled = !!v.enabled;
  const prio = Number(v.priority);
  if (Number.isInteger(prio) && prio >= 1 && prio <= 4) rule.priority = prio;
  if (v.classes && v.classes.length) rule.classes = CLASSES.filter((c) => v.classes.includes(c));
  const dur = (k) => { const s = String(v[k] || '').trim(); if (s) rule[k] = s; };
  const int = (k) => { const s = String(v[k] || '').trim(); if (s) rule[k] = Number(s); };
  dur('cooldown');
  if (v.type === 'tripwire') {
    rule.direction = DIRECTIONS.includes(v.direction) ? v.direction : 'both';
  } else {
    dur('min_duration');
  }
  if (v.type === 'crowd_dwell') {
    int('min_count');
    int('clear_count');
    dur('clear_duration');
  }
  const windows = (v.schedule || []).filter((w) => (w.from || w.to || (w.days && w.days.length)));
  if (windows.length) {
    rule.schedule = windows.map((w) => {
      const out = {};
      if (w.days && w.days.length) out.days = DAYS.filter((d) => w.days.includes(d));
      out.from = String(w.from || '').trim();
      out.to = String(w.to || '').trim();
      return out;
    });
  }
  if (shape && shape.points && shape.points.length) {
    const field = v.type === 'tripwire' ? geometryField(shape.tool === 'polygon' ? 'line' : shape.tool) : 'polygon';
    rule[field] = shape.points.map((p) => [p[0], p[1]]);
  }
  return rule;
}

// buildPlateRule: the common fields, the plate fields, the capture region and the trigger
// line (with its direction; a direction without a line is left out). No cooldown: the
// dedupe window does that job.
function buildPlateRule(v, camera, shape) {
  const rule = buildRule({ ...v, type: 'intrusion', classes: [], cooldown: '', min_duration: '' }, camera, null);
  rule.type = 'plate';
  Object.assign(rule, plateFields(v));
  const s = shape || {};
  const polygon = s.polygon || (s.tool === 'polygon' ? s.points : null) || [];
  const line = s.line || (s.tool === 'line' ? s.points : null) || [];
  if (polygon.length) rule.polygon = polygon.map((p) => [p[0], p[1]]);
  if (line.length) {
    rule.line = line.map((p) => [p[0], p[1]]);
    rule.direction = DIRECTIONS.includes(v.direction) ? v.direction : 'both';
  }
  return rule;
}

/**
 * Problems the browser can see before asking the gateway, as API-style field errors
 * [{field, key, params}] (key: an i18n key). The gateway checks everything again.
 */
export function localErrors(rule, isNew) {
  const errs = [];
  const add = (field, key, params = {}) => errs.push({ field, key, params });
  if (isNew && rule.id && !RULE_ID_RE.test(rule.id)) add('id', 'rules.err.idFormat');
  for (const k of ['cooldown', 'min_duration', 'clear_duration', 'dedupe_window']) {
    if (rule[k] !== undefined && !isDuration(rule[k])) add(k, 'rules.err.duration');
  }
  if (rule.type === 'loitering' && !rule.min_duration) add('min_duration', 'rules.err.required');
  if (rule.type === 'crowd_dwell') {
    if (!(Number.isInteger(rule.min_count) && rule.min_count >= 1)) add('min_count', 'rules.err.minCount');
    if (rule.clear_count !== undefined && !(Number.isInteger(rule.clear_count) && rule.clear_count >= 1 &&
      (!rule.min_count || rule.clear_count <= rule.min_count))) add('clear_count', 'rules.err.clearCount');
  }
  if (rule.type === 'plate') errs.push(...plateLocalErrors(rule));
  (rule.schedule || []).forEach((w, i) => {
    if (!isClock(w.from)) add(`schedule[${i}].from`, 'rules.err.clock');
    if (!isClock(w.to) || w.to === '00:00') add(`schedule[${i}].to`, 'rules.err.clock');
    else if (w.from === w.to) add(`schedule[${i}].to`, 'rules.err.emptyWindow');
  });
  return errs;
}

const GEOMETRY_FIELDS = ['line', 'polyline', 'polygon'];
// Rule ids the gateway accepts: 1–64 letters, digits, '.', '_' or '-'.
const RULE_ID_RE = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Where a field error is shown. field is the API's YAML path ("polygon[2]",
 * "schedule[0].from", "rules[0].min_count" …); known is the set of field names that have
 * an error element. Geometry paths go to 'geometry' (under the canvas); other paths are
 * shortened from the right ("schedule[0].days[1]" → "schedule[0].days" → "schedule[0]" →
 * "schedule") until one is known; anything else goes to 'form' (the form's general error).
 */
export function errorTarget(field, known) {
  let f = String(field || '').trim().replace(/^rules\[\d+\]\./, '').replace(/^rule\./, '');
  const root = f.split(/[.[]/)[0];
  if (GEOMETRY_FIELDS.includes(root)) return 'geometry';
  while (f) {
    if (known.has(f)) return f;
    const cut = Math.max(f.lastIndexOf('.'), f.lastIndexOf('['));
    if (cut <= 0) break;
    f = f.slice(0, cut);
  }
  return 'form';
}

/** Groups field errors [{field, message}] by target (errorTarget): Map target → [message]. */
export function groupErrors(errors, known) {
  const out = new Map();
  for (const e of errors || []) {
    if (!e) continue;
    const target = errorTarget(e.field, known);
    const msg = String(e.message || '');
    const list = out.get(target) || [];
    // Keep the path in the text where the target is coarser than the field (polygon[2]).
    const f = String(e.field || '');
    list.push(f && f !== target ? `${f}: ${msg}` : msg);
    out.set(target, list);
  }
  return out;
}
