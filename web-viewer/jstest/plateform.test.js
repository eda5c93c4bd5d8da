// The plate rule's form logic (static/plateform.js) and its two shapes
// (static/plateshapes.js, driven with the real Drawing). node --test web-viewer/jstest/
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { Drawing } from '../static/draw.js';
import {
  entryText, formatEntries, parseEntries, plateFields, plateLocalErrors, plateValues, relabelEntryErrors,
} from '../static/plateform.js';
import { ShapeSet } from '../static/plateshapes.js';

test('parseEntries: one plate per line, a note after the first space or tab', () => {
  const cases = [
    { name: 'bare plates', text: '粤D12345\n京A6K789', entries: [{ text: '粤D12345' }, { text: '京A6K789' }], lines: [1, 2] },
    { name: 'note after a space', text: '粤D12345 盗抢', entries: [{ text: '粤D12345', note: '盗抢' }], lines: [1] },
    { name: 'note after a tab, inner spaces kept', text: '粤D12345\t套牌  嫌疑 ', entries: [{ text: '粤D12345', note: '套牌  嫌疑' }], lines: [1] },
    { name: 'ideographic space', text: '粤D12345\u3000盗抢', entries: [{ text: '粤D12345', note: '盗抢' }], lines: [1] },
    { name: 'blank lines skipped, lines counted', text: '\n  \n粤D12345\r\n\r\n京A6K789 x\n', entries: [{ text: '粤D12345' }, { text: '京A6K789', note: 'x' }], lines: [3, 5] },
    { name: 'separator dot kept', text: '京A·6K789', entries: [{ text: '京A·6K789' }], lines: [1] },
    { name: 'empty', text: '', entries: [], lines: [] },
    { name: 'null', text: null, entries: [], lines: [] },
  ];
  for (const c of cases) assert.deepEqual(parseEntries(c.text), { entries: c.entries, lines: c.lines }, c.name);
});

test('formatEntries reads strings and {text, note}, and round-trips through parseEntries', () => {
  const entries = ['粤D12345', { text: '京A6K789', note: '盗抢' }, { text: '沪C0001警', note: '' }, { text: '' }, null];
  const text = formatEntries(entries);
  assert.equal(text, '粤D12345\n京A6K789 盗抢\n沪C0001警');
  assert.deepEqual(parseEntries(text).entries, [{ text: '粤D12345' }, { text: '京A6K789', note: '盗抢' }, { text: '沪C0001警' }]);
  assert.equal(formatEntries(parseEntries(text).entries), text);
  assert.equal(formatEntries(undefined), '');
  assert.equal(entryText({ text: 'x' }), 'x');
  assert.equal(entryText('y'), 'y');
});

test('plateValues: the form\'s view of a rule, defaults for a new one', () => {
  assert.deepEqual(plateValues(null), { min_plate_height: '', dedupe_window: '', list_distance: '0', lists: [] });
  assert.deepEqual(plateValues({
    min_plate_height: 14, dedupe_window: '5m0s', list_distance: 2,
    lists: [{ kind: 'allow', name: '内部车辆', entries: ['粤B1'] }, { kind: 'weird', entries: [{ text: '粤B2', note: 'n' }] }],
  }), {
    min_plate_height: '14', dedupe_window: '5m0s', list_distance: '2',
    lists: [{ kind: 'allow', name: '内部车辆', entries: '粤B1' }, { kind: 'block', name: '', entries: '粤B2 n' }],
  });
  assert.equal(plateValues({ list_distance: 9 }).list_distance, '0');
});

test('plateFields: empty fields left out, every list row sent', () => {
  assert.deepEqual(plateFields({ classes: ['person'], min_plate_height: ' ', dedupe_window: '', list_distance: '0', lists: [] }), {});
  assert.deepEqual(plateFields({
    classes: ['object', 'car', 'bicycle'], min_plate_height: '0', dedupe_window: ' 90s ', list_distance: '3',
    lists: [{ kind: 'allow', name: '', entries: '' }, { kind: '??', name: 'x', entries: '粤D1 n' }],
  }), {
    classes: ['car', 'object'], min_plate_height: 0, dedupe_window: '90s', list_distance: 3,
    lists: [{ kind: 'allow', entries: [] }, { kind: 'block', name: 'x', entries: [{ text: '粤D1', note: 'n' }] }],
  });
});

