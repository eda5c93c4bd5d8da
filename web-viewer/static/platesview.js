// The plate search (#view-plates, route #/plates) for operators: GET /api/v1/plates with
// text (前缀/模糊/包含), cameras, plate colours and a time range (default the last 24 h);
// the results newest first (pass time, plate badge, camera, type, confidence, crop, list
// hit), 加载更多 with the cursor, 继续查找 when a fuzzy or contains scan stopped at its
// bound (truncated), 422 errors next to their fields. A row opens the scene snapshot with
// the plate and vehicle boxes in #plate-scene. At most MAX_ROWS rows are held; one
// request runs at a time, and a new search makes an older answer count for nothing.

import * as api from './api.js';
import { formatClock } from './format.js';
import { t } from './i18n.js';
import {
  appendPlates, formatConfidence, lastDayRange, MATCH_MODES, PLATE_COLORS, platesURL, plateTypeText, searchProblems,
} from './plate.js';
import { drawBoxes, listHitMark, plateBadge, plateCrop, plateInfo } from './plateview.js';
import { on, store } from './store.js';

const $ = (id) => document.getElementById(id);
const PAGE = 50;
const MAX_ROWS = 1000;
const FIELDS = ['text', 'match', 'max_dist', 'camera', 'color', 'from', 'to'];

