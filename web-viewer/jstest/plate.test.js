// Plate records (static/plate.js): badge colours, texts, list hits, boxes, the plate
// search URL, its time range and paging; the plate fields of describeAlert.
// node --test web-viewer/jstest/
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { describeAlert } from '../static/format.js';
import { t } from '../static/i18n.js';
import {
  appendPlates, formatConfidence, lastDayRange, listHitInfo, listHitText, localInputToRFC3339, normalizeQueryText, normBox,
  plateBadgeClass, plateColorText, plateParts, platesURL, plateSummary, plateTypeText, searchProblems, toLocalInput,
} from '../static/plate.js';

test('plateBadgeClass: one class per plate colour, anything else unknown', () => {
  const cases = [
    ['blue', 'plate-badge plate-blue'],
    ['yellow', 'plate-badge plate-yellow'],
    ['green', 'plate-badge plate-green'],
    ['white', 'plate-badge plate-white'],
    ['black', 'plate-badge plate-black'],
    ['unknown', 'plate-badge plate-unknown'],
    ['', 'plate-badge plate-unknown'],
    [undefined, 'plate-badge plate-unknown'],
    ['blue plate-x', 'plate-badge plate-unknown'],
    ['__proto__', 'plate-badge plate-unknown'],
  ];
  for (const [color, want] of cases) assert.equal(plateBadgeClass(color), want, String(color));
});

test('the badge\'s colours follow the real plates (style.css)', async () => {
  const fs = await import('node:fs');
  const css = fs.readFileSync(new URL('../static/style.css', import.meta.url), 'utf8');
  const rule = (cls) => (css.match(new RegExp(`^\\.${cls} \\{([^}]*)\\}`, 'm')) || [])[1] || '';
  const textColor = (cls) => (rule(cls).match(/(?:^|;)\s*color:\s*([^;]+)/) || [])[1];
  // Blue and black plates carry white characters; yellow, green and white ones black.
  for (const c of ['blue', 'black']) assert.equal(textColor('plate-' + c), '#fff', c);
  for (const c of ['yellow', 'green', 'white']) assert.equal(textColor('plate-' + c), '#111', c);
});

test('plateParts: the display text, a police plate\'s 警 in red', () => {
  assert.deepEqual(plateParts({ text: '粤D12345', display: '粤D·12345', kind: 'ordinary' }), [{ text: '粤D·12345', red: false }]);
  assert.deepEqual(plateParts({ text: '粤D12345' }), [{ text: '粤D12345', red: false }], 'text when display is missing');
  assert.deepEqual(plateParts({ display: '京A·0001警', kind: 'police' }), [{ text: '京A·0001', red: false }, { text: '警', red: true }]);
  assert.deepEqual(plateParts({ display: '京A·0001警', kind: 'ordinary' }), [{ text: '京A·0001警', red: false }]);
  assert.deepEqual(plateParts(null), [{ text: '?', red: false }]);
});

test('confidence, type and colour texts', () => {
  const cases = [[0.93, '93%'], [1, '100%'], [0, '0%'], [0.005, '1%'], [1.2, ''], [-0.1, ''], [NaN, ''], ['0.9', ''], [undefined, '']];
  for (const [c, want] of cases) assert.equal(formatConfidence(c), want, String(c));
  assert.equal(plateTypeText({ type: '02', type_name: '小型汽车' }, t), '小型汽车');
  assert.equal(plateTypeText({ type: '52', type_name: 'x' }, t), '小型新能源汽车', 'known codes are localised');
  assert.equal(plateTypeText({ type: '77', type_name: '新类型' }, t), '新类型', 'unknown codes show the gateway\'s name');
  assert.equal(plateTypeText({ kind: 'police' }, t), '警用号牌');
  assert.equal(plateTypeText(null, t), '');
  assert.equal(plateColorText('green', t), '绿牌');
  assert.equal(plateColorText('pink', t), '');
});

