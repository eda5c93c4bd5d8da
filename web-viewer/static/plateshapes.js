// The two shapes of a plate rule, pure (no DOM): an optional capture region (polygon) and
// an optional trigger line (line), both of which may exist. The editor's one Drawing
// (draw.js) edits one of them at a time; ShapeSet parks the other, so switching the tool
// keeps both, and hands both to the rule JSON.

/** The drawing tools of a plate rule: capture region first, then the trigger line. */
export const PLATE_TOOLS = ['polygon', 'line'];

const copy = (pts) => (pts || []).map((p) => [p[0], p[1]]);

/** ShapeSet holds the finished points of each plate tool. */
export class ShapeSet {
  constructor() {
    this.points = { polygon: [], line: [] };
  }

  /** Forgets both shapes. */
  clear() {
    this.points = { polygon: [], line: [] };
  }

  /**
   * Takes a rule's polygon and line; returns the tool to edit first (the region when it
   * exists or neither does, else the line).
   */
  load(rule) {
    const r = rule || {};
    this.points = {
      polygon: Array.isArray(r.polygon) ? copy(r.polygon) : [],
      line: Array.isArray(r.line) ? copy(r.line) : [],
    };
    return this.points.polygon.length || !this.points.line.length ? 'polygon' : 'line';
  }

  /**
   * Stores the shape drawing holds for its tool (a shape still being drawn is finished
   * first when it has enough points, else it counts as none). Tools that are not plate
   * tools are ignored.
   */
  keep(drawing) {
    if (!PLATE_TOOLS.includes(drawing.tool)) return;
    if (drawing.state === 'drawing') drawing.finish();
    this.points[drawing.tool] = drawing.state === 'done' ? drawing.snapshot() : [];
  }

  /** Parks the current shape and lets drawing edit tool's shape. */
  switchTo(drawing, tool) {
    if (!PLATE_TOOLS.includes(tool) || tool === drawing.tool) return;
    this.keep(drawing);
    drawing.load(tool, this.points[tool]);
  }

  /** The shape drawing is not editing: {tool, points}. */
  other(drawing) {
    const tool = drawing.tool === 'line' ? 'polygon' : 'line';
    return { tool, points: copy(this.points[tool]) };
  }

  /** Both shapes as they are now {polygon, line}, without changing drawing. */
  peek(drawing) {
    const out = { polygon: copy(this.points.polygon), line: copy(this.points.line) };
    if (PLATE_TOOLS.includes(drawing.tool)) out[drawing.tool] = drawing.state === 'done' ? drawing.snapshot() : [];
    return out;
  }

  /** Both shapes for saving {polygon, line}; a shape still being drawn is finished first. */
  collect(drawing) {
    this.keep(drawing);
    return { polygon: copy(this.points.polygon), line: copy(this.points.line) };
  }
}
