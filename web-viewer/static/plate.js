// Plate records (车牌识别, alert type plate), pure (no DOM): how a plate is shown (badge
// colours like a real plate, confidence, type, watch-list hit), the plate search URL of
// GET /api/v1/plates, its time range and paging. Each function that shows text takes the
// translator t(key, fallback) so node --test can drive it with the real dictionaries.

/** Plate background colours of the alert schema. */
export const PLATE_COLORS = ['blue', 'yellow', 'green', 'white', 'black', 'unknown'];
/** Plate formats (GA 36) of the alert schema. */
export const PLATE_KINDS = [
  'ordinary', 'new_energy_small', 'new_energy_large', 'police', 'coach', 'trailer', 'hong_kong', 'macau',
  'embassy', 'consulate', 'military', 'armed_police', 'unknown',
];
/** GA 24.7 plate type codes the gateway sends (type); each has a plate.type.NN text. */
export const PLATE_TYPES = ['01', '02', '03', '04', '15', '16', '23', '26', '27', '31', '32', '51', '52', '99'];
/** Match modes of the plate search. */
export const MATCH_MODES = ['prefix', 'fuzzy', 'contains'];

/**
 * CSS classes of a plate badge: 'plate-badge plate-<color>' (blue with white text,
 * yellow/green/white with black, black with white); anything else is plate-unknown.
 */
export function plateBadgeClass(color) {
  const c = PLATE_COLORS.includes(color) ? color : 'unknown';
  return `plate-badge plate-${c}`;
}

/**
 * The badge text in parts [{text, red}]: the display form (粤D·12345), else the text; a
 * police plate's trailing 警 is red, as printed.
 */
export function plateParts(p) {
  const s = String((p && (p.display || p.text)) || '');
  if (p && p.kind === 'police' && s.length > 1 && s.endsWith('警')) {
    return [{ text: s.slice(0, -1), red: false }, { text: '警', red: true }];
  }
  return [{ text: s || '?', red: false }];
}

/** Confidence 0–1 as "93%"; '' when absent or out of range. */
export function formatConfidence(c) {
  if (typeof c !== 'number' || !Number.isFinite(c) || c < 0 || c > 1) return '';
  return `${Math.round(c * 100)}%`;
}

/** The plate's type in words: the localised type code, else the gateway's type_name, else the kind. */
export function plateTypeText(p, t) {
  if (!p) return '';
  if (PLATE_TYPES.includes(p.type)) return t('plate.type.' + p.type);
  if (p.type_name) return String(p.type_name);
  return PLATE_KINDS.includes(p.kind) ? t('plate.kind.' + p.kind) : '';
}

/** Localised plate colour ('蓝牌'); '' for none. */
export function plateColorText(color, t) {
  return PLATE_COLORS.includes(color) ? t('plate.color.' + color) : '';
}

/**
 * A watch-list hit as display fields {block, mark, name, entry, note, distance}: mark is
 * 布控 for a block list and 白名单 for an allow list; distance is '' for an exact match,
 * else "差 1 字". null when there is no hit.
 */
export function listHitInfo(hit, t) {
  if (!hit || (hit.list !== 'block' && hit.list !== 'allow')) return null;
  const d = Number(hit.distance);
  return {
    block: hit.list === 'block',
    mark: t(hit.list === 'block' ? 'plate.hit.block' : 'plate.hit.allow'),
    name: String(hit.name || ''),
    entry: String(hit.entry || ''),
    note: String(hit.note || ''),
    distance: Number.isInteger(d) && d > 0 ? t('plate.hit.distance').replace('{n}', String(d)) : '',
  };
}

/** One line for a list hit: "布控 · 布控车辆 · 京A6K789 · 盗抢"; '' without a hit. */
export function listHitText(hit, t) {
  const h = listHitInfo(hit, t);
  return h ? [h.mark, h.name, h.entry, h.note, h.distance].filter(Boolean).join(' · ') : '';
}

/** A short plate line for lists of alerts: "粤D·12345 小型汽车 93%"; '' when a has no plate. */
export function plateSummary(a, t) {
  const p = a && a.plate;
  if (!p) return '';
  return [p.display || p.text, plateTypeText(p, t), formatConfidence(p.confidence)].filter(Boolean).join(' ');
}

/**
 * A normalised box {x, y, w, h} from {x, y, w, h} or [x1, y1, x2, y2], clipped to the
 * picture (0–1); null when absent, empty, or in pixels rather than normalised.
 */