test('listHitInfo and listHitText: block marks 布控, allow 白名单, distance only when fuzzy', () => {
  const block = { list: 'block', name: '布控车辆', entry: '京A6K789', note: '盗抢', distance: 0 };
  assert.deepEqual(listHitInfo(block, t), { block: true, mark: '布控', name: '布控车辆', entry: '京A6K789', note: '盗抢', distance: '' });
  assert.equal(listHitText(block, t), '布控 · 布控车辆 · 京A6K789 · 盗抢');
  assert.equal(listHitText({ list: 'allow', entry: '粤B12345', distance: 1 }, t), '白名单 · 粤B12345 · 相差 1 字');
  assert.equal(listHitInfo({ list: 'grey' }, t), null);
  assert.equal(listHitText(undefined, t), '');
});

test('describeAlert and plateSummary carry the plate of a plate alert', () => {
  const a = {
    type: 'plate', action: 'pulse', frame_time: '2026-03-01T08:00:00Z', camera: { id: 'gate' }, rule: { id: 'p', name: '北门', type: 'plate' },
    plate: { text: '粤D12345', display: '粤D·12345', color: 'blue', kind: 'ordinary', type: '02', type_name: '小型汽车', confidence: 0.93 },
    list_hit: { list: 'block', name: '布控车辆', entry: '粤D12345', note: '盗抢', distance: 0 },
  };
  const d = describeAlert(a, t);
  assert.equal(d.plate, '粤D·12345 小型汽车 93%');
  assert.equal(d.listHit, '布控 · 布控车辆 · 粤D12345 · 盗抢');
  assert.equal(d.title, '车牌识别 · 触发');
  assert.equal(plateSummary({ type: 'intrusion' }, t), '');
});

test('normBox: objects and corner arrays, clipped, pixels refused', () => {
  const cases = [
    [{ x: 0.1, y: 0.2, w: 0.3, h: 0.4 }, { x: 0.1, y: 0.2, w: 0.3, h: 0.4 }],
    [[0.5, 0.5, 0.75, 1], { x: 0.5, y: 0.5, w: 0.25, h: 0.5 }],
    [{ x: 0.9, y: 0.9, w: 0.2, h: 0.2 }, { x: 0.9, y: 0.9, w: 0.1, h: 0.1 }],
    [[410, 300, 520, 336], null],
    [{ x: 0.1, y: 0.1, w: 0, h: 0.1 }, null],
    [{ x: 0.1, y: 0.1 }, null],
    [null, null],
    ['0,0,1,1', null],
  ];
  for (const [b, want] of cases) {
    const got = normBox(b);
    if (!want) { assert.equal(got, null, JSON.stringify(b)); continue; }
    for (const k of ['x', 'y', 'w', 'h']) assert.ok(Math.abs(got[k] - want[k]) < 1e-9, `${JSON.stringify(b)} ${k}`);
  }
});

test('normalizeQueryText: separators out, Latin letters upper-case', () => {
  const cases = [['粤d·123', '粤D123'], [' 京A 6k789 ', '京A6K789'], ['a-b.c', 'ABC'], ['', ''], [null, '']];
  for (const [s, want] of cases) assert.equal(normalizeQueryText(s), want, String(s));
});

test('datetime-local values ↔ RFC 3339 in UTC, default range the last 24 hours', () => {
  const local = new Date(2026, 2, 1, 8, 5);
  assert.equal(toLocalInput(local), '2026-03-01T08:05');
  assert.equal(localInputToRFC3339('2026-03-01T08:05'), local.toISOString().replace('.000Z', 'Z'));
  assert.equal(localInputToRFC3339('2026-03-01T08:05:09'), new Date(2026, 2, 1, 8, 5, 9).toISOString().replace('.000Z', 'Z'));
  for (const bad of ['', 'yesterday', '2026-03-01', '2026-3-1T8:05', null]) assert.equal(localInputToRFC3339(bad), '', String(bad));
  assert.equal(toLocalInput(new Date('x')), '');
  const now = new Date(2026, 2, 2, 10, 30, 45);
  assert.deepEqual(lastDayRange(now), { from: '2026-03-01T10:30', to: '2026-03-02T10:30' });
});

