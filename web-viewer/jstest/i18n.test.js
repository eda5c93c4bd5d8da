// Both dictionaries have every key the viewer uses: literal t('…') calls, data-i18n*
// attributes of index.html, and the keys built from a prefix for each known value
// (states, roles, actions, tools, days …). node --test web-viewer/jstest/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { MIN_POINTS, shapeProblem } from '../static/geom.js';
import { dictionaries } from '../static/i18n.js';
import { ROLES } from '../static/roles.js';
import { MATCH_MODES, PLATE_COLORS, PLATE_KINDS, PLATE_TYPES } from '../static/plate.js';
import { LIST_DISTANCES, LIST_KINDS } from '../static/plateform.js';
import { CLASSES, DAYS, DIRECTIONS, RULE_TYPES } from '../static/ruleform.js';
import { nextActions, STATES } from '../static/workflow.js';

const STATIC = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'static');
const zh = dictionaries['zh-CN'], en = dictionaries.en;

test('zh-CN and en have the same keys and no empty texts', () => {
  assert.deepEqual(Object.keys(en).sort(), Object.keys(zh).sort());
  for (const [lang, d] of Object.entries(dictionaries)) {
    for (const [k, v] of Object.entries(d)) assert.ok(String(v).trim(), `${lang} ${k} is empty`);
  }
});

test('every literal key in the modules and index.html exists', () => {
  const used = new Map();
  for (const f of fs.readdirSync(STATIC)) {
    const src = fs.readFileSync(path.join(STATIC, f), 'utf8');
    for (const m of src.matchAll(/\bt\(\s*'([\w.-]+)'\s*[,)]/g)) used.set(m[1], f);
    for (const m of src.matchAll(/data-i18n(?:-aria|-placeholder|-title)?="([^"]+)"/g)) used.set(m[1], f);
  }
  assert.ok(used.size > 150, `only ${used.size} keys found`);
  for (const [k, f] of used) assert.ok(k in zh, `${f} uses ${k}, missing from the dictionaries`);
});

test('keys built from a prefix exist for every value', () => {
  const want = [
    ...STATES.map((s) => 'wf.' + s),
    ...ROLES.map((r) => 'role.' + r),
    ...STATES.flatMap((s) => nextActions(s).map((a) => a.labelKey)),
    ...Object.keys(MIN_POINTS).flatMap((tool) => [`rules.hint.idle.${tool}`, `rules.hint.drawing.${tool}`, `rules.tool.${tool}`]),
    ...DAYS.map((d) => 'day.' + d),
    ...CLASSES.map((c) => 'class.' + c),
    ...RULE_TYPES.map((ty) => 'type.' + ty),
    ...DIRECTIONS.map((d) => 'rules.dir.' + d),
    ...['create', 'update', 'delete', 'rollback'].map((op) => 'rules.op.' + op),
    ...[1, 2, 3, 4].map((p) => 'prio.' + p),
    ...['from', 'to', 'remove'].map((w) => 'rules.window.' + w),
    'queue.span.m', 'queue.span.hm', 'queue.span.dh',
    ...PLATE_TYPES.map((c) => 'plate.type.' + c),
    ...PLATE_KINDS.map((k) => 'plate.kind.' + k),
    ...PLATE_COLORS.map((c) => 'plate.color.' + c),
    ...LIST_KINDS.map((k) => 'plate.list.' + k),
    ...LIST_DISTANCES.map((d) => 'plate.dist.' + d),
    ...MATCH_MODES.map((m) => 'plates.match.' + m),
    'plate.hit.block', 'plate.hit.allow',
  ];
  for (const k of want) assert.ok(k in zh && k in en, k);
  // Every problem shapeProblem can report has a text.
  const shapes = [[], [[0, 0], [0, 0]], [[0, 0], [1, 0], [0, 0]], [[0, 0], [0.5, 0.5], [1, 1]], [[0, 0], [1, 1], [1, 0], [0, 1]]];
  for (const pts of shapes) {
    const p = shapeProblem('polygon', pts);
    if (p) assert.ok(p.key in zh, p.key);
  }
});

test('the Chinese texts the brief fixes', () => {
  const fixed = {
    'role.viewer': '查看员', 'role.operator': '值班员', 'role.rule_author': '规则配置员', 'role.admin': '管理员',
    'wf.new': '待受理', 'wf.accepted': '已受理', 'wf.dispatched': '已派遣', 'wf.handling': '处置中',
    'wf.feedback': '已反馈', 'wf.closed': '已办结', 'wf.void': '误报', 'wf.returned': '已退回',
    'queue.overdue': '超时', 'rules.versions': '历史版本', 'rules.saved': '已保存 (生效中)', 'queue.conflict': '状态已被他人更新，已重新加载',
  };
  for (const [k, v] of Object.entries(fixed)) assert.equal(zh[k], v, k);
  assert.match(zh['auth.forbidden'], /^无权限/);
});
