// Unit tests of the viewer's pure helpers: node --test web-viewer/jstest/ (Node 20+, no npm).
import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  boundsOf, fitView, project, ringCentroid, ringsToPath, tileURL, tileZoom, toScreen, unproject,
  visibleTiles, zoomAt,
} from '../static/geo.js';
import { alertLevel, buildTree, camerasForGrid, gridAlerts, matchesQuery } from '../static/grids.js';
import {
  actionLabel, describeAlert, eventsURL, formatDuration, formatLocalTime, typeLabel, wallLayout, wallPage, whepURL,
} from '../static/format.js';
import { AlertFeedModel } from '../static/feedmodel.js';
import { backoffDelay, isFatalStatus, trickleFragment } from '../static/whep.js';
import { dictionaries, t } from '../static/i18n.js';

const close = (a, b, eps = 1e-9) => assert.ok(Math.abs(a - b) < eps, `${a} ≈ ${b}`);

test('project: known points and round trip', () => {
  const [x0, y0] = project(0, 0);
  close(x0, 0.5); close(y0, 0.5);
  const [x1] = project(180, 0);
  close(x1, 1);
  // 汕头 area, as in the grid fixtures.
  const [x, y] = project(116.729, 23.286);
  const [lon, lat] = unproject(x, y);
  close(lon, 116.729, 1e-9); close(lat, 23.286, 1e-9);
  assert.ok(project(0, 89)[1] >= 0 && project(0, -89)[1] <= 1, 'latitudes are clamped');
});

test('tiles match the slippy-map scheme', () => {
  // Tile z=16 containing 116.729,23.286: x = floor(2^16 * wx), y = floor(2^16 * wy).
  const [wx, wy] = project(116.729, 23.286);
  const z = 16, n = 2 ** z;
  const view = { scale: 256 * n, tx: -wx * 256 * n + 400, ty: -wy * 256 * n + 300 };
  assert.equal(tileZoom(view), 16);
  const tiles = visibleTiles(view, 800, 600);
  const centre = tiles.find((tl) => tl.left <= 400 && tl.left + tl.size > 400 && tl.top <= 300 && tl.top + tl.size > 300);
  assert.deepEqual([centre.x, centre.y], [Math.floor(wx * n), Math.floor(wy * n)]);
  close(centre.size, 256);
  assert.ok(tiles.length >= 12 && tiles.length <= 24, `${tiles.length} tiles for 800×600`);
  assert.equal(tileURL('/t/{z}/{x}/{y}.png', 3, 5, 2), '/t/3/5/2.png');
  assert.equal(tileURL('/t/{z}/{x}/{-y}.png', 3, 5, 2), '/t/3/5/5.png');
});

test('visibleTiles wraps x and drops rows outside the world', () => {
  const view = { scale: 256, tx: 0, ty: 0 }; // the whole world at z0, 256 px
  const tiles = visibleTiles(view, 600, 600);
  assert.ok(tiles.every((tl) => tl.z === 0 && tl.x === 0 && tl.y === 0));
  assert.equal(tiles.length, 3, 'x repeats three times across 600 px, one row');
});

test('fitView puts the bounds inside the viewport, zoomAt keeps the cursor point', () => {
  const b = boundsOf([[116.72, 23.28], [116.74, 23.30]]);
  const v = fitView(b, 1000, 600, 20);
  const [ax, ay] = toScreen(v, b.minX, b.minY), [bx, by] = toScreen(v, b.maxX, b.maxY);
  for (const [sx, sy] of [[ax, ay], [bx, by]]) assert.ok(sx >= 19.9 && sx <= 980.1 && sy >= 19.9 && sy <= 580.1);
  close((ax + bx) / 2, 500, 1e-6); close((ay + by) / 2, 300, 1e-6);
  const z = zoomAt(v, 2, 123, 456);
  const wx = (123 - v.tx) / v.scale, wy = (456 - v.ty) / v.scale;
  const [sx, sy] = toScreen(z, wx, wy);
  close(sx, 123, 1e-6); close(sy, 456, 1e-6);
  assert.equal(boundsOf([]), null);
});

test('ringsToPath and ringCentroid', () => {
  const ring = [[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]];
  const d = ringsToPath([ring], (x, y) => [x * 1000, y * 1000]);
  assert.match(d, /^M[\d.]+,[\d.]+(L[\d.]+,[\d.]+){4}Z$/);
  const [cx, cy] = ringCentroid(ring);
  close(cx, 1); close(cy, 1);
  assert.equal(ringsToPath([[[0, 0], [1, 1]]], (x, y) => [x, y]), '', 'degenerate rings are skipped');
});

