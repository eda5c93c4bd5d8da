// The alert handling queue (#view-alerts, route #/alerts[/EVENT_ID]) for operators: the
// table of GET /api/v1/alerts (filters, newest first, 加载更多 with the cursor), refreshed
// every 10 s and soon after a new alert arrives on the live feed; and the detail panel
// (snapshot with boxes, fields, the transitions timeline, buttons for the allowed moves).
// Plate alerts (block-list hits) show the plate badge in the table and the plate block
// (badge, crop, type, confidence, 布控 list entry) and the plate box in the detail.
// Only one refresh runs at a time; the timer runs only while the queue is shown.

import * as api from './api.js';
import { describeAlert, formatLocalTime } from './format.js';
import { t } from './i18n.js';
import { toast } from './notify.js';
import { drawBoxes, plateBadge, plateInfo } from './plateview.js';
import { actionDialog } from './queuedialog.js';
import { on, store } from './store.js';
import {
  actionsFor, alertsURL, appendPage, formatSpan, gridCodeOf, isOverdue, mergeFirstPage, remainingMs, replaceRow,
  statesFor,
} from './workflow.js';

const $ = (id) => document.getElementById(id);
const REFRESH_MS = 10000;
const NEW_ALERT_DELAY_MS = 800;
const PAGE = 50;

