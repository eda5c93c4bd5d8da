// Rule-editor geometry (static/geom.js): side convention, arrows, point in polygon,
// self-intersection, hit testing. node --test web-viewer/jstest/
import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  clampUnit, cross, hitSegment, hitVertex, pointInPolygon, polygonArea, segmentArrow, segmentsIntersect,
  selfIntersection, shapeProblem, sideOf, toUnit, tripwireArrows,
} from '../static/geom.js';

const near = (a, b, eps = 1e-9) => assert.ok(Math.abs(a - b) < eps, `${a} ≈ ${b}`);
const SQUARE = { w: 1000, h: 1000 };
const WIDE = { w: 1600, h: 900 };

test('sideOf follows the rules README: A is the walker\'s left, y down', () => {
  const cases = [
    // name, a, b, p, want
    ['left→right line: above is A', [0, 0.6], [1, 0.6], [0.5, 0.2], 'A'],
    ['left→right line: below is B', [0, 0.6], [1, 0.6], [0.5, 0.9], 'B'],
    ['right→left line: above is B', [1, 0.6], [0, 0.6], [0.5, 0.2], 'B'],
    ['top→bottom line: right is A', [0.5, 0], [0.5, 1], [0.9, 0.5], 'A'],
    ['top→bottom line: left is B', [0.5, 0], [0.5, 1], [0.1, 0.5], 'B'],
    ['bottom→top line: left is A', [0.5, 1], [0.5, 0], [0.1, 0.5], 'A'],
    ['on the line', [0, 0], [1, 1], [0.5, 0.5], 'on'],
    ['zero-length line', [0.3, 0.3], [0.3, 0.3], [0.5, 0.5], 'on'],
  ];
  for (const [name, a, b, p, want] of cases) assert.equal(sideOf(a, b, p), want, name);
  assert.ok(cross([0, 0.6], [1, 0.6], [0.5, 0.2]) < 0, 'same sign as the gateway (negative on A)');
});

test('segmentArrow: perpendicular through the middle, A→B / B→A / both', () => {
  for (const size of [SQUARE, WIDE]) {
    for (const [a, b] of [[[0.1, 0.5], [0.9, 0.5]], [[0.5, 0.1], [0.5, 0.9]], [[0.2, 0.8], [0.7, 0.3]], [[0.9, 0.2], [0.1, 0.7]]]) {
      const arr = segmentArrow(a, b, 'a_to_b', size);
      near(arr.mid[0], (a[0] + b[0]) / 2); near(arr.mid[1], (a[1] + b[1]) / 2);
      assert.equal(sideOf(a, b, arr.labelA), 'A', 'label A lies on side A');
      assert.equal(sideOf(a, b, arr.labelB), 'B', 'label B lies on side B');
      assert.equal(sideOf(a, b, arr.tail), 'A', 'a_to_b starts on A');
      assert.equal(sideOf(a, b, arr.tip), 'B', 'a_to_b points into B');
      // Perpendicular on screen: the dot product in pixels is zero.
      const sx = (arr.tip[0] - arr.tail[0]) * size.w, sy = (arr.tip[1] - arr.tail[1]) * size.h;
      const lx = (b[0] - a[0]) * size.w, ly = (b[1] - a[1]) * size.h;
      near((sx * lx + sy * ly) / (Math.hypot(sx, sy) * Math.hypot(lx, ly)), 0, 1e-9);
      near(Math.hypot(sx, sy), 52, 1e-6); // 2 × len pixels, whatever the aspect
      assert.equal(arr.heads.length, 1);
      assert.deepEqual(arr.heads[0][0], arr.tip, 'the head sits on the tip');

      const back = segmentArrow(a, b, 'b_to_a', size);
      assert.equal(sideOf(a, b, back.tip), 'A', 'b_to_a points into A');
      assert.equal(sideOf(a, b, back.labelA), 'A', 'labels do not move with the direction');
      assert.equal(segmentArrow(a, b, 'both', size).heads.length, 2, 'both: two heads');
      assert.equal(segmentArrow(a, b, '', size).heads.length, 2, 'default is both');
    }
  }
});

test('tripwireArrows: one per polyline segment, skipping zero-length ones', () => {
  const pts = [[0.1, 0.5], [0.4, 0.5], [0.4, 0.5], [0.8, 0.9]];
  const arrows = tripwireArrows(pts, 'a_to_b', WIDE);
  assert.equal(arrows.length, 2);
  assert.equal(sideOf(pts[2], pts[3], arrows[1].tip), 'B');
});

test('pointInPolygon: even-odd, boundary inside, concave', () => {
  const square = [[0.2, 0.2], [0.8, 0.2], [0.8, 0.8], [0.2, 0.8]];
  const concave = [[0.1, 0.1], [0.9, 0.1], [0.9, 0.9], [0.5, 0.4], [0.1, 0.9]]; // notch from below
  const cases = [
    ['centre', [0.5, 0.5], square, true],
    ['outside', [0.9, 0.5], square, false],
    ['on an edge', [0.5, 0.2], square, true],
    ['on a corner', [0.8, 0.8], square, true],
    ['in the notch', [0.5, 0.8], concave, false],
    ['beside the notch', [0.2, 0.7], concave, true],
    ['degenerate polygon', [0.1, 0.1], [[0.1, 0.1], [0.2, 0.2]], false],
  ];
  for (const [name, p, poly, want] of cases) assert.equal(pointInPolygon(p, poly), want, name);
  near(polygonArea(square), 0.36);
});

