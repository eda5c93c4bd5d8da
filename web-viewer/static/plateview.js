// DOM pieces for plate records, shared by the live feed, the alert queue, the focused view
// and the plate search: the plate badge (coloured like the real plate), the plate crop,
// the watch-list mark (red 布控 for a block list) and boxes drawn over a scene snapshot.

import { t } from './i18n.js';
import {
  formatConfidence, listHitInfo, normBox, plateBadgeClass, plateColorText, plateParts, plateTypeText,
} from './plate.js';

/** A plate badge <span class="plate-badge plate-COLOR"> showing the display text (粤D·12345). */
export function plateBadge(p) {
  const s = document.createElement('span');
  s.className = plateBadgeClass(p && p.color);
  s.dataset.color = (p && p.color) || 'unknown';
  for (const part of plateParts(p)) {
    if (part.red) s.append(span('plate-red', part.text));
    else s.append(part.text);
  }
  const title = [plateColorText(p && p.color, t), p && p.kind ? t('plate.kind.' + p.kind, p.kind) : ''].filter(Boolean).join(' · ');
  if (title) s.title = title;
  return s;
}

/** The plate crop <img class="plate-crop">, or null without a URL. */
export function plateCrop(url) {
  if (!url) return null;
  const img = document.createElement('img');
  img.className = 'plate-crop';
  img.loading = 'lazy';
  img.decoding = 'async';
  img.alt = t('plate.crop');
  img.src = url;
  return img;
}

/** The watch-list mark: red 布控 + list name, entry and note for a block hit; null without a hit. */
export function listHitMark(hit) {
  const h = listHitInfo(hit, t);
  if (!h) return null;
  const el = document.createElement('div');
  el.className = `list-hit ${h.block ? 'hit-block' : 'hit-allow'}`;
  el.dataset.list = hit.list;
  el.append(span('hit-mark', h.mark));
  const rest = [h.name, h.entry, h.note, h.distance].filter(Boolean).join(' · ');
  if (rest) el.append(span('hit-text', rest));
  return el;
}

/**
 * The plate block of a plate alert: badge, crop, type, confidence (and 格式存疑 for an
 * invalid read), then the list mark. p is the alert's plate, hit its list_hit.
 */
export function plateInfo(p, hit, { crop = true } = {}) {
  const box = document.createElement('div');
  box.className = 'plate-info';
  const row = document.createElement('div');
  row.className = 'plate-row';
  row.append(plateBadge(p));
  const img = crop ? plateCrop(p && p.crop_url) : null;
  if (img) row.append(img);
  const meta = [plateTypeText(p, t), formatConfidence(p && p.confidence)].filter(Boolean).join(' · ');
  if (meta) row.append(span('plate-meta', meta));
  if (p && p.valid === false) row.append(span('plate-invalid', t('plate.invalid')));
  box.append(row);
  const mark = listHitMark(hit);
  if (mark) box.append(mark);
  return box;
}

/**
 * Draws boxes over a snapshot: layer is the absolutely placed element over the picture,
 * boxes [{box, cls, label}] with box {x, y, w, h} or [x1, y1, x2, y2] normalised; boxes
 * that are not normalised are skipped.
 */
export function drawBoxes(layer, boxes) {
  layer.replaceChildren();
  for (const b of boxes) {
    const r = normBox(b.box);
    if (!r) continue;
    const el = document.createElement('div');
    el.className = `bbox ${b.cls || ''}`.trim();
    Object.assign(el.style, { left: `${r.x * 100}%`, top: `${r.y * 100}%`, width: `${r.w * 100}%`, height: `${r.h * 100}%` });
    el.textContent = b.label || '';
    layer.append(el);
  }
}

function span(cls, text) {
  const s = document.createElement('span');
  s.className = cls;
  s.textContent = text;
  return s;
}
