// The rule editor's form logic (static/ruleform.js): field-error mapping, rule JSON per
// type, local checks. node --test web-viewer/jstest/
import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  buildRule, errorTarget, formValues, geometryOf, groupErrors, isClock, isDuration, localErrors, toolsFor,
} from '../static/ruleform.js';

// The error elements the editor has for a rule with two schedule windows.
const KNOWN = new Set([
  'id', 'name', 'type', 'direction', 'classes', 'min_duration', 'min_count', 'clear_count', 'clear_duration',
  'cooldown', 'priority', 'enabled', 'schedule', 'camera', 'geometry', 'form',
  'schedule[0].days', 'schedule[0].from', 'schedule[0].to', 'schedule[0]',
  'schedule[1].days', 'schedule[1].from', 'schedule[1].to', 'schedule[1]',
  'min_plate_height', 'dedupe_window', 'list_distance', 'lists',
  'lists[0].kind', 'lists[0].name', 'lists[0].entries', 'lists[0]',
]);

test('errorTarget maps YAML paths to the nearest error element', () => {
  const cases = [
    ['polygon', 'geometry'],
    ['polygon[2]', 'geometry'],
    ['line', 'geometry'],
    ['line[1]', 'geometry'],
    ['polyline[0]', 'geometry'],
    ['min_count', 'min_count'],
    ['schedule[0].from', 'schedule[0].from'],
    ['schedule[1].days[3]', 'schedule[1].days'],
    ['schedule[5].to', 'schedule'],
    ['schedule', 'schedule'],
    ['classes[1]', 'classes'],
    ['rules[0].min_count', 'min_count'],
    ['rules[3].polygon[1]', 'geometry'],
    ['camera', 'camera'],
    ['min_plate_height', 'min_plate_height'],
    ['lists[0].name', 'lists[0].name'],
    ['lists[0].entries[7].text', 'lists[0].entries'],
    ['rules[2].lists[0].kind', 'lists[0].kind'],
    ['lists[3].kind', 'lists'],
    ['detector.model', 'form'],
    ['', 'form'],
    [undefined, 'form'],
  ];
  for (const [field, want] of cases) assert.equal(errorTarget(field, KNOWN), want, String(field));
});

test('groupErrors keeps the precise path in the text where the target is coarser', () => {
  const got = groupErrors([
    { field: 'polygon[2]', message: 'outside the image' },
    { field: 'polygon', message: 'self-intersecting: edges 0 and 2 cross' },
    { field: 'min_count', message: 'want at least 1 object, got 0' },
    { field: 'weird', message: 'x' },
    null,
  ], KNOWN);
  assert.deepEqual(got.get('geometry'), ['polygon[2]: outside the image', 'polygon: self-intersecting: edges 0 and 2 cross']);
  assert.deepEqual(got.get('min_count'), ['want at least 1 object, got 0']);
  assert.deepEqual(got.get('form'), ['weird: x']);
});

test('buildRule sends only the fields the type uses', () => {
  const base = {
    id: ' zone-1 ', name: '后院', direction: 'a_to_b', classes: ['car', 'person'], min_duration: '5s', cooldown: '10s',
    priority: '2', enabled: true, min_count: '5', clear_count: '3', clear_duration: '10s', schedule: [],
  };
  const poly = { tool: 'polygon', points: [[0.1, 0.1], [0.9, 0.1], [0.5, 0.9]] };
  const intrusion = buildRule({ ...base, type: 'intrusion' }, 'cam1', poly);
  assert.deepEqual(intrusion, {
    camera: 'cam1', type: 'intrusion', id: 'zone-1', name: '后院', enabled: true, priority: 2,
    classes: ['person', 'car'], cooldown: '10s', min_duration: '5s', polygon: poly.points,
  });

  const crowd = buildRule({ ...base, type: 'crowd_dwell' }, 'cam1', poly);
  assert.equal(crowd.min_count, 5);
  assert.equal(crowd.clear_count, 3);
  assert.equal(crowd.clear_duration, '10s');
  assert.equal(crowd.direction, undefined);

  const line = { tool: 'line', points: [[0.1, 0.5], [0.9, 0.5]] };
  const wire = buildRule({ ...base, type: 'tripwire' }, 'cam1', line);
  assert.equal(wire.direction, 'a_to_b');
  assert.deepEqual(wire.line, line.points);
  for (const k of ['min_duration', 'min_count', 'polygon', 'polyline']) assert.equal(wire[k], undefined, k);

  const pl = buildRule({ ...base, type: 'tripwire', direction: 'sideways' }, 'cam1', { tool: 'polyline', points: [[0, 0], [0.5, 0.5], [1, 0]] });
  assert.equal(pl.direction, 'both');
  assert.equal(pl.polyline.length, 3);

  const bare = buildRule({ ...base, id: '', cooldown: '', priority: 'x', classes: [], type: 'loitering' }, 'cam2', null);
  assert.equal(bare.id, undefined, 'no id: the gateway generates one');
  assert.equal(bare.cooldown, undefined);
  assert.equal(bare.priority, undefined);
  assert.equal(bare.classes, undefined);
  assert.equal(bare.polygon, undefined);
});

