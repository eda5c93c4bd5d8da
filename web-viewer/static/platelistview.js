// The plate rule's watch-list editor in the rule form (#rule-lists): one row per list with
// its kind (布控名单 block / 白名单 allow), name and entries (a textarea, one plate per line,
// an optional note after a space or tab), a ✕ to remove it, and #rule-list-add to add
// one. Inputs are named like the API's fields (lists[0].kind, lists[0].name,
// lists[0].entries) and each has its .field-error, so 422 paths find them.

import { t } from './i18n.js';
import { LIST_KINDS, parseEntries } from './plateform.js';

const $ = (id) => document.getElementById(id);

/** Replaces the list rows with lists [{kind, name, entries (text)}]. */
export function fillLists(lists) {
  $('rule-lists').replaceChildren();
  for (const l of lists || []) addList(l);
}

/** Reads the list rows back: [{kind, name, entries (text)}]. */
export function readLists() {
  return [...$('rule-lists').children].map((row) => {
    const i = row.dataset.index;
    const val = (part) => row.querySelector(`[name="lists[${i}].${part}"]`).value;
    return { kind: val('kind'), name: val('name'), entries: val('entries') };
  });
}

/** Appends a list row for l ({kind, name, entries}); its ✕ removes it and renumbers the rest. */
export function addList(l = { kind: 'block', name: '', entries: '' }) {
  const box = $('rule-lists');
  const i = box.children.length;
  const row = document.createElement('div');
  row.className = 'plate-list-row';
  row.dataset.index = String(i);
  const kind = document.createElement('select');
  kind.name = `lists[${i}].kind`;
  kind.setAttribute('aria-label', t('plate.list.kind'));
  for (const k of LIST_KINDS) kind.append(new Option(t('plate.list.' + k), k));
  kind.value = LIST_KINDS.includes(l.kind) ? l.kind : 'block';
  const name = document.createElement('input');
  name.type = 'text';
  name.name = `lists[${i}].name`;
  name.value = l.name || '';
  name.placeholder = t('plate.list.namePlaceholder');
  name.setAttribute('aria-label', t('plate.list.name'));
  const del = document.createElement('button');
  del.type = 'button';
  del.className = 'icon list-del';
  del.textContent = '✕';
  del.setAttribute('aria-label', t('plate.list.remove'));
  del.addEventListener('click', () => {
    const keep = readLists().filter((_, j) => String(j) !== row.dataset.index);
    fillLists(keep);
    box.dispatchEvent(new Event('input', { bubbles: true })); // the form is dirty now
  });
  const head = document.createElement('div');
  head.className = 'list-head';
  head.append(kind, name, del);
  const entries = document.createElement('textarea');
  entries.name = `lists[${i}].entries`;
  entries.rows = 4;
  entries.spellcheck = false;
  entries.value = l.entries || '';
  entries.placeholder = t('plate.list.entriesPlaceholder');
  entries.setAttribute('aria-label', t('plate.list.entries'));
  const count = document.createElement('span');
  count.className = 'list-count';
  const recount = () => { count.textContent = t('plate.list.count').replace('{n}', String(parseEntries(entries.value).entries.length)); };
  entries.addEventListener('input', recount);
  recount();
  row.append(head, errorSpan(`lists[${i}].kind`), errorSpan(`lists[${i}].name`), entries, count,
    errorSpan(`lists[${i}].entries`), errorSpan(`lists[${i}]`));
  box.append(row);
}

function errorSpan(field) {
  const s = document.createElement('span');
  s.className = 'field-error';
  s.dataset.field = field;
  s.hidden = true;
  return s;
}
