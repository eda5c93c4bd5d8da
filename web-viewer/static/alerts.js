// The live alert feed: one EventSource on /api/v1/events/stream (replay 50, filtered by
// grid and type), newest first, one item per event with its snapshot thumbnail. The list
// is bounded by the feed model (200 events, oldest evicted). Clicking an item opens the
// camera in the focused view with the snapshot beside it. A plate alert (a vehicle pass)
// also shows its plate badge, crop, type and confidence, and a red 布控 mark on a
// block-list hit.

import { checkSession } from './api.js';
import { describeAlert, eventsURL } from './format.js';
import { hooks } from './hooks.js';
import { t } from './i18n.js';
import { plateInfo } from './plateview.js';
import { backoffDelay } from './whep.js';
import { store, emit } from './store.js';

const $ = (id) => document.getElementById(id);
const ALL_TYPES = ['tripwire', 'intrusion', 'loitering', 'crowd_dwell', 'plate'];
// Only alerts emitted this recently flash their grid; replayed history does not.
const FLASH_WINDOW_MS = 60000;

/** AlertFeed is the single alert-feed controller of the page. */
export const alertFeed = {
  es: null,
  grid: '',
  types: ALL_TYPES.slice(),
  items: new Map(), // eventId → <li>
  status: 'connecting',
  dropped: 0,
  retry: 0,
  retryTimer: 0,
  onAlertClick: () => {},
  onFlash: () => {},

  /** Wires the filters; call once. open() starts the stream once someone is signed in. */
  init() {
    $('alert-grid-filter').addEventListener('change', (ev) => { this.grid = ev.target.value; this.open(); });
    $('alert-type-filter').addEventListener('change', () => {
      this.types = [...$('alert-type-filter').querySelectorAll('input:checked')].map((i) => i.value);
      this.open();
    });
    $('alert-feed').addEventListener('click', (ev) => {
      const li = ev.target.closest('li[data-event-id]');
      const entry = li && store.feed.byEvent.get(li.dataset.eventId);
      if (entry) this.onAlertClick(entry.alert);
    });
  },

  /** (Re)opens the stream with the current filters, clearing the list. */
  open() {
    this.closeStream();
    store.feed.clear();
    this.items.clear();
    $('alert-feed').replaceChildren();
    this.dropped = 0;
    if (!this.types.length) { this.setStatus('filtered'); return; }
    const es = new EventSource(eventsURL(this.grid, this.types));
    this.es = es;
    this.setStatus('connecting');
    es.onopen = () => { this.retry = 0; this.setStatus('live'); };
    es.onerror = () => {
      if (es !== this.es) return;
      if (es.readyState === EventSource.CLOSED) {
        // The server refused the stream (not 200 / not text/event-stream): retry ourselves,
        // after asking whether the session ended (a 401 shows the login screen).
        this.setStatus('offline');
        checkSession();
        clearTimeout(this.retryTimer);
        this.retryTimer = setTimeout(() => this.open(), backoffDelay(this.retry++ + 2));
      } else {
        this.setStatus('reconnecting'); // the browser retries with Last-Event-ID
      }
    };
    es.addEventListener('alert', (ev) => {
      let a;
      try { a = JSON.parse(ev.data); } catch { return; }
      this.handle(a);
    });
    es.addEventListener('dropped', (ev) => {
      try { this.dropped += Number(JSON.parse(ev.data).count) || 0; } catch { /* ignore malformed */ }
      this.setStatus(this.status);
    });
  },

  closeStream() {
    clearTimeout(this.retryTimer);
    if (this.es) { this.es.close(); this.es = null; }
  },

  /** Adds one alert message to the model and the list. */
  handle(a) {
    const res = store.feed.add(a);
    if (res.kind === 'dup' || res.kind === 'invalid') return;
    hooks.alertsShown++;
    const ol = $('alert-feed');
    for (const old of res.evicted) {
      const li = this.items.get(old.eventId);
      if (li) li.remove();
      this.items.delete(old.eventId);
    }
    const li = this.renderItem(res.entry);
    const prev = this.items.get(res.entry.eventId);
    if (prev) prev.replaceWith(li); else ol.prepend(li);
    this.items.set(res.entry.eventId, li);
    const at = Date.parse(a.emitted_at || a.frame_time);
    if (a.grid && a.grid.code && Number.isFinite(at) && Date.now() - at < FLASH_WINDOW_MS) {
      li.classList.add('fresh');
      this.onFlash(a.grid.code);
    }
    emit('alert', { result: res });
  },

  renderItem(entry) {
    const a = entry.alert;
    const d = describeAlert(a, t);
    const li = document.createElement('li');
    li.className = 'alert-item';
    li.dataset.eventId = entry.eventId;
    li.dataset.messageId = a.message_id || '';
    li.dataset.type = a.type;
    li.dataset.action = a.action;
    const btn = document.createElement('button');
    btn.type = 'button';
    btn.className = 'alert-open';
    btn.setAttribute('aria-label', `${d.title} ${d.camera} ${d.time}`);
    const thumb = document.createElement('div');
    thumb.className = 'thumb';
    if (a.snapshot_url) {
      const img = document.createElement('img');
      img.loading = 'lazy';
      img.decoding = 'async';
      img.alt = t('alerts.snapshot');
      img.src = a.snapshot_url;
      thumb.append(img);
    }
    const body = document.createElement('div');
    body.className = 'alert-body';
    const head = document.createElement('div');
    head.className = 'alert-head';
    const type = document.createElement('span');
    type.className = `alert-type type-${a.type}`;
    type.textContent = d.type;
    const action = document.createElement('span');
    action.className = `alert-action action-${a.action}`;
    action.textContent = d.action;
    const time = document.createElement('time');
    time.dateTime = a.frame_time || '';
    time.textContent = d.time;
    head.append(type, action, time);
    const cam = line('alert-camera', d.camera);
    const extra = [d.grid, d.rule, d.direction, d.count, d.duration && `${t('alerts.duration')} ${d.duration}`].filter(Boolean).join(' · ');
    body.append(head, cam, line('alert-meta', extra));
    if (d.objects) body.append(line('alert-objects', d.objects));
    if (a.type === 'plate' && a.plate) {
      body.append(plateInfo(a.plate, a.list_hit));
      if (a.list_hit) li.dataset.list = a.list_hit.list;
      if (a.list_hit && a.list_hit.list === 'block') li.classList.add('hit-block');
    }
    btn.append(thumb, body);
    li.append(btn);
    return li;
  },

  /** Re-renders every item and the status (language changed). */
  renderAll() {
    const ol = $('alert-feed');
    const lis = store.feed.entries.map((e) => {
      const li = this.renderItem(e);
      this.items.set(e.eventId, li);
      return li;
    });
    ol.replaceChildren(...lis);
    this.setStatus(this.status);
    this.renderGridOptions();
  },

  /** Refills the grid filter from the grid list, keeping the selection. */
  renderGridOptions() {
    const sel = $('alert-grid-filter');
    const opts = [new Option(t('alerts.allGrids'), '')];
    const nodes = [...store.tree.byCode.values()].sort((a, b) => a.props.code.localeCompare(b.props.code, 'en'));
    for (const n of nodes) opts.push(new Option(`${n.props.name || n.props.code} (${t('level.' + n.props.level, n.props.level)})`, n.props.code));
    sel.replaceChildren(...opts);
    sel.value = this.grid;
    if (sel.value !== this.grid) sel.value = '';
  },

  setStatus(s) {
    this.status = s;
    const el = $('alert-status');
    el.dataset.status = s;
    let text = t('alerts.status.' + s, s);
    if (this.dropped) text += ' · ' + t('alerts.dropped', '{n}').replace('{n}', String(this.dropped));
    el.textContent = text;
  },
};

function line(cls, text) {
  const div = document.createElement('div');
  div.className = cls;
  div.textContent = text;
  return div;
}