test('buildRule keeps filled schedule windows, days in week order', () => {
  const v = { ...formValues(null), schedule: [
    { days: ['fri', 'mon'], from: '08:00', to: '18:00' },
    { days: [], from: '', to: '' },
    { days: [], from: '22:00', to: '06:00' },
  ] };
  const r = buildRule(v, 'cam1', null);
  assert.deepEqual(r.schedule, [{ days: ['mon', 'fri'], from: '08:00', to: '18:00' }, { from: '22:00', to: '06:00' }]);
});

test('formValues ↔ buildRule round-trip a saved rule', () => {
  const saved = {
    id: 'gate-in', camera: 'cam1', name: '大门', type: 'tripwire', line: [[0.1, 0.62], [0.9, 0.58]], direction: 'b_to_a',
    classes: ['person'], cooldown: '3s', enabled: false, priority: 1, schedule: [{ days: ['sat'], from: '22:00', to: '06:00' }],
    version: 4, updated_at: '2026-01-01T00:00:00Z', updated_by: 'admin',
  };
  const v = formValues(saved);
  assert.equal(v.priority, '1');
  assert.equal(v.enabled, false);
  const back = buildRule(v, 'cam1', geometryOf(saved));
  const { version, updated_at: u1, updated_by: u2, ...want } = saved;
  assert.deepEqual(back, want);
  assert.deepEqual(formValues(null).classes, ['person'], 'a new rule watches people by default');
  assert.equal(formValues({ type: 'bogus' }).type, 'intrusion');
});

test('geometryOf and toolsFor', () => {
  assert.deepEqual(geometryOf({ polyline: [[0, 0], [1, 1]] }).tool, 'polyline');
  assert.deepEqual(geometryOf({ polygon: [[0, 0], [1, 0], [1, 1]] }).tool, 'polygon');
  assert.deepEqual(geometryOf({ type: 'tripwire' }), { tool: 'line', points: [] });
  assert.deepEqual(geometryOf(null), { tool: 'polygon', points: [] });
  assert.deepEqual(toolsFor('tripwire'), ['line', 'polyline']);
  assert.deepEqual(toolsFor('crowd_dwell'), ['polygon']);
  assert.deepEqual(toolsFor('plate'), ['polygon', 'line'], 'a plate rule has a region and a trigger line');
  const both = { type: 'plate', line: [[0, 0.5], [1, 0.5]], polygon: [[0, 0], [1, 0], [1, 1]] };
  assert.equal(geometryOf(both).tool, 'polygon', 'a plate rule opens on its region');
  assert.equal(geometryOf({ type: 'plate', line: both.line }).tool, 'line');
});

test('buildRule for plate: both shapes optional, plate fields only, no cooldown or min_duration', () => {
  const v = {
    ...formValues(null), type: 'plate', name: '北门卡口', direction: 'a_to_b', classes: ['person', 'bus', 'car'],
    cooldown: '10s', min_duration: '5s', min_plate_height: '14', dedupe_window: '5m', list_distance: '1',
    lists: [{ kind: 'block', name: ' 布控车辆 ', entries: '粤D12345\n\n京A6K789 盗抢 车辆' }, { kind: 'allow', name: '', entries: '' }],
  };
  const region = [[0.1, 0.3], [0.9, 0.3], [0.9, 0.95]], line = [[0.1, 0.6], [0.9, 0.6]];
  const cases = [
    { name: 'region and line', shape: { polygon: region, line }, want: { polygon: region, line, direction: 'a_to_b' } },
    { name: 'region only: no direction', shape: { polygon: region, line: [] }, want: { polygon: region } },
    { name: 'line only', shape: { polygon: [], line }, want: { line, direction: 'a_to_b' } },
    { name: 'neither: the whole picture', shape: { polygon: [], line: [] }, want: {} },
    { name: 'a single {tool, points} shape', shape: { tool: 'line', points: line }, want: { line, direction: 'a_to_b' } },
    { name: 'no shape', shape: null, want: {} },
  ];
  for (const c of cases) {
    assert.deepEqual(buildRule(v, 'cam4', c.shape), {
      camera: 'cam4', type: 'plate', name: '北门卡口', enabled: true, priority: 3,
      classes: ['car', 'bus'], min_plate_height: 14, dedupe_window: '5m', list_distance: 1,
      lists: [
        { kind: 'block', name: '布控车辆', entries: [{ text: '粤D12345' }, { text: '京A6K789', note: '盗抢 车辆' }] },
        { kind: 'allow', entries: [] },
      ],
      ...c.want,
    }, c.name);
  }
  const bare = buildRule({ ...formValues(null), type: 'plate', direction: 'sideways' }, 'cam4', { polygon: [], line });
  assert.equal(bare.direction, 'both');
  for (const k of ['classes', 'min_plate_height', 'dedupe_window', 'list_distance', 'lists', 'cooldown', 'min_duration']) {
    assert.equal(bare[k], undefined, k);
  }
});