export function normBox(b) {
  let v = null;
  if (Array.isArray(b) && b.length === 4) v = [b[0], b[1], b[2], b[3]];
  else if (b && typeof b === 'object') v = [b.x, b.y, b.x + b.w, b.y + b.h];
  if (!v || !v.every((n) => typeof n === 'number' && Number.isFinite(n)) || v.some((n) => n < -0.5 || n > 1.5)) return null;
  const [x1, y1, x2, y2] = v.map((n) => Math.min(1, Math.max(0, n)));
  return x2 > x1 && y2 > y1 ? { x: x1, y: y1, w: x2 - x1, h: y2 - y1 } : null;
}

// ---- search -------------------------------------------------------------------------------

/**
 * The search text as the gateway stores plates: separators (· . - and spaces) removed,
 * Latin letters upper-case (粤d·123 → 粤D123).
 */
export function normalizeQueryText(s) {
  return String(s || '').replace(/[\s·.\-•・]/g, '').toUpperCase();
}

function pad2(n) { return String(n).padStart(2, '0'); }

/** A Date as the value of an <input type="datetime-local"> in local time ("2026-01-02T08:05"). */
export function toLocalInput(d) {
  if (!(d instanceof Date) || Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}T${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
}

/** A datetime-local value (local time) as RFC 3339 in UTC; '' when empty or invalid. */
export function localInputToRFC3339(v) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(String(v || '').trim());
  if (!m) return '';
  const d = new Date(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] || 0));
  return Number.isNaN(d.getTime()) ? '' : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The default time range, the last 24 hours up to now, as datetime-local values {from, to}. */
export function lastDayRange(now = new Date()) {
  return { from: toLocalInput(new Date(now.getTime() - 24 * 3600 * 1000)), to: toLocalInput(now) };
}

/**
 * Local checks of a search form {text, match, from, to} as field errors [{field, key}]
 * (key: an i18n key): fuzzy and contains need a text, from must come before to.
 */
export function searchProblems(f) {
  const errs = [];
  if (!MATCH_MODES.includes(f.match || 'prefix')) errs.push({ field: 'match', key: 'plates.err.match' });
  if ((f.match === 'fuzzy' || f.match === 'contains') && !normalizeQueryText(f.text)) errs.push({ field: 'text', key: 'plates.err.textRequired' });
  for (const k of ['from', 'to']) {
    if (f[k] && !localInputToRFC3339(f[k])) errs.push({ field: k, key: 'plates.err.time' });
  }
  const from = localInputToRFC3339(f.from), to = localInputToRFC3339(f.to);
  if (from && to && from >= to) errs.push({ field: 'to', key: 'plates.err.range' });
  return errs;
}

/**
 * The GET /api/v1/plates URL for a search form {text, match, maxDist, cameras, colors,
 * from, to} (from/to as datetime-local values), a page cursor and a page size. Empty
 * filters are left out; lists are comma-joined.
 */
export function platesURL(f, before = '', limit = 50) {
  const q = new URLSearchParams();
  const text = normalizeQueryText(f.text);
  if (text) q.set('text', text);
  if (f.match && f.match !== 'prefix' && MATCH_MODES.includes(f.match)) q.set('match', f.match);
  if (f.match === 'fuzzy' && f.maxDist !== '' && f.maxDist !== undefined && f.maxDist !== null) q.set('max_dist', String(f.maxDist));
  if (f.cameras && f.cameras.length) q.set('camera', f.cameras.join(','));
  const colors = (f.colors || []).filter((c) => PLATE_COLORS.includes(c));
  if (colors.length) q.set('color', colors.join(','));
  const from = localInputToRFC3339(f.from), to = localInputToRFC3339(f.to);
  if (from) q.set('from', from);
  if (to) q.set('to', to);
  q.set('limit', String(limit));
  if (before) q.set('before', before);
  return '/api/v1/plates?' + q.toString().replaceAll('%2C', ',');
}

/**
 * Appends a page {plates, next, truncated} to rows (records already held are skipped).
 * Returns {rows, next, truncated}.
 */
export function appendPlates(rows, page) {
  const seen = new Set(rows.map((r) => r.event_id));
  const add = ((page && Array.isArray(page.plates)) ? page.plates : []).filter((r) => r && r.event_id && !seen.has(r.event_id));
  return { rows: rows.concat(add), next: (page && page.next) || '', truncated: !!(page && page.truncated) };
}
