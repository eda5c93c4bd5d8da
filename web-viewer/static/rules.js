// The rule editor (#view-rules, routes #/rules/CAMERA and #/rules/CAMERA/RULE): camera
// picker, the camera's rules with enable toggles, a fresh snapshot with the drawing canvas
// and the live detections, the parameter form with per-field errors, dry run, save (POST
// new, PUT with If-Match), delete, the version history with rollback, and the rule's live
// hits. window.__sharpeyes.editor mirrors the drawing and the last save for tests.
// A plate rule has two optional shapes, a capture region and a trigger line: the Drawing
// edits one, the ShapeSet parks the other, which the canvas shows dimmed.

import * as api from './api.js';
import { Drawing } from './draw.js';
import { describeAlert } from './format.js';
import { shapeProblem } from './geom.js';
import { hooks } from './hooks.js';
import { t } from './i18n.js';
import { confirmDialog, toast } from './notify.js';
import { relabelEntryErrors } from './plateform.js';
import { addList, fillLists, readLists } from './platelistview.js';
import { PLATE_TOOLS, ShapeSet } from './plateshapes.js';
import { RuleCanvas } from './rulecanvas.js';
import { buildRule, formValues, geometryOf, localErrors, toolsFor } from './ruleform.js';
import {
  addWindow, clearErrors, fillForm, readForm, removeWindow, renderDryRun, setError, showFieldErrors,
} from './ruleformview.js';
import { EditorStreams } from './rulestreams.js';
import { renderVersions } from './ruleversions.js';
import { store, cameraName } from './store.js';

const $ = (id) => document.getElementById(id);
const MAX_HITS = 20;
const META = ['version', 'updated_at', 'updated_by'];