test('formValues ↔ buildRule round-trip a saved plate rule (entries as strings or objects)', () => {
  const saved = {
    id: 'gate-plates', camera: 'cam4', name: '北门', type: 'plate', enabled: true, priority: 2,
    polygon: [[0.1, 0.3], [0.9, 0.3], [0.9, 0.95], [0.1, 0.95]], line: [[0.1, 0.6], [0.9, 0.6]], direction: 'b_to_a',
    classes: ['car', 'truck'], min_plate_height: 14, dedupe_window: '5m0s', list_distance: 2,
    lists: [{ kind: 'block', name: '布控车辆', entries: ['粤D12345', { text: '京A·6K789', note: '盗抢' }, { text: '沪C0001警', note: '' }] }],
    schedule: [{ days: ['mon'], from: '08:00', to: '18:00' }], version: 3,
  };
  const v = formValues(saved);
  assert.equal(v.type, 'plate');
  assert.equal(v.lists[0].entries, '粤D12345\n京A·6K789 盗抢\n沪C0001警');
  const back = buildRule(v, 'cam4', { polygon: saved.polygon, line: saved.line });
  const { version, lists, ...rest } = saved;
  assert.deepEqual(back, {
    ...rest,
    lists: [{ kind: 'block', name: '布控车辆', entries: [{ text: '粤D12345' }, { text: '京A·6K789', note: '盗抢' }, { text: '沪C0001警' }] }],
  });
});

test('durations and clock times', () => {
  for (const s of ['5s', '1m30s', '500ms', '1.5h', '0', ' 10s ']) assert.ok(isDuration(s), s);
  for (const s of ['10', '5 s', 's', '-5s', '1d', '']) assert.ok(!isDuration(s), s);
  for (const s of ['00:00', '08:30', '23:59', '24:00']) assert.ok(isClock(s), s);
  for (const s of ['24:01', '8:00', '12:60', 'noon']) assert.ok(!isClock(s), s);
});

test('localErrors: checks the browser can do before asking the gateway', () => {
  const keys = (rule, isNew = true) => localErrors(rule, isNew).map((e) => `${e.field}=${e.key}`);
  assert.deepEqual(keys({ type: 'intrusion', id: 'ok' }), []);
  assert.deepEqual(keys({ type: 'intrusion', id: 'a b' }), ['id=rules.err.idFormat']);
  assert.deepEqual(keys({ type: 'intrusion', id: '大门' }), ['id=rules.err.idFormat'], 'the gateway wants ASCII ids');
  assert.deepEqual(keys({ type: 'intrusion', id: 'x'.repeat(65) }), ['id=rules.err.idFormat']);
  assert.deepEqual(keys({ type: 'intrusion', id: 'gate_in.v-2' }), []);
  assert.deepEqual(keys({ type: 'intrusion', id: 'a b' }, false), [], 'a saved rule keeps its id');
  assert.deepEqual(keys({ type: 'intrusion', cooldown: '10' }), ['cooldown=rules.err.duration']);
  assert.deepEqual(keys({ type: 'loitering' }), ['min_duration=rules.err.required']);
  assert.deepEqual(keys({ type: 'crowd_dwell', min_count: 3, clear_count: 5 }), ['clear_count=rules.err.clearCount']);
  assert.deepEqual(keys({ type: 'crowd_dwell' }), ['min_count=rules.err.minCount']);
  assert.deepEqual(keys({ type: 'intrusion', schedule: [{ from: '8:00', to: '18:00' }, { from: '09:00', to: '09:00' }] }),
    ['schedule[0].from=rules.err.clock', 'schedule[1].to=rules.err.emptyWindow']);
  assert.deepEqual(keys({ type: 'plate' }), [], 'a plate rule needs no shape and no field');
  assert.deepEqual(keys({ type: 'plate', dedupe_window: '5 min', min_plate_height: 4 }),
    ['dedupe_window=rules.err.duration', 'min_plate_height=plate.err.height']);
});
