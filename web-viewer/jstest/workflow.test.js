// Alert handling workflow of the queue (static/workflow.js) and roles (static/roles.js).
// node --test web-viewer/jstest/
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { buildTree } from '../static/grids.js';
import { canSee, hasRole, ROLES } from '../static/roles.js';
import {
  actionsFor, alertsURL, appendPage, attachmentProblem, canMove, commentRequired, dispatchTargets, formatSpan,
  gridCodeOf, isOverdue,
  MAX_ATTACHMENT_BYTES, mergeFirstPage, nextActions, OPEN_STATES, remainingMs, replaceRow, STATES, statesFor, toBase64,
  transitionBody,
} from '../static/workflow.js';
import { t } from '../static/i18n.js';

test('nextActions: exactly the moves of the contract, with the buttons\' labels', () => {
  const cases = {
    new: ['accepted:受理', 'void:误报'],
    accepted: ['dispatched:派遣', 'handling:处置', 'void:误报'],
    dispatched: ['handling:处置', 'returned:退回'],
    returned: ['dispatched:派遣', 'void:误报'],
    handling: ['feedback:反馈'],
    feedback: ['closed:办结', 'handling:重新处置'],
    closed: [],
    void: [],
    bogus: [],
  };
  for (const [state, want] of Object.entries(cases)) {
    assert.deepEqual(nextActions(state).map((a) => `${a.to}:${t(a.labelKey)}`), want, state);
  }
  for (const from of STATES) {
    for (const a of nextActions(from)) {
      assert.equal(a.commentRequired, a.to === 'void' || a.to === 'returned', `${from}→${a.to} comment`);
      assert.equal(a.needsGrid, a.to === 'dispatched', `${from}→${a.to} grid`);
    }
  }
  assert.ok(canMove('feedback', 'handling'));
  assert.ok(!canMove('new', 'closed'));
  assert.ok(commentRequired('void') && commentRequired('returned') && !commentRequired('accepted'));
});

test('actionsFor narrows the moves to the gateway\'s next_states', () => {
  assert.deepEqual(actionsFor({ state: 'accepted' }).map((a) => a.to), ['dispatched', 'handling', 'void']);
  assert.deepEqual(actionsFor({ state: 'accepted', next_states: ['handling'] }).map((a) => a.to), ['handling']);
  assert.deepEqual(actionsFor({ state: 'closed', next_states: ['new'] }), [], 'never more than the workflow allows');
  assert.deepEqual(actionsFor(null), []);
  assert.equal(gridCodeOf('440512'), '440512');
  assert.equal(gridCodeOf({ code: '440512', name: '东门' }), '440512');
  assert.equal(gridCodeOf(null), '');
});

test('state names in Chinese', () => {
  const want = { new: '待受理', accepted: '已受理', dispatched: '已派遣', handling: '处置中', feedback: '已反馈', closed: '已办结', void: '误报', returned: '已退回' };
  for (const s of STATES) assert.equal(t('wf.' + s), want[s], s);
});

test('attachments: at most 2 MiB, not empty', () => {
  assert.equal(attachmentProblem(null), null);
  assert.equal(attachmentProblem({ size: 1 }), null);
  assert.equal(attachmentProblem({ size: MAX_ATTACHMENT_BYTES }), null, 'exactly 2 MiB is allowed');
  assert.equal(attachmentProblem({ size: MAX_ATTACHMENT_BYTES + 1 }), 'queue.err.fileTooLarge');
  assert.equal(attachmentProblem({ size: 0 }), 'queue.err.emptyFile');
  const bytes = new Uint8Array(70000).map((_, i) => i % 256);
  assert.equal(toBase64(bytes), Buffer.from(bytes).toString('base64'), 'chunked encoding matches');
});

test('transitionBody: comment trimmed, grid only for dispatch', () => {
  assert.deepEqual(transitionBody('accepted', '  ok ', 'g1', null), { to: 'accepted', comment: 'ok' });
  assert.deepEqual(transitionBody('dispatched', '', 'g1', null), { to: 'dispatched', grid: 'g1' });
  const att = { name: 'a.jpg', content_type: 'image/jpeg', data: 'AA==' };
  assert.deepEqual(transitionBody('feedback', 'done', '', att), { to: 'feedback', comment: 'done', attachment: att });
});

test('alertsURL and statesFor', () => {
  assert.equal(alertsURL({ states: statesFor('open') }), '/api/v1/alerts?state=new,accepted,dispatched,returned,handling,feedback&limit=50');
  assert.equal(alertsURL({ states: statesFor('all'), type: 'intrusion', priority: '1', overdue: true }, 'c:9', 20),
    '/api/v1/alerts?type=intrusion&priority=1&overdue=true&limit=20&before=c%3A9');
  assert.deepEqual(statesFor('void'), ['void']);
  assert.deepEqual(statesFor('whatever'), OPEN_STATES);
});

