// Alert handling (处置) workflow of the alert queue, pure (no DOM): the moves allowed from
// each state, what each move asks for, the attachment limit, the queue's query URL,
// deadlines, and how a refreshed first page merges into the rows already listed.
//
//   new → accepted | void            accepted → dispatched | handling | void
//   dispatched → handling | returned  returned → dispatched | void
//   handling → feedback               feedback → closed | handling

/** Every handling state, in workflow order. */
export const STATES = ['new', 'accepted', 'dispatched', 'returned', 'handling', 'feedback', 'closed', 'void'];
/** States still waiting for someone (the queue's default filter). */
export const OPEN_STATES = ['new', 'accepted', 'dispatched', 'returned', 'handling', 'feedback'];

// from → [[to, action name]]; the action name picks the button label (queue.act.NAME).
const MOVES = {
  new: [['accepted', 'accept'], ['void', 'void']],
  accepted: [['dispatched', 'dispatch'], ['handling', 'handle'], ['void', 'void']],
  dispatched: [['handling', 'handle'], ['returned', 'return']],
  returned: [['dispatched', 'dispatch'], ['void', 'void']],
  handling: [['feedback', 'feedback']],
  feedback: [['closed', 'close'], ['handling', 'rehandle']],
};

/** Whether a move to `to` needs a comment (false alarm, wrong owner). */
export function commentRequired(to) {
  return to === 'void' || to === 'returned';
}

/**
 * The moves allowed from state, as [{to, action, labelKey, commentRequired, needsGrid}];
 * empty for closed, void and unknown states.
 */
export function nextActions(state) {
  return (MOVES[state] || []).map(([to, action]) => ({
    to,
    action,
    labelKey: 'queue.act.' + action,
    commentRequired: commentRequired(to),
    needsGrid: to === 'dispatched',
  }));
}

/**
 * The moves to offer for an alert row: nextActions(row.state), narrowed to the gateway's
 * row.next_states when the row carries that list (it knows the caller's scope).
 */
export function actionsFor(row) {
  const acts = nextActions(row && row.state);
  return row && Array.isArray(row.next_states) ? acts.filter((a) => row.next_states.includes(a.to)) : acts;
}

/** The grid code of a grid reference: a code string or an object {code, name}. */
export function gridCodeOf(g) {
  if (!g) return '';
  return typeof g === 'string' ? g : String(g.code || '');
}

/** Whether the move from → to is allowed. */
export function canMove(from, to) {
  return nextActions(from).some((a) => a.to === to);
}

/** Largest attachment the gateway accepts, in bytes (2 MiB, before base64). */
export const MAX_ATTACHMENT_BYTES = 2 * 1024 * 1024;

/** An i18n key naming what is wrong with an attachment {size}, or null when it is fine. */
export function attachmentProblem(file) {
  if (!file) return null;
  if (!(file.size > 0)) return 'queue.err.emptyFile';
  if (file.size > MAX_ATTACHMENT_BYTES) return 'queue.err.fileTooLarge';
  return null;
}