test('segmentsIntersect: crossing, touching, collinear, apart', () => {
  const cases = [
    ['cross', [0, 0], [1, 1], [0, 1], [1, 0], true],
    ['touch at an end', [0, 0], [0.5, 0.5], [0.5, 0.5], [1, 0], true],
    ['T junction', [0, 0.5], [1, 0.5], [0.5, 0.5], [0.5, 1], true],
    ['collinear overlap', [0, 0], [0.6, 0], [0.4, 0], [1, 0], true],
    ['collinear apart', [0, 0], [0.3, 0], [0.4, 0], [1, 0], false],
    ['parallel', [0, 0], [1, 0], [0, 0.1], [1, 0.1], false],
    ['beyond the end', [0, 0], [0.4, 0.4], [0.5, 0], [0.5, 1], false],
  ];
  for (const [name, p1, p2, q1, q2, want] of cases) assert.equal(segmentsIntersect(p1, p2, q1, q2), want, name);
});

test('selfIntersection mirrors the gateway for polygons and polylines', () => {
  const cases = [
    ['simple square', [[0.1, 0.1], [0.9, 0.1], [0.9, 0.9], [0.1, 0.9]], true, null],
    ['bow tie', [[0.1, 0.1], [0.9, 0.9], [0.9, 0.1], [0.1, 0.9]], true, [0, 2]],
    ['fold back', [[0.1, 0.1], [0.5, 0.1], [0.3, 0.1], [0.3, 0.5]], true, [0, 1]],
    ['triangle', [[0.1, 0.1], [0.9, 0.1], [0.5, 0.9]], true, null],
    ['polyline zig-zag', [[0.1, 0.5], [0.4, 0.4], [0.7, 0.6], [0.9, 0.5]], false, null],
    ['polyline crossing itself', [[0.1, 0.1], [0.9, 0.9], [0.9, 0.1], [0.1, 0.9]], false, [0, 2]],
    ['polyline folding back is allowed', [[0.1, 0.5], [0.6, 0.5], [0.3, 0.5]], false, null],
    ['two-point line', [[0.1, 0.5], [0.9, 0.5]], false, null],
  ];
  for (const [name, pts, closed, want] of cases) assert.deepEqual(selfIntersection(pts, closed), want, name);
});

test('shapeProblem: what the editor warns about before saving', () => {
  const cases = [
    ['good polygon', 'polygon', [[0.1, 0.1], [0.9, 0.1], [0.5, 0.9]], null],
    ['too few', 'polygon', [[0.1, 0.1], [0.9, 0.1]], 'geom.tooFew'],
    ['repeat', 'polygon', [[0.1, 0.1], [0.1, 0.1], [0.9, 0.1], [0.5, 0.9]], 'geom.repeat'],
    ['closes on first', 'polygon', [[0.1, 0.1], [0.9, 0.1], [0.5, 0.9], [0.1, 0.1]], 'geom.closesOnFirst'],
    ['collinear', 'polygon', [[0.1, 0.1], [0.5, 0.5], [0.9, 0.9]], 'geom.collinear'],
    ['bow tie', 'polygon', [[0.1, 0.1], [0.9, 0.9], [0.9, 0.1], [0.1, 0.9]], 'geom.selfIntersect'],
    ['good line', 'line', [[0.1, 0.5], [0.9, 0.5]], null],
    ['zero-length line', 'line', [[0.1, 0.5], [0.1, 0.5]], 'geom.repeat'],
    ['line with 3 points', 'line', [[0.1, 0.5], [0.5, 0.5], [0.9, 0.5]], 'geom.tooMany'],
    ['crossing polyline', 'polyline', [[0.1, 0.1], [0.9, 0.9], [0.9, 0.1], [0.1, 0.9]], 'geom.selfIntersect'],
  ];
  for (const [name, tool, pts, want] of cases) {
    const got = shapeProblem(tool, pts);
    assert.equal(got ? got.key : null, want, name);
  }
  assert.deepEqual(shapeProblem('polygon', [[0.1, 0.1], [0.9, 0.9], [0.9, 0.1], [0.1, 0.9]]).edges, [0, 2]);
});

test('hit testing in pixels on a stretched image', () => {
  const pts = [[0.1, 0.1], [0.5, 0.1], [0.5, 0.5]];
  // 8 px right of vertex 1 on a 1600 px wide image is 0.005 in x.
  assert.equal(hitVertex(pts, [0.505, 0.1], WIDE, 10), 1);
  assert.equal(hitVertex(pts, [0.52, 0.1], WIDE, 10), -1, '32 px away');
  assert.equal(hitVertex(pts, [0.3, 0.3], WIDE, 10), -1);
  // Nearest wins when two are in range.
  assert.equal(hitVertex([[0.5, 0.5], [0.503, 0.5]], [0.5025, 0.5], WIDE, 10), 1);
  assert.equal(hitSegment(pts, [0.3, 0.105], WIDE, 10, false), 0, '4.5 px below edge 0');
  assert.equal(hitSegment(pts, [0.3, 0.3], WIDE, 10, false), -1, 'open path: no closing edge');
  assert.equal(hitSegment(pts, [0.3, 0.3], WIDE, 10, true), 2, 'closed: the edge back to point 0');
});

test('toUnit and clampUnit', () => {
  const rect = { left: 100, top: 50, width: 800, height: 450 };
  assert.deepEqual(toUnit(500, 275, rect), [0.5, 0.5]);
  assert.deepEqual(toUnit(0, 1000, rect), [0, 1], 'clamped to the image');
  assert.deepEqual(toUnit(1, 1, { left: 0, top: 0, width: 0, height: 0 }), [0, 0]);
  assert.equal(clampUnit(0.123456), 0.1235);
  assert.equal(clampUnit(NaN), 0);
});