test('deadlines: remaining time, overdue flag or passed deadline', () => {
  const now = Date.parse('2026-01-01T10:00:00Z');
  const row = { state: 'new', deadline: '2026-01-01T10:15:00Z', overdue: false };
  assert.equal(remainingMs(row, now), 15 * 60000);
  assert.equal(isOverdue(row, now), false);
  assert.equal(isOverdue({ ...row, deadline: '2026-01-01T09:59:00Z' }, now), true, 'passed since the server answered');
  assert.equal(isOverdue({ ...row, overdue: true }, now), true);
  assert.equal(isOverdue({ ...row, state: 'closed', deadline: '2026-01-01T09:00:00Z' }, now), false);
  assert.equal(remainingMs({ state: 'new' }, now), null);
  assert.equal(formatSpan(5 * 60000, t), '5分钟');
  assert.equal(formatSpan(-(65 * 60000), t), '1小时5分');
  assert.equal(formatSpan(26 * 3600000, t), '1天2小时');
});

const row = (id, raised, state = 'new') => ({ event_id: id, raised_at: raised, state });

test('mergeFirstPage: the page replaces its window, older loaded rows stay', () => {
  const listed = [row('e5', '05'), row('e4', '04'), row('e3', '03'), row('e2', '02'), row('e1', '01')];
  // First page (limit 2) now holds a new e6 and e5; e4 was closed and left the filter, but
  // it is older than the page, so it can only be judged by a later page: it stays.
  const merged = mergeFirstPage(listed, 'cursor-old', { alerts: [row('e6', '06'), row('e5', '05', 'accepted')], next: 'cursor-new' });
  assert.deepEqual(merged.rows.map((r) => r.event_id), ['e6', 'e5', 'e4', 'e3', 'e2', 'e1']);
  assert.equal(merged.rows[1].state, 'accepted', 'updated in place');
  assert.equal(merged.next, 'cursor-old', 'older rows kept: keep their cursor');

  // A row inside the page's window that the page lacks no longer matches: dropped.
  const gone = mergeFirstPage(listed, '', { alerts: [row('e5', '05'), row('e3', '03')], next: 'c' });
  assert.deepEqual(gone.rows.map((r) => r.event_id), ['e5', 'e3', 'e2', 'e1']);

  // A complete first page (no next) is the whole list.
  const all = mergeFirstPage(listed, 'c', { alerts: [row('e2', '02')], next: '' });
  assert.deepEqual(all.rows.map((r) => r.event_id), ['e2']);
  assert.equal(all.next, '');

  // Nothing listed yet: the page and its cursor.
  assert.deepEqual(mergeFirstPage([], '', { alerts: [row('e1', '01')], next: 'n' }), { rows: [row('e1', '01')], next: 'n' });
});

test('appendPage drops duplicates; replaceRow swaps by event id', () => {
  const a = appendPage([row('e3', '03'), row('e2', '02')], { alerts: [row('e2', '02'), row('e1', '01')], next: '' });
  assert.deepEqual(a.rows.map((r) => r.event_id), ['e3', 'e2', 'e1']);
  assert.equal(a.next, '');
  const r = replaceRow(a.rows, row('e2', '02', 'closed'));
  assert.equal(r[1].state, 'closed');
  assert.equal(a.rows[1].state, 'new', 'the input is not modified');
});

test('dispatchTargets lists the grid tree depth first, industry grids last', () => {
  const f = (code, level, parent, name) => ({ properties: { code, level, parent, name } });
  const tree = buildTree([
    f('4405', 'district', '', '区'), f('440501', 'street', '4405', '街道'), f('44050101', 'grid', '440501', '网格一'),
    f('9001', 'school', '440501', '学校'),
  ]);
  assert.deepEqual(dispatchTargets(tree).map((g) => `${g.depth}:${g.code}`), ['0:4405', '1:440501', '2:44050101', '0:9001']);
  assert.deepEqual(dispatchTargets(null), []);
});

test('roles: each includes the ones before; screens per role', () => {
  const u = (role) => ({ name: 'x', role });
  const cases = [
    // role, alerts queue, rule editor
    ['viewer', false, false],
    ['operator', true, false],
    ['rule_author', true, true],
    ['admin', true, true],
    ['unknown-role', false, false],
  ];
  for (const [role, alerts, rules] of cases) {
    assert.equal(canSee(u(role), 'alerts'), alerts, `${role} alerts`);
    assert.equal(canSee(u(role), 'rules'), rules, `${role} rules`);
    assert.equal(canSee(u(role), 'map'), true, `${role} map`);
  }
  assert.equal(canSee(null, 'map'), false, 'nobody signed in sees nothing');
  assert.ok(hasRole(u('admin'), 'rule_author'));
  assert.ok(!hasRole(u('operator'), 'rule_author'));
  assert.deepEqual(ROLES.map((r) => t('role.' + r)), ['查看员', '值班员', '规则配置员', '管理员']);
});
