// The focused view: one big tile on the camera's main stream, the camera's details, its
// recent alerts from the feed and, when opened from an alert, that alert's snapshot with
// the detected objects' boxes (and a plate alert's plate box).

import { describeAlert, formatLocalTime } from './format.js';
import { t } from './i18n.js';
import { drawBoxes } from './plateview.js';
import { store, cameraName, gridProps } from './store.js';
import { Tile } from './tile.js';

const $ = (id) => document.getElementById(id);

/** Focus is the single focused-view controller of the page. */
export const focus = {
  cameraId: '',
  list: [], // cameras that prev/next step through
  tile: null,
  alert: null, // the alert whose snapshot is shown, or null

  /** Shows cameraId on the main stream; list is the prev/next order; alert a snapshot to show. */
  open(cameraId, { t0 = performance.now(), list = null, alert = null } = {}) {
    this.alert = alert;
    this.list = list && list.includes(cameraId) ? list : [cameraId];
    if (cameraId !== this.cameraId || !this.tile) {
      if (this.tile) this.tile.close();
      this.cameraId = cameraId;
      this.tile = new Tile(cameraId, { stream: 'main', t0 });
      $('focus-video').replaceChildren(this.tile.el);
      this.tile.start();
    }
    this.render();
  },

  /** Closes the main-stream session. */
  close() {
    if (this.tile) this.tile.close();
    this.tile = null;
    this.cameraId = '';
    this.alert = null;
  },

  /** The camera delta steps away in list (wrapping). */
  neighbour(delta) {
    const i = this.list.indexOf(this.cameraId);
    const n = this.list.length;
    return n ? this.list[(((i + delta) % n) + n) % n] : '';
  },

  /** Refreshes everything but the video (camera list, feed or language changed). */
  render() {
    if (!this.cameraId) return;
    const id = this.cameraId;
    $('focus-title').textContent = cameraName(id);
    const i = this.list.indexOf(id);
    $('focus-pos').textContent = this.list.length > 1 ? `${i + 1} / ${this.list.length}` : '';
    $('focus-prev').disabled = $('focus-next').disabled = this.list.length < 2;
    this.renderDetails(store.cameras.get(id));
    this.renderSnapshot();
    this.renderAlerts();
    if (this.tile) this.tile.render();
  },

  renderDetails(cam) {
    const rows = [['focus.id', this.cameraId]];
    if (cam) {
      const grid = gridProps(cam.grid);
      rows.push(
        ['health.grid', grid ? `${grid.name} (${grid.code})` : cam.grid || '—'],
        ['health.state', t('state.' + cam.state, cam.state)],
        ['health.fps', fmtNum(cam.analysis_fps)],
        ['health.viewers', String(cam.viewers ?? '—')],
        ['health.reconnects', String(cam.reconnects ?? '—')],
        ['health.since', formatLocalTime(cam.since) || '—'],
        ['focus.location', cam.location ? `${cam.location.lat.toFixed(6)}, ${cam.location.lon.toFixed(6)}` : '—'],
        ['health.lastError', cam.last_error || '—'],
      );
    }
    const dl = $('focus-details');
    dl.replaceChildren();
    for (const [key, value] of rows) {
      const dt = document.createElement('dt');
      dt.textContent = t(key);
      const dd = document.createElement('dd');
      dd.textContent = value;
      if (key === 'health.state' && cam) dd.dataset.state = cam.state;
      dl.append(dt, dd);
    }
  },

  renderSnapshot() {
    const fig = $('focus-snapshot');
    const a = this.alert;
    if (!a || !a.snapshot_url || !a.camera || a.camera.id !== this.cameraId) { fig.hidden = true; return; }
    fig.hidden = false;
    const img = $('focus-snapshot-img');
    if (img.getAttribute('src') !== a.snapshot_url) img.src = a.snapshot_url;
    const d = describeAlert(a, t);
    img.alt = `${t('alerts.snapshot')} ${d.title}`;
    $('focus-snapshot-caption').textContent = [d.time, d.title, d.rule, d.plate, d.listHit, d.direction, d.objects].filter(Boolean).join(' · ');
    const boxes = (a.objects || []).map((o) => ({ box: o.bbox, label: `${t('class.' + o.class, o.class)} #${o.track_id}` }));
    if (a.plate && a.plate.bbox) boxes.push({ box: a.plate.bbox, cls: 'plate-box', label: a.plate.display || a.plate.text });
    drawBoxes($('focus-snapshot-boxes'), boxes);
  },

  renderAlerts() {
    const ol = $('focus-alerts');
    ol.replaceChildren();
    const entries = store.feed.forCamera(this.cameraId, 20);
    if (!entries.length) {
      const li = document.createElement('li');
      li.className = 'empty';
      li.textContent = t('focus.noAlerts');
      ol.append(li);
      return;
    }
    for (const e of entries) {
      const d = describeAlert(e.alert, t);
      const li = document.createElement('li');
      const btn = document.createElement('button');
      btn.type = 'button';
      btn.dataset.focusEvent = e.eventId;
      btn.className = 'alert-line';
      btn.textContent = `${d.time} ${d.title} ${d.rule}`;
      btn.addEventListener('click', () => { this.alert = e.alert; this.renderSnapshot(); });
      li.append(btn);
      ol.append(li);
    }
  },
};

function fmtNum(v) {
  return typeof v === 'number' && Number.isFinite(v) ? v.toFixed(1) : '—';
}
