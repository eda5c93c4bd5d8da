// The rule editor's 历史版本 panel (#rule-versions): GET /api/v1/rules/{id}/versions, newest
// first, each with who, when, what and a 回滚 button for every version but the newest.

import * as api from './api.js';
import { formatLocalTime } from './format.js';
import { t } from './i18n.js';

const $ = (id) => document.getElementById(id);
let seq = 0;

/** Fills #rule-versions for rule (null: a new rule, nothing to show); onRollback(version). */
export async function renderVersions(rule, { onRollback }) {
  const ol = $('rule-versions');
  const mine = ++seq;
  if (!rule || !rule.id) { ol.replaceChildren(note(t('rules.versionsNew'))); return; }
  ol.replaceChildren(note(t('rules.versionsLoading')));
  let list;
  try {
    list = await api.ruleVersions(rule.id);
  } catch (err) {
    if (mine === seq) ol.replaceChildren(note(err.handled ? t('rules.versionsFailed') : `${t('rules.versionsFailed')}: ${err.message}`));
    return;
  }
  if (mine !== seq) return;
  list = Array.isArray(list) ? list : [];
  if (!list.length) { ol.replaceChildren(note(t('rules.versionsNone'))); return; }
  const newest = Math.max(...list.map((v) => Number(v.version) || 0));
  ol.replaceChildren(...list.map((v) => {
    const li = document.createElement('li');
    li.dataset.version = String(v.version);
    const head = document.createElement('div');
    head.className = 'version-head';
    head.textContent = `v${v.version} · ${t('rules.op.' + v.op, v.op)} · ${v.actor || '—'}`;
    const when = document.createElement('time');
    when.dateTime = v.at || '';
    when.textContent = formatLocalTime(v.at);
    li.append(head, when);
    if (v.comment) {
      const c = document.createElement('div');
      c.className = 'version-comment';
      c.textContent = v.comment;
      li.append(c);
    }
    if (Number(v.version) !== newest && v.op !== 'delete') {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'version-rollback';
      b.textContent = t('rules.rollback');
      b.addEventListener('click', () => onRollback(v.version));
      li.append(b);
    } else if (Number(v.version) === newest) {
      li.classList.add('current');
    }
    return li;
  }));
}

function note(text) {
  const li = document.createElement('li');
  li.className = 'empty';
  li.textContent = text;
  return li;
}
