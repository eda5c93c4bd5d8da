// The rule editor's drawing state machine, pure (no DOM): which tool, which points, what a
// pointer press, move, release, double-click or key does. The canvas module feeds it
// normalised points and renders what it holds.
//
// States: 'idle' (nothing drawn: the next press starts a shape), 'drawing' (a shape is
// being clicked in), 'done' (a finished shape: vertices can be dragged, selected and
// removed, and a press on an edge inserts a vertex).
//
//   line      two presses; the second finishes it
//   polyline  presses add points; finish() (double-click, Enter) ends it (≥ 2 points)
//   polygon   presses add points; a press on the first point, or finish(), closes it (≥ 3)
//
// A press within the hit radius of the last point adds nothing (the second press of a
// double-click). cancel() (Esc) abandons the shape being drawn and restores the previous
// one; removeSelected() (Backspace/Delete) drops the selected vertex, or the last point
// while drawing.

import { clampUnit, hitSegment, hitVertex, MAX_POINTS, MIN_POINTS } from './geom.js';

/** Hit radius of vertices and edges in pixels. */
export const HIT_PX = 10;

/** Drawing holds one shape being drawn or edited. */
export class Drawing {
  constructor(tool = 'polygon') {
    this.tool = tool;
    this.state = 'idle';
    this.points = [];
    this.selected = -1; // selected vertex index, −1 for none
    this.dragging = -1; // vertex being dragged, −1 for none
    this.size = { w: 1000, h: 1000 }; // rendered image size in pixels (hit tolerances)
    this.saved = null; // { state, points } restored by cancel()
  }

  /** Minimum number of points of the current tool. */
  get min() { return MIN_POINTS[this.tool] || 2; }

  /** Sets the rendered size in pixels (for hit testing). */
  setSize(w, h) {
    if (w > 0 && h > 0) this.size = { w, h };
  }

  /** Replaces the shape: a finished one when points are enough for tool, else idle. */
  load(tool, points) {
    this.tool = tool;
    this.points = (points || []).map((p) => [clampUnit(p[0]), clampUnit(p[1])]);
    this.state = this.points.length >= this.min ? 'done' : 'idle';
    if (this.state === 'idle') this.points = [];
    this.selected = this.dragging = -1;
    this.saved = null;
  }

  /**
   * Switches the tool. A shape that the new tool cannot use (a polygon becoming a line) is
   * dropped; line ↔ polyline keeps a 2-point line. Returns true when the points changed.
   */
  setTool(tool) {
    if (tool === this.tool) return false;
    const keep = this.state === 'done' && tool !== 'polygon' && this.tool !== 'polygon' &&
      (tool === 'polyline' || this.points.length === 2);
    this.tool = tool;
    if (keep) return false;
    const had = this.points.length > 0;
    this.state = 'idle';
    this.points = [];
    this.selected = this.dragging = -1;
    this.saved = null;
    return had;
  }

  /** Clears the shape so the next press starts a new one; cancel() brings the old one back. */
  redraw() {
    this.saved = { state: this.state, points: this.points.map((p) => p.slice()) };
    this.state = 'idle';
    this.points = [];
    this.selected = this.dragging = -1;
  }

  /**
   * A pointer press at normalised point p. Returns what happened: 'start', 'add', 'close'
   * (shape finished), 'select' (vertex selected, drag armed), 'insert' (vertex inserted on
   * an edge, drag armed), 'deselect' or 'none'.
   */
  press(p) {
    p = [clampUnit(p[0]), clampUnit(p[1])];
    if (this.state === 'idle') {
      if (!this.saved) this.saved = { state: 'idle', points: [] };
      this.points = [p];
      this.state = 'drawing';
      this.selected = -1;
      return 'start';
    }
    if (this.state === 'drawing') return this.pressDrawing(p);
    return this.pressDone(p);
  }

  pressDrawing(p) {
    const n = this.points.length;
    if (this.tool === 'polygon' && n >= 3 && hitVertex([this.points[0]], p, this.size, HIT_PX) === 0) {
      return this.finish() ? 'close' : 'none';
    }
    if (hitVertex([this.points[n - 1]], p, this.size, HIT_PX) === 0) return 'none';
    if (n >= MAX_POINTS) return 'none';
    this.points.push(p);
    if (this.tool === 'line' && this.points.length === 2) {
      this.finish();
      return 'close';
    }
    return 'add';
  }

  pressDone(p) {
    const v = hitVertex(this.points, p, this.size, HIT_PX);
    if (v >= 0) {
      this.selected = this.dragging = v;
      return 'select';
    }
    if (this.tool !== 'line' && this.points.length < MAX_POINTS) {
      const s = hitSegment(this.points, p, this.size, HIT_PX, this.tool === 'polygon');
      if (s >= 0) {
        this.points.splice(s + 1, 0, p);
        this.selected = this.dragging = s + 1;
        return 'insert';
      }
    }
    const had = this.selected >= 0;
    this.selected = -1;
    return had ? 'deselect' : 'none';
  }

  /** Pointer moved to p: drags the armed vertex. Returns true when a point moved. */
  move(p) {
    if (this.dragging < 0 || this.dragging >= this.points.length) return false;
    const q = [clampUnit(p[0]), clampUnit(p[1])];
    const cur = this.points[this.dragging];
    if (cur[0] === q[0] && cur[1] === q[1]) return false;
    this.points[this.dragging] = q;
    return true;
  }

  /** Pointer released: ends a drag. */
  release() {
    this.dragging = -1;
  }

  /** Finishes the shape being drawn (double-click, Enter); false when it has too few points. */
  finish() {
    if (this.state !== 'drawing' || this.points.length < this.min) return false;
    this.state = 'done';
    this.saved = null;
    this.selected = -1;
    return true;
  }

  /** Esc: abandons the shape being drawn (restoring the previous one) or clears the selection. */
  cancel() {
    if (this.state === 'drawing' || (this.state === 'idle' && this.saved)) {
      const s = this.saved || { state: 'idle', points: [] };
      this.state = s.state === 'done' ? 'done' : 'idle';
      this.points = s.points;
      this.saved = null;
      this.selected = this.dragging = -1;
      return true;
    }
    if (this.selected >= 0) {
      this.selected = -1;
      return true;
    }
    return false;
  }

  /**
   * Backspace/Delete: removes the selected vertex of a finished shape (not below the
   * tool's minimum), or the last point of a shape being drawn. Returns true when a point
   * was removed.
   */
  removeSelected() {
    if (this.state === 'drawing') {
      this.points.pop();
      if (!this.points.length) this.state = 'idle';
      return true;
    }
    if (this.state !== 'done' || this.selected < 0 || this.points.length <= this.min) return false;
    this.points.splice(this.selected, 1);
    this.selected = Math.min(this.selected, this.points.length - 1);
    return true;
  }

  /** A copy of the points, for the hooks and the rule body. */
  snapshot() {
    return this.points.map((p) => p.slice());
  }
}
