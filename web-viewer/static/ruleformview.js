// The rule form's DOM (#rule-form): filling it from form values, reading them back, the
// schedule window rows, the per-field error elements (.field-error[data-field], one next
// to each input, 'geometry' under the canvas, 'form' for the rest) and the dry-run result.
// Field names equal the API's (YAML) field names, schedule inputs included
// (schedule[0].days, schedule[0].from …), so an API error path finds its element. The
// plate rule's watch lists are platelistview.js's rows.

import { describeAlert, formatLocalTime } from './format.js';
import { t } from './i18n.js';
import { fillLists, readLists } from './platelistview.js';
import { CLASSES, DAYS, groupErrors } from './ruleform.js';

const $ = (id) => document.getElementById(id);
const SCALARS = [
  'id', 'name', 'type', 'direction', 'min_duration', 'cooldown', 'priority', 'min_count', 'clear_count', 'clear_duration',
  'min_plate_height', 'dedupe_window', 'list_distance',
];

/** Puts form values (ruleform.formValues) into the form; add(w) appends a schedule row. */
export function fillForm(v, add) {
  const f = $('rule-form');
  for (const k of SCALARS) {
    const el = f.querySelector(`[name="${k}"]`);
    if (el) el.value = v[k];
  }
  f.querySelector('[name="enabled"]').checked = v.enabled;
  for (const cb of f.querySelectorAll('[name="classes"]')) cb.checked = v.classes.includes(cb.value);
  $('rule-windows').replaceChildren();
  for (const w of v.schedule) add(w);
  fillLists(v.lists);
}

/** Reads the form values back; id is the saved rule's id (its input is hidden then). */
export function readForm(id = '') {
  const f = $('rule-form');
  const v = {};
  for (const k of SCALARS) {
    const el = f.querySelector(`[name="${k}"]`);
    v[k] = el ? el.value : '';
  }
  if (id) v.id = id;
  v.enabled = f.querySelector('[name="enabled"]').checked;
  v.classes = [...f.querySelectorAll('[name="classes"]:checked')].map((cb) => cb.value).filter((c) => CLASSES.includes(c));
  v.lists = readLists();
  v.schedule = [...$('rule-windows').children].map((row) => {
    const i = row.dataset.index;
    return {
      days: [...row.querySelectorAll(`[name="schedule[${i}].days"]:checked`)].map((cb) => cb.value),
      from: row.querySelector(`[name="schedule[${i}].from"]`).value,
      to: row.querySelector(`[name="schedule[${i}].to"]`).value,
    };
  });
  return v;
}

/** Appends one schedule window row (days, from, to, ✕); onRemove(row) runs for ✕. */
export function addWindow(w, onRemove) {
  const box = $('rule-windows');
  const i = box.children.length;
  const row = document.createElement('div');
  row.className = 'window-row';
  row.dataset.index = String(i);
  const days = document.createElement('div');
  days.className = 'days';
  for (const d of DAYS) {
    const label = document.createElement('label');
    const cb = document.createElement('input');
    cb.type = 'checkbox';
    cb.name = `schedule[${i}].days`;
    cb.value = d;
    cb.checked = w.days.includes(d);
    label.append(cb, document.createTextNode(t('day.' + d)));
    days.append(label);
  }
  const time = (part, value) => {
    const input = document.createElement('input');
    input.type = 'text';
    input.name = `schedule[${i}].${part}`;
    input.value = value;
    input.placeholder = part === 'from' ? '08:00' : '18:00';
    input.inputMode = 'numeric';
    input.className = 'clock';
    input.setAttribute('aria-label', t('rules.window.' + part));
    return input;
  };
  const times = document.createElement('div');
  times.className = 'times';
  const del = document.createElement('button');
  del.type = 'button';
  del.className = 'icon window-del';
  del.textContent = '✕';
  del.setAttribute('aria-label', t('rules.window.remove'));
  del.addEventListener('click', () => onRemove(row));
  times.append(time('from', w.from), document.createTextNode('–'), time('to', w.to), del);
  row.append(days, errorSpan(`schedule[${i}].days`), times, errorSpan(`schedule[${i}].from`),
    errorSpan(`schedule[${i}].to`), errorSpan(`schedule[${i}]`));
  box.append(row);
}