/** Editor is the single rule-editor controller of the page. */
export const editor = {
  active: false,
  camera: '',
  rules: [],
  current: null, // the saved rule being edited, or null for a new one
  dirty: false,
  type: 'intrusion',
  snapshotURL: '',
  snapshotSeq: 0,
  cameraSig: '',
  listSeq: 0,
  hits: [],
  drawing: new Drawing('polygon'),
  shapes: new ShapeSet(), // a plate rule's region and trigger line
  canvas: null,
  streams: null,

  /** Wires the controls; call once. */
  init() {
    this.canvas = new RuleCanvas(this.drawing, { onChange: (what) => this.onShapeChange(what) });
    this.canvas.svg.addEventListener('pointerdown', () => this.syncType(), { capture: true });
    this.streams = new EditorStreams({
      onDetections: (msg) => { if ($('rule-live').checked) this.canvas.setLive(msg); },
      onAlert: (a) => this.onHit(a),
      onStatus: (s) => { $('rule-live').parentElement.dataset.status = s; },
    });
    $('rule-camera').addEventListener('change', (ev) => this.pickCamera(ev.target.value));
    $('rule-new').addEventListener('click', () => this.guard(() => this.edit(null)));
    $('rule-redraw').addEventListener('click', () => { this.drawing.redraw(); this.canvas.render(); this.onShapeChange('redraw'); });
    $('rule-snapshot-refresh').addEventListener('click', () => this.loadSnapshot());
    $('rule-live').addEventListener('change', (ev) => { if (!ev.target.checked) this.canvas.clearLive(); });
    for (const b of document.querySelectorAll('#view-rules [data-tool]')) {
      b.addEventListener('click', () => this.pickTool(b.dataset.tool));
    }
    const form = $('rule-form');
    form.addEventListener('submit', (ev) => ev.preventDefault());
    form.addEventListener('input', () => { this.dirty = true; });
    form.addEventListener('change', (ev) => {
      this.dirty = true;
      if (ev.target.name === 'type') this.syncType();
      if (ev.target.name === 'direction') this.canvas.setDirection(ev.target.value);
    });
    $('rule-window-add').addEventListener('click', () => { this.addWindow({ days: [], from: '', to: '' }); this.dirty = true; });
    $('rule-list-add').addEventListener('click', () => { addList(); this.dirty = true; });
    $('rule-dry-run').addEventListener('click', () => this.dryRun());
    $('rule-save').addEventListener('click', () => this.save());
    $('rule-delete').addEventListener('click', () => { if (this.current) this.remove(this.current); });
    $('rule-list').addEventListener('click', (ev) => this.onListClick(ev));
    $('rule-list').addEventListener('change', (ev) => {
      const li = ev.target.closest('li[data-rule-id]');
      if (li && ev.target.matches('.rule-enabled')) this.toggle(li.dataset.ruleId, ev.target.checked, ev.target);
    });
    this.edit(null, { quiet: true });
  },

  // ---- opening and closing --------------------------------------------------------------

  /** Opens the editor on camera (first camera when empty), editing ruleId when given. */
  async open(camera, ruleId = '') {
    this.fillCameras();
    if (!camera) camera = [...store.cameras.keys()].sort()[0] || '';
    const changed = camera !== this.camera || !this.active;
    this.active = true;
    this.canvas.active = true;
    this.canvas.layout();
    if (changed) {
      this.camera = camera;
      $('rule-camera').value = camera;
      this.hits = [];
      this.renderHits();
      this.edit(null, { quiet: true });
      this.canvas.clearLive();
      if (camera) {
        this.streams.open(camera);
        this.loadSnapshot();
      } else {
        this.streams.close();
      }
    }
    this.replaceHash(ruleId);
    await this.loadList();
    if (ruleId && (!this.current || this.current.id !== ruleId)) {
      const r = this.rules.find((x) => x.id === ruleId);
      if (r) this.edit(r);
    }
  },

  /** Leaves the editor: closes both streams and releases the snapshot. */
  close() {
    if (!this.active) return;
    this.active = false;
    this.canvas.active = false;
    this.streams.close();
    this.canvas.clearLive();
    this.camera = '';
    this.snapshotSeq++;
    if (this.snapshotURL) URL.revokeObjectURL(this.snapshotURL);
    this.snapshotURL = '';
    $('rule-snapshot').removeAttribute('src');
  },

  replaceHash(ruleId) {
    if (!this.camera) return;
    const hash = `#/rules/${encodeURIComponent(this.camera)}${ruleId ? '/' + encodeURIComponent(ruleId) : ''}`;
    if (location.hash !== hash) history.replaceState({ sharpeyes: true, view: 'rules' }, '', hash);
  },

  async pickCamera(camera) {
    if (camera === this.camera) return;
    if (this.dirty && !(await confirmDialog(t('rules.discard')))) { $('rule-camera').value = this.camera; return; }
    this.dirty = false;
    this.open(camera);
  },

  /** Runs fn after the user agreed to drop unsaved changes (when there are any). */
  async guard(fn) {
    if (this.dirty && !(await confirmDialog(t('rules.discard')))) return;
    fn();
  },

  /** Fills the camera picker; rebuilt only when the list or the language changed. */
  fillCameras(force = false) {
    const sel = $('rule-camera');
    const cams = [...store.cameras.values()].sort((a, b) => a.id.localeCompare(b.id, 'en'));
    const sig = cams.map((c) => `${c.id}\u0000${c.name}`).join('\u0001');
    if (force || sig !== this.cameraSig || !sel.options.length) {
      this.cameraSig = sig;
      const opts = cams.map((c) => new Option(c.name && c.name !== c.id ? `${c.name} (${c.id})` : c.id, c.id));
      if (!opts.length) opts.push(new Option(t('rules.noCameras'), ''));
      sel.replaceChildren(...opts);
    }
    sel.value = this.camera;
  },

  // ---- snapshot ---------------------------------------------------------------------------

  async loadSnapshot() {
    const cam = this.camera;
    const seq = ++this.snapshotSeq;
    const status = $('rule-snapshot-status');
    if (!cam) return;
    status.textContent = t('rules.snapshotLoading');
    status.hidden = false;
    $('rule-snapshot-refresh').disabled = true;
    try {
      const blob = await api.cameraSnapshot(cam);
      if (seq !== this.snapshotSeq) return;
      if (this.snapshotURL) URL.revokeObjectURL(this.snapshotURL);
      this.snapshotURL = URL.createObjectURL(blob);
      $('rule-snapshot').src = this.snapshotURL;
      $('rule-snapshot').alt = `${t('rules.snapshotAlt')} ${cameraName(cam)}`;
      status.hidden = true;
    } catch (err) {
      if (seq !== this.snapshotSeq) return;
      status.textContent = `${t('rules.snapshotFailed')}${err.handled ? '' : ': ' + err.message}`;
    } finally {
      if (seq === this.snapshotSeq) $('rule-snapshot-refresh').disabled = false;
    }
  },

  // ---- rule list ----------------------------------------------------------------------

  async loadList() {
    const cam = this.camera;
    const seq = ++this.listSeq;
    if (!cam) { this.rules = []; this.renderList(); return; }
    try {
      const list = await api.listRules(cam);
      if (seq !== this.listSeq || cam !== this.camera) return;
      this.rules = (Array.isArray(list) ? list : []).filter((r) => !r.camera || r.camera === cam);
      this.renderList();
    } catch (err) {
      if (seq !== this.listSeq) return;
      this.rules = [];
      this.renderList(err.handled ? t('rules.listFailed') : `${t('rules.listFailed')}: ${err.message}`);
    }
  },

  renderList(error = '') {
    const ul = $('rule-list');
    const items = this.rules.map((r) => {
      const li = document.createElement('li');
      li.dataset.ruleId = r.id;
      li.dataset.enabled = String(r.enabled !== false);
      if (this.current && this.current.id === r.id) li.setAttribute('aria-current', 'true');
      const open = document.createElement('button');
      open.type = 'button';
      open.className = 'rule-open';
      const name = document.createElement('span');
      name.className = 'rule-name';
      name.textContent = r.name || r.id;
      const meta = document.createElement('span');
      meta.className = 'rule-meta';
      meta.textContent = `${t('type.' + r.type, r.type)} · ${r.id}${r.version ? ' · v' + r.version : ''}`;
      open.append(name, meta);
      const toggle = document.createElement('label');
      toggle.className = 'rule-toggle';
      const cb = document.createElement('input');
      cb.type = 'checkbox';
      cb.className = 'rule-enabled';
      cb.checked = r.enabled !== false;
      cb.setAttribute('aria-label', `${t('rules.f.enabled')} ${r.name || r.id}`);
      toggle.append(cb, document.createTextNode(t('rules.f.enabled')));
      const del = document.createElement('button');
      del.type = 'button';
      del.className = 'rule-del icon';
      del.textContent = '✕';
      del.title = t('rules.delete');
      del.setAttribute('aria-label', `${t('rules.delete')} ${r.name || r.id}`);
      li.append(open, toggle, del);
      return li;
    });
    if (!items.length) {
      const li = document.createElement('li');
      li.className = 'empty';
      li.textContent = error || t('rules.none');
      items.push(li);
    }
    ul.replaceChildren(...items);
  },

  onListClick(ev) {
    const li = ev.target.closest('li[data-rule-id]');
    const r = li && this.rules.find((x) => x.id === li.dataset.ruleId);
    if (!r) return;
    if (ev.target.closest('.rule-del')) this.remove(r);
    else if (ev.target.closest('.rule-open')) this.guard(() => this.edit(r));
  },

  async toggle(id, enabled, cb) {
    const r = this.rules.find((x) => x.id === id);
    if (!r) return;
    cb.disabled = true;
    try {
      const saved = await api.updateRule(id, { ...withoutMeta(r), enabled }, r.version);
      toast(enabled ? t('rules.enabledToast') : t('rules.disabledToast'), 'ok');
      if (this.current && this.current.id === id && !this.dirty) this.edit(saved);
    } catch (err) {
      cb.checked = !enabled;
      if (!err.handled) toast(err.status === 412 ? t('rules.conflict') : `${t('rules.saveFailed')}: ${err.message}`, 'error');
    } finally {
      cb.disabled = false;
      this.loadList();
    }
  },

  async remove(r) {
    if (!(await confirmDialog(t('rules.confirmDelete').replace('{name}', r.name || r.id)))) return;
    try {
      await api.deleteRule(r.id);
      toast(t('rules.deleted'), 'ok');
      if (this.current && this.current.id === r.id) { this.dirty = false; this.edit(null); }
    } catch (err) {
      if (!err.handled) toast(`${t('rules.deleteFailed')}: ${err.message}`, 'error');
    }
    this.loadList();
  },

  // ---- the form ---------------------------------------------------------------------------

  /** Loads rule (null: a new rule) into the form and the canvas. */
  edit(rule, { quiet = false } = {}) {
    this.current = rule;
    this.dirty = false;
    clearErrors();
    $('rule-dry-run-result').replaceChildren();
    const v = formValues(rule);
    fillForm(v, (w) => this.addWindow(w));
    this.type = v.type;
    if (v.type === 'plate') {
      const tool = this.shapes.load(rule);
      this.drawing.load(tool, this.shapes.points[tool]);
    } else {
      const g = geometryOf(rule || { type: v.type });
      this.shapes.clear();
      this.drawing.load(g.tool, g.points);
    }
    this.applyType(v.type);
    this.canvas.setDirection(v.direction);
    this.renderTitle();
    if (!quiet) this.replaceHash(rule ? rule.id : '');
    renderVersions(rule, { onRollback: (version) => this.rollback(version) });
    for (const li of $('rule-list').querySelectorAll('li[data-rule-id]')) {
      if (rule && li.dataset.ruleId === rule.id) li.setAttribute('aria-current', 'true'); else li.removeAttribute('aria-current');
    }
    this.renderHits();
    this.syncHooks();
  },

  renderTitle() {
    const r = this.current;
    $('rule-form-title').textContent = r
      ? `${t('rules.editing')} ${r.id}${r.version ? ' · v' + r.version : ''}`
      : t('rules.creating');
    for (const el of document.querySelectorAll('#rule-form [data-new-only]')) el.hidden = !!r;
    $('rule-delete').hidden = !r;
  },

  /** Appends a schedule window row whose ✕ removes it again. */
  addWindow(w) {
    addWindow(w, (row) => { removeWindow(row, readForm().schedule, (x) => this.addWindow(x)); this.dirty = true; });
  },

  // ---- type, tool and shape ---------------------------------------------------------------

  /** Follows the type selector (its change event may not come when set by a script). */
  syncType() {
    const type = $('rule-type').value;
    if (type === this.type) return;
    const prev = this.type;
    this.type = type;
    this.applyType(prev);
  },

  /**
   * Shows the fields and tools of this.type. Coming from another type, a plate rule takes
   * the drawn polygon or line as its region or trigger line; leaving plate, the new type
   * gets the parked shape its tool can use.
   */
  applyType(prev = this.type) {
    const tools = toolsFor(this.type);
    if (this.type === 'plate' && prev !== 'plate') {
      // The parked shape (from an earlier plate spell of this rule) stays.
      this.shapes.keep(this.drawing);
      if (!tools.includes(this.drawing.tool)) this.drawing.load('polygon', this.shapes.points.polygon);
    } else if (prev === 'plate' && this.type !== 'plate') {
      this.shapes.keep(this.drawing);
      const tool = tools.includes(this.drawing.tool) ? this.drawing.tool : tools[0];
      if (tool !== this.drawing.tool) this.drawing.load(tool, PLATE_TOOLS.includes(tool) ? this.shapes.points[tool] : []);
    }
    if (!tools.includes(this.drawing.tool)) this.drawing.setTool(tools[0]);
    this.refreshGhost();
    for (const el of document.querySelectorAll('#rule-form [data-types]')) {
      el.hidden = !el.dataset.types.split(' ').includes(this.type);
    }
    this.renderTools();
    this.canvas.render();
    this.onShapeChange('type');
  },

  /** A tool button: a tripwire tool makes the rule a tripwire, polygon a zone rule. */
  pickTool(tool) {
    this.syncType();
    if (this.type === 'plate' && PLATE_TOOLS.includes(tool)) {
      // Region and trigger line are separate shapes: switching keeps both.
      this.shapes.switchTo(this.drawing, tool);
      this.refreshGhost();
      this.renderTools();
      this.canvas.render();
      this.onShapeChange('tool');
      return;
    }
    if (!toolsFor(this.type).includes(tool)) {
      $('rule-type').value = tool === 'polygon' ? 'intrusion' : 'tripwire';
      this.syncType();
    }
    if (this.drawing.setTool(tool) || this.drawing.state === 'idle') this.dirty = true;
    this.renderTools();
    this.canvas.render();
    this.onShapeChange('tool');
  },

  /** Shows a plate rule's other shape (the one not being edited) dimmed on the canvas. */
  refreshGhost() {
    this.canvas.setGhost(this.type === 'plate' ? this.shapes.other(this.drawing) : null);
  },

  renderTools() {
    for (const b of document.querySelectorAll('#view-rules [data-tool]')) {
      b.setAttribute('aria-pressed', String(b.dataset.tool === this.drawing.tool));
    }
  },

  onShapeChange(what) {
    if (!['type', 'tool', 'none'].includes(what)) this.dirty = true;
    const d = this.drawing;
    let hint = '';
    if (d.state === 'idle') hint = t('rules.hint.idle.' + d.tool);
    else if (d.state === 'drawing') hint = t('rules.hint.drawing.' + d.tool);
    else hint = t(d.tool === 'line' ? 'rules.hint.doneLine' : 'rules.hint.done');
    if (this.type === 'plate') hint = `${t(d.tool === 'line' ? 'plate.editingLine' : 'plate.editingRegion')} ${hint}`;
    $('rule-hint').textContent = hint;
    $('rule-hint').title = this.type === 'plate' ? t('plate.shapesHint') : '';
    const problem = d.state === 'done' ? shapeProblem(d.tool, d.points) : null;
    setError('geometry', problem ? [shapeText(problem)] : []);
    this.syncHooks();
  },

  syncHooks() {
    const prev = hooks.editor || {};
    hooks.editor = {
      state: this.drawing.state,
      points: this.drawing.snapshot(),
      tool: this.drawing.tool,
      ruleId: this.current ? this.current.id : '',
      lastSave: prev.lastSave || null,
    };
    if (this.type === 'plate') hooks.editor.shapes = this.shapes.peek(this.drawing);
  },

  // ---- dry run, save, rollback ------------------------------------------------------------

  /** The rule built from the form and the canvas, or null after showing why it cannot be. */
  collect() {
    this.syncType();
    if (this.drawing.state === 'drawing') { this.drawing.finish(); this.canvas.render(); this.onShapeChange('close'); }
    clearErrors();
    const v = readForm(this.current && this.current.id);
    const d = this.drawing;
    let shape = { tool: d.tool, points: d.state === 'done' ? d.snapshot() : [] };
    const problems = [];
    if (this.type === 'plate') {
      // Both shapes are optional; each one drawn must be valid.
      shape = this.shapes.collect(d);
      for (const tool of PLATE_TOOLS) {
        const p = shape[tool].length ? shapeProblem(tool, shape[tool]) : null;
        if (p) problems.push({ field: 'geometry', message: `${t(tool === 'line' ? 'plate.line' : 'plate.region')}: ${shapeText(p)}` });
      }
    } else if (!shape.points.length) problems.push({ field: 'geometry', message: t('rules.err.noShape') });
    else {
      const p = shapeProblem(d.tool, shape.points);
      if (p) problems.push({ field: 'geometry', message: shapeText(p) });
    }
    const rule = buildRule(v, this.camera, shape);
    for (const e of localErrors(rule, !this.current)) {
      problems.push({ field: e.field, message: t(e.key).replace('{n}', String((e.params && e.params.n) ?? '')) });
    }
    if (problems.length) {
      this.showErrors(problems);
      return null;
    }
    return rule;
  },

  async dryRun() {
    const rule = this.collect();
    const box = $('rule-dry-run-result');
    if (!rule) { box.replaceChildren(); return; }
    if (!rule.id) rule.id = 'draft';
    box.replaceChildren(Object.assign(document.createElement('p'), { textContent: t('rules.dryRunning') }));
    $('rule-dry-run').disabled = true;
    try {
      renderDryRun(box, await api.dryRun(rule));
    } catch (err) {
      box.replaceChildren();
      this.showApiError(err);
    } finally {
      $('rule-dry-run').disabled = false;
    }
  },

  async save() {
    const rule = this.collect();
    const id = this.current ? this.current.id : (rule && rule.id) || '';
    if (!rule) { this.setLastSave({ status: 0, id, error: 'invalid' }); return; }
    const isNew = !this.current;
    $('rule-save').disabled = true;
    try {
      const saved = isNew ? await api.createRule(rule) : await api.updateRule(this.current.id, rule, this.current.version);
      this.setLastSave({ status: isNew ? 201 : 200, id: (saved && saved.id) || id });
      toast(t('rules.saved'), 'ok');
      this.edit(saved && saved.id ? saved : { ...rule, id });
      await this.loadList();
    } catch (err) {
      this.setLastSave({ status: err.status, id, error: err.message });
      this.showApiError(err);
    } finally {
      $('rule-save').disabled = false;
    }
  },

  setLastSave(s) {
    hooks.editor = { ...hooks.editor, lastSave: s };
  },

  /** Shows field errors; an entry's error goes to its list's textarea with its line number. */
  showErrors(errors) {
    showFieldErrors(relabelEntryErrors(errors, readLists(), (n) => t('plate.err.line').replace('{n}', String(n))));
  },

  showApiError(err) {
    if (err.status === 422 && err.errors.length) this.showErrors(err.errors);
    else if (err.status === 412) this.showConflict();
    else if (err.status === 409) setError('id', [t('rules.err.idExists')]);
    else if (err.status === 403) setError('form', [t('auth.forbidden')]);
    else if (err.status !== 401) setError('form', [err.message]);
  },

  showConflict() {
    setError('form', [t('rules.conflict')]);
    const el = document.querySelector('#view-rules .field-error[data-field="form"]');
    const btn = document.createElement('button');
    btn.type = 'button';
    btn.id = 'rule-reload';
    btn.textContent = t('rules.reload');
    btn.addEventListener('click', async () => {
      try {
        const fresh = await api.getRule(this.current.id);
        this.edit(fresh);
        this.loadList();
      } catch (err) {
        if (!err.handled) toast(err.message, 'error');
      }
    });
    el.append(' ', btn);
  },

  async rollback(version) {
    const r = this.current;
    if (!r || !(await confirmDialog(t('rules.confirmRollback').replace('{v}', String(version))))) return;
    try {
      const saved = await api.rollbackRule(r.id, version);
      toast(t('rules.rolledBack').replace('{v}', String(version)), 'ok');
      this.edit(saved && saved.id ? saved : await api.getRule(r.id));
      this.loadList();
    } catch (err) {
      if (!err.handled) toast(`${t('rules.rollbackFailed')}: ${err.message}`, 'error');
    }
  },

  // ---- live hits --------------------------------------------------------------------------

  onHit(a) {
    if (!this.current || !a.rule || a.rule.id !== this.current.id) return;
    this.hits.unshift(a);
    this.hits.length = Math.min(this.hits.length, MAX_HITS);
    this.canvas.flash();
    this.renderHits();
  },

  renderHits() {
    const ol = $('rule-hits');
    const list = this.current ? this.hits.filter((a) => a.rule && a.rule.id === this.current.id) : [];
    if (!list.length) {
      const li = document.createElement('li');
      li.className = 'empty';
      li.textContent = this.current ? t('rules.noHits') : t('rules.hitsAfterSave');
      ol.replaceChildren(li);
      return;
    }
    ol.replaceChildren(...list.map((a) => {
      const d = describeAlert(a, t);
      const li = document.createElement('li');
      li.dataset.eventId = a.event_id || '';
      li.textContent = [d.time, d.action, d.plate, d.listHit, d.direction, d.count, d.objects].filter(Boolean).join(' · ');
      return li;
    }));
  },

  /** Re-renders texts after a language switch. */
  render() {
    if (!this.active) return;
    this.fillCameras(true);
    fillLists(readLists()); // the list rows' own texts
    this.renderList();
    this.renderTitle();
    this.renderHits();
    this.onShapeChange('none');
    renderVersions(this.current, { onRollback: (version) => this.rollback(version) });
  },
};

function withoutMeta(r) {
  const out = { ...r };
  for (const k of META) delete out[k];
  return out;
}

/** Text of a shapeProblem result. */
function shapeText(p) {
  let s = t(p.key);
  if (p.min !== undefined) s = s.replace('{n}', String(p.min));
  if (p.max !== undefined) s = s.replace('{n}', String(p.max));
  if (p.edges) s = s.replace('{i}', String(p.edges[0])).replace('{j}', String(p.edges[1]));
  if (p.index !== undefined) s = s.replace('{i}', String(p.index));
  return s;
}