const features = [
  { id: 's1', geometry: null, properties: { code: '440512001', name: '街道', level: 'street', parent: '', cameras: [], subtree_cameras: ['c1', 'c2', 'c3'], alerts_1h: 0, subtree_alerts_1h: 7 } },
  { id: 'c1', geometry: null, properties: { code: '440512001002', name: '社区', level: 'community', parent: '440512001', cameras: [], subtree_cameras: ['c1', 'c2'], alerts_1h: 0, subtree_alerts_1h: 7 } },
  { id: 'g2', geometry: { type: 'Polygon', coordinates: [[[116.72, 23.28], [116.73, 23.28], [116.73, 23.29], [116.72, 23.28]]] }, properties: { code: '440512001002002', name: '第2网格', level: 'grid', parent: '440512001002', cameras: ['c2'], subtree_cameras: ['c2'], alerts_1h: 6 } },
  { id: 'g1', geometry: null, properties: { code: '440512001002001', name: '第1网格', level: 'grid', parent: '440512001002', cameras: ['c1'], subtree_cameras: ['c1'], alerts_1h: 1 } },
  { id: 'sch', geometry: null, properties: { code: '440512001900', name: '第一中学', level: 'school', parent: '440512001', cameras: ['c3'], subtree_cameras: ['c3'], alerts_1h: 0 } },
  { id: 'orphan', geometry: null, properties: { code: '440599', name: '孤立', level: 'grid', parent: '999', cameras: [], subtree_cameras: [] } },
  { id: 'loopA', geometry: null, properties: { code: '1001', name: 'A', level: 'community', parent: '1002' } },
  { id: 'loopB', geometry: null, properties: { code: '1002', name: 'B', level: 'community', parent: '1001' } },
];

test('buildTree: hierarchy, industry section, orphans and cycles', () => {
  const { roots, industry, byCode } = buildTree(features);
  const rootCodes = roots.map((r) => r.props.code);
  assert.deepEqual(rootCodes, ['1001', '1002', '440512001', '440599']);
  const street = roots.find((r) => r.props.code === '440512001');
  assert.deepEqual(street.children.map((c) => c.props.code), ['440512001002'], 'the school is not in the admin tree');
  assert.deepEqual(street.children[0].children.map((c) => c.props.code), ['440512001002001', '440512001002002'], 'sorted by code');
  assert.deepEqual(industry.school.map((n) => n.props.code), ['440512001900']);
  assert.equal(byCode.size, 8);
  assert.ok(matchesQuery(street, '第2'));
  assert.ok(!matchesQuery(street, '不存在'));
});

test('grid cameras and alert levels', () => {
  assert.deepEqual(camerasForGrid(features[2].properties), ['c2']);
  assert.deepEqual(camerasForGrid(features[0].properties), ['c1', 'c2', 'c3'], 'subtree when it has none of its own');
  assert.deepEqual(camerasForGrid(null), []);
  assert.equal(alertLevel(0), 'none');
  assert.equal(alertLevel(1), 'few');
  assert.equal(alertLevel(4), 'few');
  assert.equal(alertLevel(5), 'many');
  assert.equal(gridAlerts(features[0].properties), 7, 'streets show their subtree');
  assert.equal(gridAlerts(features[2].properties), 6);
});

test('wall layout and paging', () => {
  assert.deepEqual([0, 1, 2, 4, 5, 9, 10, 16, 40].map(wallLayout), [1, 1, 4, 4, 9, 9, 16, 16, 16]);
  const ids = Array.from({ length: 20 }, (_, i) => `c${i}`);
  assert.deepEqual(wallPage(ids, 16, 1), { page: 1, pages: 2, ids: ids.slice(16) });
  assert.equal(wallPage(ids, 16, 2).page, 0, 'wraps');
  assert.equal(wallPage(ids, 16, -1).page, 1, 'wraps backwards');
  assert.deepEqual(wallPage([], 1, 0), { page: 0, pages: 1, ids: [] });
});

test('URLs', () => {
  assert.equal(whepURL('cam-hd-001', 'sub'), '/api/v1/cameras/cam-hd-001/whep?stream=sub');
  assert.equal(whepURL('a b/c', 'main'), '/api/v1/cameras/a%20b%2Fc/whep?stream=main');
  assert.equal(eventsURL('', ['tripwire', 'intrusion', 'loitering', 'crowd_dwell', 'plate']), '/api/v1/events/stream?replay=50');
  assert.equal(eventsURL('', ['tripwire', 'intrusion', 'crowd_dwell', 'plate']), '/api/v1/events/stream?replay=50&type=tripwire,intrusion,crowd_dwell,plate',
    'leaving one type out filters');
  assert.equal(eventsURL('440512001002003', ['tripwire', 'plate']), '/api/v1/events/stream?replay=50&grid=440512001002003&type=tripwire,plate');
});