/** Removes row from the windows (schedule: the current values), renumbering the rest with add. */
export function removeWindow(row, schedule, add) {
  const keep = schedule.filter((_, i) => String(i) !== row.dataset.index);
  $('rule-windows').replaceChildren();
  for (const w of keep) add(w);
}

function errorElements() {
  return document.querySelectorAll('#view-rules .field-error[data-field]');
}

/** Empties every error element of the editor. */
export function clearErrors() {
  for (const el of errorElements()) {
    el.textContent = '';
    el.hidden = true;
  }
  for (const el of document.querySelectorAll('#rule-form [aria-invalid]')) el.removeAttribute('aria-invalid');
}

/** Shows messages in the error element of field and marks its input invalid. */
export function setError(field, messages) {
  const el = document.querySelector(`#view-rules .field-error[data-field="${CSS.escape(field)}"]`);
  if (!el) return;
  el.textContent = messages.join('；');
  el.title = el.textContent; // the geometry line may be cut short
  el.hidden = !messages.length;
  const input = field === 'geometry' || field === 'form' ? null : $('rule-form').querySelector(`[name="${CSS.escape(field)}"]`);
  if (input && messages.length) input.setAttribute('aria-invalid', 'true');
  else if (input) input.removeAttribute('aria-invalid');
}

/** Shows field errors [{field, message}] at their elements (ruleform.errorTarget); the first scrolls into view. */
export function showFieldErrors(errors) {
  const known = new Set([...errorElements()].map((el) => el.dataset.field));
  for (const [target, msgs] of groupErrors(errors, known)) setError(target, msgs);
  const first = [...document.querySelectorAll('#rule-form .field-error[data-field]')].find((el) => !el.hidden && el.textContent);
  if (first) first.scrollIntoView({ block: 'center', behavior: 'smooth' });
}

function errorSpan(field) {
  const s = document.createElement('span');
  s.className = 'field-error';
  s.dataset.field = field;
  s.hidden = true;
  return s;
}

function para(text) {
  const p = document.createElement('p');
  p.textContent = text;
  return p;
}

/** Lists a dry run's result {frames, from, to, alerts} in box: time, action, objects per alert. */
export function renderDryRun(box, res) {
  const alerts = (res && Array.isArray(res.alerts)) ? res.alerts : [];
  const head = t('rules.dryRunSummary')
    .replace('{frames}', String((res && res.frames) || 0))
    .replace('{from}', formatLocalTime(res && res.from) || '—')
    .replace('{to}', formatLocalTime(res && res.to) || '—')
    .replace('{n}', String(alerts.length));
  const out = [para(head)];
  if (!res || !res.frames) out.push(para(t('rules.dryRunNoFrames')));
  const ol = document.createElement('ol');
  ol.className = 'dry-run-alerts';
  for (const a of alerts) {
    const d = describeAlert(a, t);
    const li = document.createElement('li');
    li.dataset.action = a.action || '';
    const time = document.createElement('time');
    time.dateTime = a.frame_time || '';
    time.textContent = d.time;
    const act = document.createElement('span');
    act.className = `alert-action action-${a.action}`;
    act.textContent = d.action;
    const objs = (a.objects || []).map((o) => `${t('class.' + o.class, o.class)} #${o.track_id}`).join('、');
    li.append(time, ' ', act, ' ', [d.direction, d.count, d.duration, objs].filter(Boolean).join(' · '));
    ol.append(li);
  }
  if (alerts.length) out.push(ol);
  box.replaceChildren(...out);
}
