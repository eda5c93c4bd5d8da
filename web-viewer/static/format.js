// Formatting helpers for alerts, times and the wall layout. Pure functions, no DOM: each
// takes the translator t(key) so node --test can drive them with the real dictionaries.

import { listHitText, plateSummary } from './plate.js';

const TYPES = ['tripwire', 'intrusion', 'loitering', 'crowd_dwell', 'plate'];
const ACTIONS = ['start', 'update', 'end', 'pulse'];
const DIRECTIONS = ['a_to_b', 'b_to_a'];

/** Localised alert type (tripwire → 越线/绊线); unknown types are shown as sent. */
export function typeLabel(type, t) {
  return TYPES.includes(type) ? t('type.' + type) : String(type || '');
}

/** Localised alert action (start → 开始). */
export function actionLabel(action, t) {
  return ACTIONS.includes(action) ? t('action.' + action) : String(action || '');
}

/** Localised tripwire direction, '' when absent. */
export function directionLabel(direction, t) {
  return DIRECTIONS.includes(direction) ? t('direction.' + direction) : '';
}

function pad2(n) { return String(n).padStart(2, '0'); }

/**
 * Local time of an RFC 3339 timestamp: "HH:MM:SS" when it falls on the same local day as
 * now, else "YYYY-MM-DD HH:MM:SS". Returns '' for missing or invalid input.
 */
export function formatLocalTime(iso, now = new Date()) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const hms = `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
  const sameDay = d.getFullYear() === now.getFullYear() && d.getMonth() === now.getMonth() && d.getDate() === now.getDate();
  return sameDay ? hms : `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${hms}`;
}

/** Header clock text: "YYYY-MM-DD HH:MM:SS" in local time. */
export function formatClock(d) {
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** Duration in ms as "1:05" / "1:02:03"; '' when absent. */
export function formatDuration(ms) {
  if (ms == null || !Number.isFinite(ms) || ms < 0) return '';
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  return h > 0 ? `${h}:${pad2(m)}:${pad2(sec)}` : `${m}:${pad2(sec)}`;
}

/**
 * The display fields of one alert message: { title, type, action, time, camera, grid,
 * rule, direction, duration, count, objects, plate, listHit }, all strings, localised with t
 * (count: crowd_dwell's current and peak count, '' for other types; plate: "粤D·12345 小型汽车
 * 93%" and listHit: "布控 · 布控车辆 · 京A6K789 · 盗抢" for plate alerts, else '').
 */
export function describeAlert(a, t, now = new Date()) {
  const type = typeLabel(a.type, t), action = actionLabel(a.action, t);
  const objects = (a.objects || []).map((o) => t('class.' + o.class, o.class)).join('、');
  return {
    title: `${type} · ${action}`,
    type,
    action,
    time: formatLocalTime(a.frame_time, now),
    camera: (a.camera && (a.camera.name || a.camera.id)) || '',
    grid: (a.grid && (a.grid.name || a.grid.code)) || '',
    rule: (a.rule && (a.rule.name || a.rule.id)) || '',
    direction: directionLabel(a.direction, t),
    duration: formatDuration(a.duration_ms),
    count: Number.isInteger(a.count) ? t('alerts.count', '{n}').replace('{n}', String(a.count)) +
      (Number.isInteger(a.peak_count) && a.peak_count > a.count ? ` (${t('alerts.peak', '{n}').replace('{n}', String(a.peak_count))})` : '') : '',
    objects,
    plate: plateSummary(a, t),
    listHit: listHitText(a.list_hit, t),
  };
}

/** Tiles per wall page for n cameras: 1, 4, 9 or 16. */
export function wallLayout(n) {
  if (n <= 1) return 1;
  if (n <= 4) return 4;
  if (n <= 9) return 9;
  return 16;
}

/** Camera ids on page p (0-based, wrapped) of a wall with perPage tiles; pages ≥ 1. */
export function wallPage(ids, perPage, p) {
  const pages = Math.max(1, Math.ceil(ids.length / perPage));
  const page = ((p % pages) + pages) % pages;
  return { page, pages, ids: ids.slice(page * perPage, (page + 1) * perPage) };
}

/** The SSE URL for the alert feed with optional grid and type filters. */
export function eventsURL(grid, types, replay = 50) {
  const q = new URLSearchParams({ replay: String(replay) });
  if (grid) q.set('grid', grid);
  if (types && types.length && types.length < TYPES.length) q.set('type', types.join(','));
  return '/api/v1/events/stream?' + q.toString().replaceAll('%2C', ',');
}

/** The WHEP endpoint of a camera for a stream ("main" or "sub"). */
export function whepURL(cameraId, stream) {
  return `/api/v1/cameras/${encodeURIComponent(cameraId)}/whep?stream=${stream === 'main' ? 'main' : 'sub'}`;
}