test('alert formatting in Chinese', () => {
  assert.equal(typeLabel('tripwire', t), '越线/绊线');
  assert.equal(typeLabel('crowd_dwell', t), '人员聚集');
  assert.equal(actionLabel('pulse', t), '触发');
  assert.equal(typeLabel('new_kind', t), 'new_kind', 'unknown types pass through');
  const now = new Date(2025, 4, 6, 12, 0, 0);
  const local = new Date(2025, 4, 6, 9, 5, 7);
  assert.equal(formatLocalTime(local.toISOString(), now), '09:05:07');
  assert.equal(formatLocalTime(new Date(2025, 4, 5, 23, 1, 2).toISOString(), now), '2025-05-05 23:01:02');
  assert.equal(formatLocalTime('garbage', now), '');
  assert.equal(formatDuration(65000), '1:05');
  assert.equal(formatDuration(3723000), '1:02:03');
  const d = describeAlert({
    type: 'tripwire', action: 'pulse', frame_time: local.toISOString(), direction: 'a_to_b',
    camera: { id: 'cam-1', name: '东门' }, grid: { code: '1', name: '第1网格' }, rule: { id: 'r', name: '东门越线', type: 'tripwire' },
    objects: [{ track_id: 1, class: 'person', score: 0.9, bbox: { x: 0, y: 0, w: 0.1, h: 0.1 } }],
  }, t, now);
  assert.deepEqual(d, {
    title: '越线/绊线 · 触发', type: '越线/绊线', action: '触发', time: '09:05:07', camera: '东门', grid: '第1网格',
    rule: '东门越线', direction: 'A→B', duration: '', count: '', objects: '行人', plate: '', listHit: '',
  });
  const c = describeAlert({
    type: 'crowd_dwell', action: 'end', frame_time: local.toISOString(), duration_ms: 125000, count: 2, peak_count: 7,
    camera: { id: 'cam-1' }, rule: { id: 'sq', name: '广场聚集', type: 'crowd_dwell' }, objects: [],
  }, t, now);
  assert.equal(c.title, '人员聚集 · 结束');
  assert.equal(c.count, '2人 (峰值7人)');
  assert.equal(c.duration, '2:05');
  assert.equal(typeLabel('loitering', t), '徘徊逗留');
});

test('dictionaries have the same keys', () => {
  assert.deepEqual(Object.keys(dictionaries.en).sort(), Object.keys(dictionaries['zh-CN']).sort());
});

function alert(eventId, action, seq, frameTime = `2025-05-06T01:00:0${seq}.000Z`) {
  return { event_id: eventId, message_id: `${eventId}/${action}/${seq}`, action, type: 'intrusion', frame_time: frameTime, camera: { id: 'c1' } };
}

test('feed model: one entry per event, duplicates dropped, bounded', () => {
  const m = new AlertFeedModel(3);
  assert.equal(m.add(alert('e1', 'start', 1)).kind, 'new');
  assert.equal(m.add(alert('e1', 'start', 1)).kind, 'dup', 'a replayed message is ignored');
  const up = m.add(alert('e1', 'end', 2));
  assert.equal(up.kind, 'update');
  assert.equal(up.entry.alert.action, 'end');
  assert.equal(m.add(alert('e1', 'update', 1, '2025-05-06T00:59:59.000Z')).entry.alert.action, 'end', 'an older message does not roll back');
  m.add(alert('e2', 'pulse', 3));
  m.add(alert('e3', 'pulse', 4));
  const r = m.add(alert('e4', 'pulse', 5));
  assert.deepEqual(r.evicted.map((e) => e.eventId), ['e1']);
  assert.deepEqual(m.entries.map((e) => e.eventId), ['e4', 'e3', 'e2'], 'newest first');
  assert.equal(m.forCamera('c1', 2).length, 2);
  assert.equal(m.add({}).kind, 'invalid');
  for (let i = 0; i < 100; i++) m.add(alert(`x${i}`, 'pulse', i));
  assert.ok(m.seen.size <= 12 && m.entries.length === 3, 'memory stays bounded');
});

test('backoff grows, caps and jitters; fatal statuses', () => {
  assert.equal(backoffDelay(0, () => 0.5), 250);
  assert.equal(backoffDelay(3, () => 0.5), 2000);
  assert.equal(backoffDelay(30, () => 0.5), 10000);
  assert.equal(backoffDelay(0, () => 0), 200);
  assert.equal(backoffDelay(0, () => 1), 300);
  assert.ok(isFatalStatus(404) && isFatalStatus(415) && isFatalStatus(422));
  assert.ok(!isFatalStatus(503) && !isFatalStatus(500));
});

test('trickle fragment follows RFC 8840', () => {
  const sdp = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\nm=video 9 UDP/TLS/RTP/SAVPF 102\r\na=ice-ufrag:abcd\r\na=ice-pwd:secretsecret\r\na=mid:0\r\n';
  assert.equal(trickleFragment(sdp, ['candidate:1 1 udp 1 10.0.0.1 5000 typ host'], true),
    'a=ice-ufrag:abcd\r\na=ice-pwd:secretsecret\r\nm=video 9 UDP/TLS/RTP/SAVPF 102\r\na=mid:0\r\n' +
    'a=candidate:1 1 udp 1 10.0.0.1 5000 typ host\r\na=end-of-candidates\r\n');
});
