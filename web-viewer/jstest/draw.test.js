// The rule editor's drawing state machine (static/draw.js). node --test web-viewer/jstest/
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { Drawing } from '../static/draw.js';

function drawing(tool, w = 1000, h = 1000) {
  const d = new Drawing(tool);
  d.setSize(w, h);
  return d;
}

test('polygon: presses add corners, a press on the first point closes it', () => {
  const d = drawing('polygon');
  assert.equal(d.state, 'idle');
  assert.equal(d.press([0.2, 0.2]), 'start');
  assert.equal(d.state, 'drawing');
  assert.equal(d.press([0.7, 0.25]), 'add');
  assert.equal(d.press([0.75, 0.8]), 'add');
  assert.equal(d.press([0.25, 0.75]), 'add');
  assert.equal(d.press([0.203, 0.198]), 'close', 'within 10 px of the first point');
  assert.equal(d.state, 'done');
  assert.deepEqual(d.snapshot(), [[0.2, 0.2], [0.7, 0.25], [0.75, 0.8], [0.25, 0.75]]);
});

test('polygon: the first point does not close fewer than 3 corners; finish() needs 3', () => {
  const d = drawing('polygon');
  d.press([0.2, 0.2]);
  d.press([0.6, 0.2]);
  assert.equal(d.finish(), false);
  assert.equal(d.press([0.6, 0.2]), 'none', 'the second press of a double-click adds nothing');
  assert.equal(d.points.length, 2);
  d.press([0.5, 0.6]);
  assert.equal(d.finish(), true, 'Enter / double-click closes with 3 corners');
  assert.equal(d.state, 'done');
});

test('line: the second press finishes it; polyline needs finish()', () => {
  const line = drawing('line');
  line.press([0.1, 0.5]);
  assert.equal(line.press([0.9, 0.5]), 'close');
  assert.equal(line.state, 'done');
  assert.equal(line.points.length, 2);

  const pl = drawing('polyline');
  pl.press([0.1, 0.5]);
  pl.press([0.4, 0.4]);
  pl.press([0.7, 0.6]);
  assert.equal(pl.state, 'drawing');
  assert.equal(pl.finish(), true);
  assert.equal(pl.points.length, 3);
});

test('done: drag a vertex, insert on an edge, delete the selected vertex', () => {
  const d = drawing('polygon', 1600, 900);
  d.load('polygon', [[0.1, 0.1], [0.5, 0.1], [0.5, 0.5], [0.1, 0.5]]);
  assert.equal(d.state, 'done');
  assert.equal(d.press([0.502, 0.101]), 'select');
  assert.equal(d.selected, 1);
  assert.equal(d.move([0.6, 0.2]), true);
  d.release();
  assert.deepEqual(d.points[1], [0.6, 0.2]);
  assert.equal(d.move([0.7, 0.7]), false, 'no drag after release');

  assert.equal(d.press([0.1, 0.3]), 'insert', 'on the closing edge 3→0');
  assert.equal(d.points.length, 5);
  assert.deepEqual(d.points[4], [0.1, 0.3]);
  d.release();
  assert.equal(d.selected, 4);
  assert.equal(d.removeSelected(), true);
  assert.equal(d.points.length, 4);

  assert.equal(d.press([0.9, 0.9]), 'deselect');
  assert.equal(d.press([0.9, 0.9]), 'none');
  d.press([0.1, 0.1]);
  d.release();
  d.removeSelected();
  assert.equal(d.points.length, 3);
  assert.equal(d.removeSelected(), false, 'a polygon keeps 3 corners');
});

test('Esc: cancels the drawing and restores the previous shape after redraw', () => {
  const d = drawing('polygon');
  d.load('polygon', [[0.1, 0.1], [0.5, 0.1], [0.5, 0.5]]);
  d.redraw();
  assert.equal(d.state, 'idle');
  d.press([0.3, 0.3]);
  d.press([0.6, 0.3]);
  assert.equal(d.cancel(), true);
  assert.equal(d.state, 'done');
  assert.deepEqual(d.points, [[0.1, 0.1], [0.5, 0.1], [0.5, 0.5]]);

  const fresh = drawing('polygon');
  fresh.press([0.3, 0.3]);
  fresh.cancel();
  assert.equal(fresh.state, 'idle');
  assert.deepEqual(fresh.points, []);
});

test('Backspace while drawing removes the last point, down to idle', () => {
  const d = drawing('polyline');
  d.press([0.1, 0.1]);
  d.press([0.5, 0.5]);
  assert.equal(d.removeSelected(), true);
  assert.equal(d.points.length, 1);
  d.removeSelected();
  assert.equal(d.state, 'idle');
});

test('setTool: line ↔ polyline keeps a finished line, polygon drops it', () => {
  const d = drawing('line');
  d.load('line', [[0.1, 0.5], [0.9, 0.5]]);
  assert.equal(d.setTool('polyline'), false);
  assert.equal(d.state, 'done');
  assert.equal(d.setTool('polygon'), true, 'points dropped');
  assert.equal(d.state, 'idle');
  assert.deepEqual(d.points, []);
  const short = drawing('polygon');
  short.load('polygon', [[0.1, 0.1], [0.2, 0.2]]);
  assert.equal(short.state, 'idle', 'too few points load as nothing');
});

test('points are clamped to the image and rounded', () => {
  const d = drawing('line');
  d.press([-0.2, 0.123456]);
  d.press([1.4, 0.5]);
  assert.deepEqual(d.points, [[0, 0.1235], [1, 0.5]]);
});