test('searchProblems: local checks of the search form', () => {
  const keys = (f) => searchProblems(f).map((e) => `${e.field}=${e.key}`);
  const range = { from: '2026-03-01T08:00', to: '2026-03-02T08:00' };
  const cases = [
    [{ text: '', match: 'prefix', ...range }, []],
    [{ text: '', match: 'fuzzy', ...range }, ['text=plates.err.textRequired']],
    [{ text: ' · ', match: 'contains', ...range }, ['text=plates.err.textRequired']],
    [{ text: '粤D1', match: 'fuzzy', ...range }, []],
    [{ text: '', match: 'regex', ...range }, ['match=plates.err.match']],
    [{ text: '', match: 'prefix', from: '2026-03-02T08:00', to: '2026-03-01T08:00' }, ['to=plates.err.range']],
    [{ text: '', match: 'prefix', from: 'soon', to: '' }, ['from=plates.err.time']],
    [{ text: '', match: 'prefix', from: '', to: '' }, []],
  ];
  for (const [f, want] of cases) assert.deepEqual(keys(f), want, JSON.stringify(f));
});

test('platesURL builds the GET /api/v1/plates query', () => {
  const from = '2026-03-01T08:00', to = '2026-03-02T08:00';
  const iso = (v) => encodeURIComponent(localInputToRFC3339(v));
  const cases = [
    { name: 'empty form', f: {}, want: '/api/v1/plates?limit=50' },
    { name: 'prefix is the default, text normalised', f: { text: '粤d·12', match: 'prefix' },
      want: `/api/v1/plates?text=${encodeURIComponent('粤D12')}&limit=50` },
    { name: 'fuzzy with a distance', f: { text: 'D12345', match: 'fuzzy', maxDist: '2' }, want: '/api/v1/plates?text=D12345&match=fuzzy&max_dist=2&limit=50' },
    { name: 'fuzzy, default distance', f: { text: 'D12345', match: 'fuzzy', maxDist: '' }, want: '/api/v1/plates?text=D12345&match=fuzzy&limit=50' },
    { name: 'a distance only goes with fuzzy', f: { text: 'D1', match: 'contains', maxDist: '2' }, want: '/api/v1/plates?text=D1&match=contains&limit=50' },
    { name: 'cameras and colours comma-joined, unknown colours dropped', f: { cameras: ['gate-n', 'gate-s'], colors: ['blue', 'pink', 'green'] },
      want: '/api/v1/plates?camera=gate-n,gate-s&color=blue,green&limit=50' },
    { name: 'time range in UTC', f: { from, to }, want: `/api/v1/plates?from=${iso(from)}&to=${iso(to)}&limit=50` },
  ];
  for (const c of cases) assert.equal(platesURL(c.f), c.want, c.name);
  assert.equal(platesURL({ text: 'D1' }, 'c:9/x', 20), '/api/v1/plates?text=D1&limit=20&before=c%3A9%2Fx', 'paging');
});

test('appendPlates: pages append, records already held are skipped, truncated passes through', () => {
  const rec = (id) => ({ event_id: id, text: id });
  let s = appendPlates([], { plates: [rec('a'), rec('b')], next: 'n1' });
  assert.deepEqual(s.rows.map((r) => r.event_id), ['a', 'b']);
  assert.equal(s.next, 'n1');
  assert.equal(s.truncated, false);
  s = appendPlates(s.rows, { plates: [rec('b'), rec('c'), { text: 'no id' }], next: 'n2', truncated: true });
  assert.deepEqual(s.rows.map((r) => r.event_id), ['a', 'b', 'c']);
  assert.equal(s.truncated, true);
  s = appendPlates(s.rows, { plates: [] });
  assert.equal(s.next, '');
  assert.equal(appendPlates([], null).rows.length, 0);
});