/** Base64 of a byte array (Uint8Array), in chunks so large files do not overflow the stack. */
export function toBase64(bytes) {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

/**
 * The body of POST /api/v1/alerts/{id}/transitions: {to, comment?, grid?, attachment?}.
 * attachment is {name, content_type, data} or null.
 */
export function transitionBody(to, comment, grid, attachment) {
  const body = { to };
  const c = String(comment || '').trim();
  if (c) body.comment = c;
  if (to === 'dispatched' && grid) body.grid = grid;
  if (attachment) body.attachment = attachment;
  return body;
}

/**
 * GET /api/v1/alerts URL for filters {states: [], type, priority, overdue} and an optional
 * cursor; states empty means every state.
 */
export function alertsURL(filters, before = '', limit = 50) {
  const q = new URLSearchParams();
  const f = filters || {};
  if (f.states && f.states.length) q.set('state', f.states.join(','));
  if (f.type) q.set('type', f.type);
  if (f.priority) q.set('priority', String(f.priority));
  if (f.overdue) q.set('overdue', 'true');
  q.set('limit', String(limit));
  if (before) q.set('before', before);
  return '/api/v1/alerts?' + q.toString().replaceAll('%2C', ',');
}

/** The states a state-filter choice stands for: 'open', 'all' or one state. */
export function statesFor(choice) {
  if (choice === 'all') return [];
  if (STATES.includes(choice)) return [choice];
  return OPEN_STATES.slice();
}

/**
 * Milliseconds left until row's deadline (negative once past), or null when it has none
 * or is finished (closed, void).
 */
export function remainingMs(row, now = Date.now()) {
  if (!row || row.state === 'closed' || row.state === 'void') return null;
  const d = Date.parse(row.deadline);
  return Number.isFinite(d) ? d - now : null;
}

/** Whether a row is overdue: the server's flag, or a deadline passed since it answered. */
export function isOverdue(row, now = Date.now()) {
  if (!row) return false;
  if (row.overdue) return true;
  const left = remainingMs(row, now);
  return left !== null && left < 0;
}

/** "12分" / "1小时5分" style text for ms (absolute value), with the units given by t. */
export function formatSpan(ms, t) {
  const m = Math.max(0, Math.floor(Math.abs(ms) / 60000));
  const h = Math.floor(m / 60), d = Math.floor(h / 24);
  if (d >= 1) return t('queue.span.dh').replace('{d}', String(d)).replace('{h}', String(h % 24));
  if (h >= 1) return t('queue.span.hm').replace('{h}', String(h)).replace('{m}', String(m % 60));
  return t('queue.span.m').replace('{m}', String(m));
}

function newer(a, b) {
  // Newest first: raised_at descending, then event_id for a stable order.
  if (a.raised_at !== b.raised_at) return a.raised_at > b.raised_at ? -1 : 1;
  return a.event_id < b.event_id ? -1 : a.event_id > b.event_id ? 1 : 0;
}

/**
 * Merges a freshly fetched first page {alerts, next} into the rows already listed
 * (newest first, with their cursor `next`). The page replaces everything as new as its
 * oldest row (rows missing from it no longer match the filters); older rows that
 * earlier "load more" calls brought stay, with their cursor. Returns {rows, next}.
 */
export function mergeFirstPage(rows, next, page) {
  const fresh = (page && Array.isArray(page.alerts) ? page.alerts : []).filter((r) => r && r.event_id);
  if (!page || !page.next || !fresh.length) return { rows: fresh.slice().sort(newer), next: (page && page.next) || '' };
  const ids = new Set(fresh.map((r) => r.event_id));
  const oldest = fresh.reduce((o, r) => (r.raised_at < o ? r.raised_at : o), fresh[0].raised_at);
  const older = rows.filter((r) => !ids.has(r.event_id) && r.raised_at <= oldest);
  return { rows: fresh.concat(older).sort(newer), next: older.length ? next : page.next };
}

/** Appends a "load more" page to rows, dropping duplicates; returns {rows, next}. */
export function appendPage(rows, page) {
  const seen = new Set(rows.map((r) => r.event_id));
  const more = (page && Array.isArray(page.alerts) ? page.alerts : []).filter((r) => r && r.event_id && !seen.has(r.event_id));
  return { rows: rows.concat(more), next: (page && page.next) || '' };
}

/** Replaces one row (same event_id) in rows, returning a new array. */
export function replaceRow(rows, row) {
  return rows.map((r) => (r.event_id === row.event_id ? row : r));
}

/**
 * Grids a dispatch can target, from a grid tree (grids.buildTree): administrative grids
 * depth first, then industry grids, as [{code, name, level, depth}].
 */
export function dispatchTargets(tree) {
  const out = [];
  const walk = (nodes, depth) => {
    for (const n of nodes) {
      out.push({ code: n.props.code, name: n.props.name || n.props.code, level: n.props.level, depth });
      walk(n.children || [], depth + 1);
    }
  };
  walk((tree && tree.roots) || [], 0);
  for (const list of Object.values((tree && tree.industry) || {})) walk(list, 0);
  return out;
}