/** Queue is the single alert-queue controller of the page. */
export const queue = {
  active: false,
  rows: [],
  next: '',
  selected: '',
  detail: null, // the selected row with its transitions
  timer: 0,
  soonTimer: 0,
  loading: false, // a refresh is running (they never overlap)
  again: false, // another refresh was asked for meanwhile
  filterSeq: 0,
  status: '',

  /** Wires the filters, the table and the detail panel; call once. */
  init() {
    for (const id of ['queue-filter-state', 'queue-filter-type', 'queue-filter-priority', 'queue-filter-overdue']) {
      $(id).addEventListener('change', () => this.reload());
    }
    $('queue-refresh').addEventListener('click', () => this.refresh());
    $('queue-more').addEventListener('click', () => this.more());
    $('detail-close').addEventListener('click', () => this.select(''));
    const tbody = $('alert-queue').tBodies[0];
    tbody.addEventListener('click', (ev) => {
      const tr = ev.target.closest('tr[data-event-id]');
      if (tr) this.select(tr.dataset.eventId);
    });
    tbody.addEventListener('keydown', (ev) => {
      const tr = ev.target.closest('tr[data-event-id]');
      if (tr && (ev.key === 'Enter' || ev.key === ' ')) { ev.preventDefault(); this.select(tr.dataset.eventId); }
    });
    $('alert-actions').addEventListener('click', (ev) => {
      const b = ev.target.closest('button[data-to]');
      if (b && this.detail) this.act(b.dataset.to);
    });
    on('alert', ({ result }) => {
      if (this.active && result && result.kind === 'new') {
        clearTimeout(this.soonTimer);
        this.soonTimer = setTimeout(() => this.refresh(), NEW_ALERT_DELAY_MS);
      }
    });
  },

  filters() {
    return {
      states: statesFor($('queue-filter-state').value),
      type: $('queue-filter-type').value,
      priority: $('queue-filter-priority').value,
      overdue: $('queue-filter-overdue').checked,
    };
  },

  /** Shows the queue (selecting eventId when given) and starts the 10 s refresh. */
  open(eventId = '') {
    const first = !this.active;
    this.active = true;
    if (eventId) this.select(eventId, { push: false });
    if (first) this.refresh();
  },

  /** Stops refreshing (the queue is hidden). */
  close() {
    this.active = false;
    clearTimeout(this.timer);
    clearTimeout(this.soonTimer);
  },

  /** Filters changed: starts over from the first page. */
  reload() {
    this.filterSeq++;
    this.rows = [];
    this.next = '';
    this.render();
    this.refresh();
  },

  /**
   * Fetches the first page and merges it, then re-arms the 10 s timer. A call while one
   * runs makes that one run again when it is done (never two at once).
   */
  async refresh() {
    if (this.loading) { this.again = true; return; }
    clearTimeout(this.timer);
    this.loading = true;
    const seq = this.filterSeq;
    try {
      const page = await api.listAlerts(alertsURL(this.filters(), '', PAGE));
      if (seq === this.filterSeq) {
        const merged = mergeFirstPage(this.rows, this.next, page);
        this.rows = merged.rows;
        this.next = merged.next;
        this.setStatus(t('queue.updated').replace('{time}', formatLocalTime(new Date().toISOString())));
        if (this.selected) this.refreshDetail();
      }
    } catch (err) {
      if (!err.handled) this.setStatus(`${t('queue.loadFailed')}: ${err.message}`, true);
      else if (err.status === 403) this.setStatus(t('auth.forbidden'), true);
    } finally {
      this.loading = false;
      this.render();
      if (this.again) { this.again = false; this.refresh(); }
      else if (this.active) this.timer = setTimeout(() => this.tick(), REFRESH_MS);
    }
  },

  tick() {
    if (!this.active) return;
    if (document.hidden) { this.timer = setTimeout(() => this.tick(), REFRESH_MS); return; }
    this.refresh();
  },

  async more() {
    if (!this.next) return;
    const seq = this.filterSeq;
    $('queue-more').disabled = true;
    try {
      const page = await api.listAlerts(alertsURL(this.filters(), this.next, PAGE));
      if (seq !== this.filterSeq) return;
      const merged = appendPage(this.rows, page);
      this.rows = merged.rows;
      this.next = merged.next;
      this.render();
    } catch (err) {
      if (!err.handled) this.setStatus(`${t('queue.loadFailed')}: ${err.message}`, true);
    } finally {
      $('queue-more').disabled = false;
    }
  },

  setStatus(text, bad = false) {
    const el = $('queue-status');
    el.textContent = text;
    el.dataset.bad = String(bad);
  },

  // ---- table -------------------------------------------------------------------------------

  render() {
    const now = Date.now();
    const trs = this.rows.map((r) => this.renderRow(r, now));
    $('alert-queue').tBodies[0].replaceChildren(...trs);
    $('queue-empty').hidden = this.rows.length > 0;
    $('queue-more').hidden = !this.next;
  },

  renderRow(r, now) {
    const tr = document.createElement('tr');
    tr.dataset.eventId = r.event_id;
    tr.dataset.state = r.state;
    tr.dataset.priority = String(r.priority || '');
    tr.tabIndex = 0;
    tr.className = `prio-${r.priority || 3}`;
    const overdue = isOverdue(r, now);
    if (overdue) tr.classList.add('overdue');
    if (r.event_id === this.selected) tr.classList.add('selected');
    const prio = span(`prio-badge prio-${r.priority || 3}`, t('prio.' + (r.priority || 3), String(r.priority)));
    const type = document.createElement('div');
    type.append(span(`alert-type type-${r.type}`, t('type.' + r.type, r.type)));
    const plate = r.alert && r.alert.plate;
    if (plate) type.append(' ', plateBadge(plate));
    if (r.rule && (r.rule.name || r.rule.id)) type.append(span('cell-sub', r.rule.name || r.rule.id));
    const state = document.createElement('div');
    state.append(span('wf-state', t('wf.' + r.state, r.state)));
    state.firstChild.dataset.state = r.state;
    if (overdue) state.append(span('badge-overdue', t('queue.overdue')));
    const cells = [
      prio,
      type,
      (r.camera && (r.camera.name || r.camera.id)) || '—',
      (r.grid && (r.grid.name || r.grid.code)) || '—',
      state,
      formatLocalTime(r.raised_at, new Date(now)) || '—',
      deadlineText(r, now),
    ];
    for (const c of cells) {
      const td = document.createElement('td');
      if (typeof c === 'string') td.textContent = c; else td.append(c);
      tr.append(td);
    }
    return tr;
  },

  // ---- detail ------------------------------------------------------------------------------

  /** Selects a row (empty: none) and loads its detail. */
  async select(eventId, { push = true } = {}) {
    this.selected = eventId;
    for (const tr of $('alert-queue').tBodies[0].rows) tr.classList.toggle('selected', tr.dataset.eventId === eventId);
    const hash = eventId ? `#/alerts/${encodeURIComponent(eventId)}` : '#/alerts';
    if (push && location.hash !== hash) history.replaceState({ sharpeyes: true, view: 'alerts' }, '', hash);
    if (!eventId) { this.detail = null; $('alert-detail').hidden = true; return; }
    const row = this.rows.find((r) => r.event_id === eventId);
    if (row) this.renderDetail({ ...row, transitions: (this.detail && this.detail.event_id === eventId && this.detail.transitions) || null });
    await this.refreshDetail();
  },

  async refreshDetail() {
    const id = this.selected;
    try {
      const row = await api.getAlert(id);
      if (id !== this.selected || !row) return;
      this.update(row);
    } catch (err) {
      if (id !== this.selected) return;
      if (err.status === 404) { toast(t('queue.gone'), 'info'); this.select(''); return; }
      if (!err.handled) toast(`${t('queue.loadFailed')}: ${err.message}`, 'error');
    }
  },

  /** Takes a fresh row (with transitions) into the table and the detail panel. */
  update(row) {
    const { transitions, ...plain } = row;
    this.rows = replaceRow(this.rows, plain);
    this.render();
    if (row.event_id === this.selected) this.renderDetail(row);
  },

  renderDetail(row) {
    this.detail = row;
    $('alert-detail').hidden = false;
    $('alert-detail').dataset.eventId = row.event_id;
    $('alert-detail').dataset.state = row.state;
    const a = row.alert || {};
    const d = describeAlert({ ...a, type: a.type || row.type, action: a.action || row.last_action }, t);
    $('detail-title').textContent = `${d.type} · ${(row.camera && (row.camera.name || row.camera.id)) || ''}`;
    this.renderSnapshot(row);
    const plateBox = $('detail-plate');
    plateBox.hidden = !a.plate;
    plateBox.replaceChildren(...(a.plate ? [plateInfo(a.plate, a.list_hit)] : []));
    this.renderFields(row, d);
    this.renderActions(row);
    this.renderTimeline(row.transitions);
  },

  renderSnapshot(row) {
    const img = $('detail-snapshot');
    const url = row.snapshot_url || (row.alert && row.alert.snapshot_url) || '';
    img.closest('.snap-frame').hidden = !url;
    if (url && img.getAttribute('src') !== url) img.src = url;
    img.alt = t('alerts.snapshot');
    const a = row.alert || {};
    const boxes = ((a.objects) || []).map((o) => ({ box: o.bbox, label: `${t('class.' + o.class, o.class)} #${o.track_id}` }));
    if (a.plate && a.plate.bbox) boxes.push({ box: a.plate.bbox, cls: 'plate-box', label: a.plate.display || a.plate.text });
    drawBoxes($('detail-boxes'), boxes);
  },

  renderFields(row, d) {
    const now = Date.now();
    const gridName = (g) => {
      const code = gridCodeOf(g);
      const n = store.tree.byCode.get(code);
      const name = (n && n.props.name) || (g && g.name) || '';
      return name && name !== code ? `${name} (${code})` : code;
    };
    const fields = [
      ['queue.f.event', row.event_id],
      ['queue.col.state', t('wf.' + row.state, row.state) + (isOverdue(row, now) ? ` · ${t('queue.overdue')}` : '')],
      ['queue.col.priority', t('prio.' + (row.priority || 3), String(row.priority))],
      ['queue.col.type', d.type],
      ['queue.f.rule', (row.rule && (row.rule.name ? `${row.rule.name} (${row.rule.id})` : row.rule.id)) || '—'],
      ['queue.col.camera', (row.camera && (row.camera.name ? `${row.camera.name} (${row.camera.id})` : row.camera.id)) || '—'],
      ['queue.col.grid', (row.grid && (row.grid.name || row.grid.code)) || '—'],
      ['queue.col.raised', formatLocalTime(row.raised_at) || '—'],
      ['queue.f.updated', formatLocalTime(row.updated_at) || '—'],
      ['queue.col.deadline', `${formatLocalTime(row.deadline) || '—'} ${deadlineText(row, now)}`.trim()],
      ['queue.f.assigned', gridCodeOf(row.assigned_grid) ? gridName(row.assigned_grid) : '—'],
      ['queue.f.lastAction', d.action || '—'],
      ['queue.f.details', [d.direction, d.count, d.duration, d.objects].filter(Boolean).join(' · ') || '—'],
    ];
    if (d.plate) fields.push(['queue.f.plate', d.plate]);
    if (d.listHit) fields.push(['queue.f.listHit', d.listHit]);
    const dl = $('detail-fields');
    dl.replaceChildren();
    for (const [key, value] of fields) {
      const dt = document.createElement('dt');
      dt.textContent = t(key);
      const dd = document.createElement('dd');
      dd.textContent = value;
      dd.dataset.field = key.split('.').pop();
      dl.append(dt, dd);
    }
  },

  renderActions(row) {
    const box = $('alert-actions');
    const acts = actionsFor(row);
    box.replaceChildren(...acts.map((a) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.dataset.to = a.to;
      b.className = `act act-${a.action}` + (a.to === 'void' ? ' danger' : ' primary');
      b.textContent = t(a.labelKey);
      return b;
    }));
    if (!acts.length) box.append(span('empty', t('queue.finished')));
  },

  renderTimeline(transitions) {
    const ol = $('detail-timeline');
    if (!Array.isArray(transitions)) { ol.replaceChildren(li('empty', t('queue.loadingDetail'))); return; }
    if (!transitions.length) { ol.replaceChildren(li('empty', t('queue.noTransitions'))); return; }
    ol.replaceChildren(...transitions.map((tr) => {
      const item = document.createElement('li');
      item.dataset.seq = String(tr.seq);
      item.dataset.to = tr.to;
      const head = document.createElement('div');
      head.className = 'tl-head';
      const time = document.createElement('time');
      time.dateTime = tr.at || '';
      time.textContent = formatLocalTime(tr.at);
      head.append(time, ' ', span('wf-state', `${tr.from ? t('wf.' + tr.from, tr.from) + ' → ' : ''}${t('wf.' + tr.to, tr.to)}`), ' ', span('tl-actor', tr.actor || ''));
      item.append(head);
      if (tr.grid) {
        const n = store.tree.byCode.get(gridCodeOf(tr.grid));
        item.append(li('tl-grid', `${t('queue.dispatchTo')}: ${n ? n.props.name : gridCodeOf(tr.grid)}`, 'div'));
      }
      if (tr.comment) item.append(li('tl-comment', tr.comment, 'div'));
      if (tr.attachment_url) {
        const a = document.createElement('a');
        a.href = tr.attachment_url;
        a.target = '_blank';
        a.rel = 'noopener';
        a.textContent = t('queue.attachmentLink');
        item.append(a);
      }
      return item;
    }));
  },

  // ---- transitions -------------------------------------------------------------------------

  async act(to) {
    const row = this.detail;
    const action = actionsFor(row).find((a) => a.to === to);
    if (!action) return;
    const result = await actionDialog(row, action);
    if (!result) return;
    if (result.row) {
      toast(t('queue.done').replace('{action}', t(action.labelKey)), 'ok');
      this.update(result.row);
      this.refresh();
    } else if (result.conflict) {
      toast(t('queue.conflict'), 'error');
      await this.refreshDetail();
      this.refresh();
    }
  },

  /** Re-renders after a language switch. */
  renderAll() {
    this.render();
    if (this.detail) this.renderDetail(this.detail);
  },
};

function deadlineText(r, now) {
  const left = remainingMs(r, now);
  if (left === null) return '';
  return left < 0
    ? t('queue.overdueBy').replace('{span}', formatSpan(left, t))
    : t('queue.left').replace('{span}', formatSpan(left, t));
}

function span(cls, text) {
  const s = document.createElement('span');
  s.className = cls;
  s.textContent = text;
  return s;
}

function li(cls, text, tag = 'li') {
  const el = document.createElement(tag);
  el.className = cls;
  el.textContent = text;
  return el;
}