test('plateLocalErrors: the gateway\'s bounds, with its field paths', () => {
  const keys = (rule) => plateLocalErrors(rule).map((e) => `${e.field}=${e.key}`);
  const cases = [
    [{}, []],
    [{ min_plate_height: 0 }, []],
    [{ min_plate_height: 8 }, []],
    [{ min_plate_height: 1000 }, []],
    [{ min_plate_height: 7 }, ['min_plate_height=plate.err.height']],
    [{ min_plate_height: 1001 }, ['min_plate_height=plate.err.height']],
    [{ min_plate_height: 12.5 }, ['min_plate_height=plate.err.height']],
    [{ min_plate_height: NaN }, ['min_plate_height=plate.err.height']],
    [{ list_distance: 4 }, ['list_distance=plate.err.distance']],
    [{ lists: [{ kind: 'block', entries: [{ text: '粤D12345' }, { text: '粤'.repeat(17) }] }] }, ['lists[0].entries[1].text=plate.err.entryLong']],
    [{ lists: [{ kind: 'block', entries: [{ text: '粤'.repeat(16) }] }] }, []],
    [{ lists: [{}, { kind: 'block', entries: [{ text: '粤D1', note: '盗'.repeat(86) }] }] }, ['lists[1].entries[0].note=plate.err.noteLong'], 'UTF-8 bytes, not characters'],
    [{ lists: [{ kind: 'block', entries: [{ text: '粤D1', note: '盗'.repeat(85) }] }] }, []],
  ];
  for (const [rule, want] of cases) assert.deepEqual(keys(rule), want, JSON.stringify(rule).slice(0, 80));
  const many = { lists: [{ kind: 'block', entries: Array.from({ length: 20001 }, (_, i) => ({ text: `粤D${i}` })) }] };
  assert.deepEqual(plateLocalErrors(many), [{ field: 'lists', key: 'plate.err.tooMany', params: { n: 20000 } }]);
});

test('relabelEntryErrors: an entry\'s error goes to its textarea with its line number', () => {
  const lists = [{ kind: 'block', name: '', entries: '\n粤D12345\n\n京A6K789 盗抢\n粤E1' }];
  const label = (n) => `第 ${n} 行：`;
  const got = relabelEntryErrors([
    { field: 'lists[0].entries[1].text', message: 'empty plate' },
    { field: 'rules[0].lists[0].entries[2].note', message: 'too long' },
    { field: 'lists[0].entries[9]', message: 'no such line' },
    { field: 'lists[4].entries[0].text', message: 'no such list' },
    { field: 'lists[0].name', message: 'bad name' },
    { field: 'polygon[2]', message: 'outside' },
  ], lists, label);
  assert.deepEqual(got, [
    { field: 'lists[0].entries', message: '第 4 行：empty plate' },
    { field: 'lists[0].entries', message: '第 5 行：too long' },
    { field: 'lists[0].entries', message: 'no such line' },
    { field: 'lists[4].entries', message: 'no such list' },
    { field: 'lists[0].name', message: 'bad name' },
    { field: 'polygon[2]', message: 'outside' },
  ]);
});

// press clicks the drawing at normalised points.
function press(d, ...pts) {
  for (const p of pts) d.press(p);
}

test('ShapeSet keeps a plate rule\'s region and trigger line while the tool switches', () => {
  const rule = { polygon: [[0.1, 0.1], [0.9, 0.1], [0.9, 0.9]], line: [[0.1, 0.5], [0.9, 0.5]] };
  const s = new ShapeSet();
  const d = new Drawing('polygon');
  const first = s.load(rule);
  assert.equal(first, 'polygon');
  d.load(first, s.points[first]);
  assert.deepEqual(s.other(d), { tool: 'line', points: rule.line });

  s.switchTo(d, 'line');
  assert.equal(d.tool, 'line');
  assert.equal(d.state, 'done');
  assert.deepEqual(d.snapshot(), rule.line);
  assert.deepEqual(s.other(d), { tool: 'polygon', points: rule.polygon });

  // Redraw the line, switch back: the new line is parked, the region comes back.
  d.redraw();
  press(d, [0.2, 0.7], [0.8, 0.7]);
  s.switchTo(d, 'polygon');
  assert.deepEqual(d.snapshot(), rule.polygon);
  assert.deepEqual(s.collect(d), { polygon: rule.polygon, line: [[0.2, 0.7], [0.8, 0.7]] });

  // A region still being drawn is finished when saving; cleared shapes save as none.
  d.redraw();
  press(d, [0.1, 0.1], [0.5, 0.1], [0.5, 0.5]);
  assert.equal(d.state, 'drawing');
  assert.deepEqual(s.peek(d).polygon, [], 'peek does not finish it');
  assert.deepEqual(s.collect(d).polygon, [[0.1, 0.1], [0.5, 0.1], [0.5, 0.5]]);
  assert.equal(d.state, 'done');
  d.redraw();
  assert.deepEqual(s.collect(d), { polygon: [], line: [[0.2, 0.7], [0.8, 0.7]] });

  assert.equal(s.load({ line: rule.line }), 'line', 'a rule with only a line opens on it');
  assert.equal(s.load(null), 'polygon');
  assert.deepEqual(s.points, { polygon: [], line: [] });
  const poly = new Drawing('polyline');
  s.keep(poly);
  s.switchTo(poly, 'polyline');
  assert.deepEqual(s.points, { polygon: [], line: [] }, 'tools other than polygon and line are not plate shapes');
});

test('ShapeSet: a half-drawn shape that cannot be finished is dropped on a switch', () => {
  const s = new ShapeSet();
  const d = new Drawing('line');
  press(d, [0.3, 0.3]);
  assert.equal(d.state, 'drawing');
  s.switchTo(d, 'polygon');
  assert.equal(d.tool, 'polygon');
  assert.equal(d.state, 'idle');
  assert.deepEqual(s.points.line, []);
});