/** Plates is the single plate-search controller of the page. */
export const plates = {
  active: false,
  rows: [],
  next: '',
  truncated: false,
  capped: false, // MAX_ROWS reached: no more pages
  failed: false, // the last request failed (its message is the status)
  query: null, // the form values of the search whose rows are shown
  seq: 0, // bumped by each new search; answers of older ones are dropped
  loading: false,
  searched: false,
  rangeTouched: false, // the operator set the time range; opening keeps it
  cameraSig: '',

  /** Wires the form, the table and the scene dialog; call once. */
  init() {
    $('plate-form').addEventListener('submit', (ev) => { ev.preventDefault(); this.search(); });
    $('plate-match').addEventListener('change', () => this.syncMatch());
    $('plate-last24h').addEventListener('click', () => { this.rangeTouched = false; this.setRange(); });
    for (const id of ['plate-from', 'plate-to']) $(id).addEventListener('input', () => { this.rangeTouched = true; });
    $('plate-more').addEventListener('click', () => this.more());
    $('plate-continue').addEventListener('click', () => this.more());
    const tbody = $('plate-results').tBodies[0];
    tbody.addEventListener('click', (ev) => {
      const tr = ev.target.closest('tr[data-event-id]');
      if (tr) this.openScene(tr.dataset.eventId);
    });
    tbody.addEventListener('keydown', (ev) => {
      const tr = ev.target.closest('tr[data-event-id]');
      if (tr && (ev.key === 'Enter' || ev.key === ' ')) { ev.preventDefault(); this.openScene(tr.dataset.eventId); }
    });
    $('plate-scene-close').addEventListener('click', () => $('plate-scene').close());
    on('cameras', () => { if (this.active) this.fillCameras(); });
  },

  /** Shows the page; the first opening searches the last 24 hours. */
  open() {
    this.active = true;
    this.fillCameras();
    if (!this.rangeTouched) this.setRange();
    this.syncMatch();
    if (!this.searched) this.search();
  },

  /** Hides the page (its rows stay for the next opening). */
  close() {
    this.active = false;
    if ($('plate-scene').open) $('plate-scene').close();
  },

  /** Signed out: forgets the search, its rows and the form, so the next user starts afresh. */
  reset() {
    this.close();
    this.seq++;
    Object.assign(this, {
      rows: [], next: '', truncated: false, capped: false, failed: false, query: null, loading: false, searched: false, rangeTouched: false,
    });
    $('plate-form').reset();
    this.showErrors([]);
    this.setStatus('');
    this.render();
  },

  setRange() {
    const r = lastDayRange();
    $('plate-from').value = r.from;
    $('plate-to').value = r.to;
  },

  /** Only the fuzzy match has an edit distance. */
  syncMatch() {
    $('plate-max-dist-field').hidden = $('plate-match').value !== 'fuzzy';
  },

  /** Refills the camera checkboxes (the cameras this user can see), keeping the ticked ones. */
  fillCameras(force = false) {
    const cams = [...store.cameras.values()].sort((a, b) => a.id.localeCompare(b.id, 'en'));
    const sig = cams.map((c) => `${c.id}\u0000${c.name}`).join('\u0001');
    if (!force && sig === this.cameraSig) return;
    this.cameraSig = sig;
    const ticked = new Set(this.readForm().cameras);
    const box = $('plate-cameras');
    box.replaceChildren(...cams.map((c) => {
      const label = document.createElement('label');
      const cb = document.createElement('input');
      cb.type = 'checkbox';
      cb.name = 'camera';
      cb.value = c.id;
      cb.checked = ticked.has(c.id);
      label.append(cb, document.createTextNode(c.name && c.name !== c.id ? `${c.name} (${c.id})` : c.id));
      return label;
    }));
    if (!cams.length) box.append(Object.assign(document.createElement('span'), { className: 'empty', textContent: t('plates.noCameras') }));
  },

  /** The form's values {text, match, maxDist, cameras, colors, from, to}. */
  readForm() {
    const f = $('plate-form');
    const checked = (name) => [...f.querySelectorAll(`[name="${name}"]:checked`)].map((cb) => cb.value);
    const match = $('plate-match').value;
    return {
      text: $('plate-text').value,
      match: MATCH_MODES.includes(match) ? match : 'prefix',
      maxDist: $('plate-max-dist').value,
      cameras: checked('camera'),
      colors: checked('color').filter((c) => PLATE_COLORS.includes(c)),
      from: $('plate-from').value,
      to: $('plate-to').value,
    };
  },

  /** Starts a new search with the form's values (after the local checks). */
  search() {
    const f = this.readForm();
    const problems = searchProblems(f);
    this.showErrors(problems.map((p) => ({ field: p.field, message: t(p.key) })));
    if (problems.length) return;
    this.searched = true;
    this.seq++;
    this.query = f;
    this.rows = [];
    this.next = '';
    this.truncated = false;
    this.capped = false;
    this.failed = false;
    this.loading = true;
    this.render();
    this.fetch('');
  },

  /** The next page of the search shown (加载更多, 继续查找). */
  more() {
    if (this.next && !this.loading) this.fetch(this.next);
  },

  async fetch(before) {
    const seq = this.seq;
    this.loading = true;
    this.setStatus(t('plates.loading'));
    this.renderPaging();
    try {
      const page = await api.searchPlates(platesURL(this.query, before, PAGE));
      if (seq !== this.seq) return;
      const merged = appendPlates(this.rows, page);
      this.capped = merged.rows.length > MAX_ROWS || (merged.rows.length === MAX_ROWS && !!merged.next);
      this.rows = merged.rows.slice(0, MAX_ROWS);
      this.next = this.capped ? '' : merged.next;
      this.truncated = !this.capped && merged.truncated;
      this.loading = false;
      this.failed = false;
      this.setStatus(this.summary());
      this.render();
    } catch (err) {
      if (seq !== this.seq) return;
      this.failed = true;
      if (err.status === 422 && err.errors.length) {
        this.showErrors(err.errors);
        this.setStatus('');
      } else if (err.status === 403) this.setStatus(t('auth.forbidden'), true);
      else if (!err.handled) this.setStatus(`${t('plates.loadFailed')}: ${err.message}`, true);
    } finally {
      if (seq === this.seq) { this.loading = false; this.render(); }
    }
  },

  summary() {
    if (this.capped) return t('plates.capped').replace('{n}', String(MAX_ROWS));
    return t(this.next ? 'plates.countMore' : 'plates.count').replace('{n}', String(this.rows.length));
  },

  setStatus(text, bad = false) {
    const el = $('plate-status');
    el.textContent = text;
    el.dataset.bad = String(bad);
  },

  /** Shows field errors [{field, message}] next to their fields; other fields under the form. */
  showErrors(errors) {
    const byField = new Map();
    for (const e of errors) {
      const f = FIELDS.includes(e.field) ? e.field : 'form';
      byField.set(f, [...(byField.get(f) || []), f === 'form' && e.field ? `${e.field}: ${e.message}` : e.message]);
    }
    for (const el of $('view-plates').querySelectorAll('.field-error[data-field]')) {
      const msgs = byField.get(el.dataset.field) || [];
      el.textContent = msgs.join('；');
      el.hidden = !msgs.length;
    }
  },

  // ---- results -----------------------------------------------------------------------------

  render() {
    const trs = this.rows.map((r) => this.renderRow(r));
    $('plate-results').tBodies[0].replaceChildren(...trs);
    $('plate-empty').hidden = !this.searched || this.loading || this.failed || this.rows.length > 0 || this.truncated;
    this.renderPaging();
  },

  renderPaging() {
    const canMore = !!this.next && !this.loading;
    $('plate-truncated').hidden = !this.truncated;
    $('plate-continue').hidden = !this.truncated || !this.next;
    $('plate-continue').disabled = !canMore;
    $('plate-more').hidden = this.truncated || !this.next;
    $('plate-more').disabled = !canMore;
  },

  renderRow(r) {
    const tr = document.createElement('tr');
    tr.dataset.eventId = r.event_id;
    tr.tabIndex = 0;
    if (r.list_hit) tr.dataset.list = r.list_hit.list;
    if (r.list_hit && r.list_hit.list === 'block') tr.classList.add('hit-block');
    const time = document.createElement('time');
    time.dateTime = r.pass_time || '';
    time.textContent = passTime(r.pass_time);
    const cam = document.createElement('div');
    cam.textContent = (r.camera && (r.camera.name || r.camera.id)) || '—';
    if (r.grid && (r.grid.name || r.grid.code)) cam.append(Object.assign(document.createElement('span'), { className: 'cell-sub', textContent: r.grid.name || r.grid.code }));
    const cells = [time, plateBadge(r), cam, plateTypeText(r, t) || '—', formatConfidence(r.confidence) || '—',
      plateCrop(r.crop_url) || '—', listHitMark(r.list_hit) || ''];
    for (const c of cells) {
      const td = document.createElement('td');
      td.append(c);
      tr.append(td);
    }
    return tr;
  },

  /** Opens the scene snapshot of a record with its plate and vehicle boxes. */
  openScene(eventId) {
    const r = this.rows.find((x) => x.event_id === eventId);
    if (!r) return;
    const dlg = $('plate-scene');
    dlg.dataset.eventId = eventId;
    $('plate-scene-title').textContent = [r.display || r.text, (r.camera && (r.camera.name || r.camera.id)) || '', passTime(r.pass_time)].filter(Boolean).join(' · ');
    const img = $('plate-scene-img');
    img.closest('.snap-frame').hidden = !r.snapshot_url;
    $('plate-scene-missing').hidden = !!r.snapshot_url;
    if (r.snapshot_url) img.src = r.snapshot_url; else img.removeAttribute('src');
    img.alt = t('plates.scene');
    drawBoxes($('plate-scene-boxes'), [
      { box: r.vehicle_bbox, cls: 'vehicle-box' },
      { box: r.bbox, cls: 'plate-box', label: r.display || r.text },
    ]);
    $('plate-scene-info').replaceChildren(plateInfo(r, r.list_hit));
    if (!dlg.open) dlg.showModal();
  },

  /** Re-renders after a language switch. */
  renderAll() {
    this.fillCameras(true);
    this.render();
    if (this.query && !this.loading && !this.failed) this.setStatus(this.summary());
  },
};

function passTime(iso) {
  const d = new Date(iso || '');
  return Number.isNaN(d.getTime()) ? '—' : formatClock(d);
}
