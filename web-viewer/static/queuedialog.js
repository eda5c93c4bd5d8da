// The alert-queue's action dialog (#action-dialog): asks for the comment (required for 误报
// and 退回), the target grid of a dispatch (from the grid tree) and an optional attachment
// (≤ 2 MiB, checked before upload, sent as base64 JSON), then POSTs the transition with
// If-Match on the state the operator saw. 422 field errors are shown in the dialog. For a
// plate alert the dialog repeats the plate block (badge, crop, type, 布控 entry).

import * as api from './api.js';
import { t } from './i18n.js';
import { plateInfo } from './plateview.js';
import { store } from './store.js';
import { attachmentProblem, dispatchTargets, gridCodeOf, toBase64, transitionBody } from './workflow.js';

const $ = (id) => document.getElementById(id);
const FIELDS = ['grid', 'comment', 'attachment'];

/**
 * Opens the dialog for one move of row. Resolves to {row} (the updated row) after a
 * successful transition, {conflict: true} after a 409, or null when cancelled.
 */
export function actionDialog(row, action) {
  const dlg = $('action-dialog');
  const form = $('action-form');
  const ctl = new AbortController();
  const opts = { signal: ctl.signal };
  prepare(row, action);
  return new Promise((resolve) => {
    let sending = false, done = false;
    // finish runs once: it drops this opening's listeners, closes the dialog and answers.
    const finish = (value) => {
      if (done) return;
      done = true;
      ctl.abort();
      if (dlg.open) dlg.close();
      resolve(value);
    };
    dlg.addEventListener('close', () => finish(null), opts); // closed from outside (sign-out)
    $('action-cancel').addEventListener('click', () => { if (!sending) finish(null); }, opts);
    dlg.addEventListener('cancel', (ev) => { ev.preventDefault(); if (!sending) finish(null); }, opts);
    $('action-file').addEventListener('change', () => showErrors(checkFile()), opts);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (sending) return;
      const problems = validate(action);
      showErrors(problems);
      if (problems.length) return;
      sending = true;
      $('action-submit').disabled = true;
      try {
        const body = transitionBody(action.to, $('action-comment').value, $('action-grid').value, await readAttachment());
        finish({ row: await api.transition(row.event_id, body, row.state) });
      } catch (err) {
        if (err.status === 409) finish({ conflict: true });
        else if (err.status === 401) finish(null);
        else if (err.status === 422 && err.errors.length) showErrors(err.errors.map((e) => ({ field: fieldOf(e.field), message: e.message })));
        else showErrors([{ field: 'form', message: err.status === 403 ? t('auth.forbidden') : err.message }]);
      } finally {
        sending = false;
        $('action-submit').disabled = false;
      }
    }, opts);
    dlg.showModal();
    (action.needsGrid ? $('action-grid') : $('action-comment')).focus();
  });
}

function prepare(row, action) {
  $('action-title').textContent = `${t(action.labelKey)} · ${(row.camera && (row.camera.name || row.camera.id)) || ''} · ${t('type.' + row.type, row.type)}`;
  $('action-dialog').dataset.to = action.to;
  const plate = row.alert && row.alert.plate;
  $('action-plate').hidden = !plate;
  $('action-plate').replaceChildren(...(plate ? [plateInfo(plate, row.alert.list_hit)] : []));
  $('action-grid-row').hidden = !action.needsGrid;
  if (action.needsGrid) {
    const sel = $('action-grid');
    const opts = [new Option(t('queue.pickGrid'), '')];
    for (const g of dispatchTargets(store.tree)) {
      opts.push(new Option(`${'\u3000'.repeat(g.depth)}${g.name} (${t('level.' + g.level, g.level)})`, g.code));
    }
    sel.replaceChildren(...opts);
    sel.value = gridCodeOf(row.assigned_grid) || gridCodeOf(row.grid);
  }
  $('action-comment-label').textContent = `${t('queue.comment')}${action.commentRequired ? t('queue.required') : t('queue.optional')}`;
  $('action-comment').required = action.commentRequired;
  $('action-comment').value = '';
  $('action-file').value = '';
  showErrors([]);
}

function checkFile() {
  const file = $('action-file').files[0];
  const key = attachmentProblem(file);
  return key ? [{ field: 'attachment', message: t(key) }] : [];
}

function validate(action) {
  const out = checkFile();
  if (action.commentRequired && !$('action-comment').value.trim()) out.push({ field: 'comment', message: t('queue.err.commentRequired') });
  if (action.needsGrid && !$('action-grid').value) out.push({ field: 'grid', message: t('queue.err.gridRequired') });
  return out;
}

async function readAttachment() {
  const file = $('action-file').files[0];
  if (!file) return null;
  const bytes = new Uint8Array(await file.arrayBuffer());
  return { name: file.name, content_type: file.type || 'application/octet-stream', data: toBase64(bytes) };
}

// fieldOf maps an API field path ("attachment.data", "grid") to a field of the dialog.
function fieldOf(path) {
  const root = String(path || '').split(/[.[]/)[0];
  return FIELDS.includes(root) ? root : 'form';
}

function showErrors(list) {
  for (const el of $('action-form').querySelectorAll('.field-error[data-field]')) {
    const msgs = list.filter((e) => e.field === el.dataset.field).map((e) => e.message);
    el.textContent = msgs.join('；');
    el.hidden = !msgs.length;
  }
}
