// Geometry of the rule editor, pure (no DOM). Points are [x, y] in normalised image
// coordinates (0–1, origin top-left, y grows downwards), the form the rules use. Where a
// size in pixels matters (arrows, hit tolerances) the caller passes size = {w, h}, the
// rendered image size, so shapes look right on a stretched (preserveAspectRatio none)
// overlay.
//
// Side convention (rules/README.md): side A of a tripwire is the left-hand side of someone
// walking the line from its first point to its second as drawn on screen. For a line drawn
// left to right A is the upper side; for one drawn top to bottom A is the right side.

const EPS = 1e-9;

/** z of (b−a)×(p−a); negative on side A (the walker's left), positive on side B. */
export function cross(a, b, p) {
  return (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]);
}

/** 'A', 'B' or 'on': where p lies relative to the directed line a→b. */
export function sideOf(a, b, p) {
  const l = Math.hypot(b[0] - a[0], b[1] - a[1]);
  if (l === 0) return 'on';
  const d = cross(a, b, p) / l;
  if (d < -EPS) return 'A';
  if (d > EPS) return 'B';
  return 'on';
}

function withinBox(a, b, p) {
  return p[0] >= Math.min(a[0], b[0]) - EPS && p[0] <= Math.max(a[0], b[0]) + EPS &&
    p[1] >= Math.min(a[1], b[1]) - EPS && p[1] <= Math.max(a[1], b[1]) + EPS;
}

function opposite(s, t) {
  return (s === 'A' && t === 'B') || (s === 'B' && t === 'A');
}

/** Whether the closed segments p1–p2 and q1–q2 share a point (touching and overlap included). */
export function segmentsIntersect(p1, p2, q1, q2) {
  const d1 = sideOf(q1, q2, p1), d2 = sideOf(q1, q2, p2);
  const d3 = sideOf(p1, p2, q1), d4 = sideOf(p1, p2, q2);
  if (opposite(d1, d2) && opposite(d3, d4)) return true;
  return (d1 === 'on' && withinBox(q1, q2, p1)) || (d2 === 'on' && withinBox(q1, q2, p2)) ||
    (d3 === 'on' && withinBox(p1, p2, q1)) || (d4 === 'on' && withinBox(p1, p2, q2));
}

// foldsBack: the path a→b→c turns back along the same line, so a–b and b–c overlap.
function foldsBack(a, b, c) {
  if (sideOf(a, b, c) !== 'on') return false;
  return (b[0] - a[0]) * (c[0] - b[0]) + (b[1] - a[1]) * (c[1] - b[1]) < 0;
}

/**
 * The first two edges of the path that cross or overlap, as [i, j] (edge i runs from
 * point i to point i+1; for a closed polygon the last edge returns to point 0), or null
 * when the path is simple. Mirrors the gateway's checks (rules/geometry.go for polygons,
 * rules/validate.go for polylines), so the editor can warn before saving.
 */
export function selfIntersection(points, closed) {
  const n = points.length;
  const edges = closed ? n : n - 1;
  if (edges < 2) return null;
  const edge = (k) => [points[k], points[(k + 1) % n]];
  for (let i = 0; i < edges; i++) {
    const [a1, a2] = edge(i);
    for (let j = i + 1; j < edges; j++) {
      const [b1, b2] = edge(j);
      if (j === i + 1) {
        // Neighbours share a point; only a fold back along the same line overlaps. The
        // gateway ignores that for polylines, so only polygons check it.
        if (closed && foldsBack(a1, a2, b2)) return [i, j];
      } else if (closed && i === 0 && j === n - 1) {
        if (foldsBack(b1, b2, a2)) return [i, j];
      } else if (segmentsIntersect(a1, a2, b1, b2)) {
        return [i, j];
      }
    }
  }
  return null;
}

/** Even–odd point in polygon; the boundary counts as inside (as in the rules). */
export function pointInPolygon(p, poly) {
  if (poly.length < 3) return false;
  let inside = false;
  for (let i = 0; i < poly.length; i++) {
    const a = poly[i], b = poly[(i + 1) % poly.length];
    if (sideOf(a, b, p) === 'on' && withinBox(a, b, p)) return true;
    if ((a[1] > p[1]) !== (b[1] > p[1])) {
      const x = a[0] + (p[1] - a[1]) * (b[0] - a[0]) / (b[1] - a[1]);
      if (p[0] < x) inside = !inside;
    }
  }
  return inside;
}

/** Unsigned area of a polygon (normalised units). */
export function polygonArea(poly) {
  let s = 0;
  for (let i = 0; i < poly.length; i++) {
    const a = poly[i], b = poly[(i + 1) % poly.length];
    s += a[0] * b[1] - b[0] * a[1];
  }
  return Math.abs(s) / 2;
}

/** Rounds to 4 decimals (0.1 px on a 4K frame) and clamps to the image. */
export function clampUnit(v) {
  if (!Number.isFinite(v)) return 0;
  return Math.round(Math.min(1, Math.max(0, v)) * 10000) / 10000;
}

/** Normalised point of a pointer at (clientX, clientY) over an element with bounding rect. */
export function toUnit(clientX, clientY, rect) {
  if (!rect || !(rect.width > 0) || !(rect.height > 0)) return [0, 0];
  return [clampUnit((clientX - rect.left) / rect.width), clampUnit((clientY - rect.top) / rect.height)];
}

const px = (p, size) => [p[0] * size.w, p[1] * size.h];
const unit = (q, size) => [q[0] / size.w, q[1] / size.h];

/** Distance in pixels between two normalised points on an image of size {w, h}. */
export function pixelDistance(p, q, size) {
  return Math.hypot((p[0] - q[0]) * size.w, (p[1] - q[1]) * size.h);
}

/** Index of the vertex nearest to p within radiusPx pixels, or −1. */
export function hitVertex(points, p, size, radiusPx) {
  let best = -1, bestD = radiusPx;
  points.forEach((q, i) => {
    const d = pixelDistance(p, q, size);
    if (d <= bestD) { best = i; bestD = d; }
  });
  return best;
}

/**
 * Index of the segment nearest to p within radiusPx pixels (segment i runs from point i to
 * i+1; closed adds the edge back to point 0), or −1. Distances are measured in pixels.
 */
export function hitSegment(points, p, size, radiusPx, closed) {
  const n = points.length;
  const edges = closed && n >= 3 ? n : n - 1;
  const pp = px(p, size);
  let best = -1, bestD = radiusPx;
  for (let i = 0; i < edges; i++) {
    const a = px(points[i], size), b = px(points[(i + 1) % n], size);
    const dx = b[0] - a[0], dy = b[1] - a[1];
    const l2 = dx * dx + dy * dy;
    const t = l2 === 0 ? 0 : Math.max(0, Math.min(1, ((pp[0] - a[0]) * dx + (pp[1] - a[1]) * dy) / l2));
    const d = Math.hypot(pp[0] - (a[0] + t * dx), pp[1] - (a[1] + t * dy));
    if (d <= bestD) { best = i; bestD = d; }
  }
  return best;
}

/**
 * The direction marker of one tripwire segment a→b on an image of size {w, h}: an arrow
 * perpendicular to the segment through its middle, pointing from side A to side B
 * (a_to_b), from B to A (b_to_a), or both ways (both, two heads), and the positions of the
 * "A" and "B" labels on their sides. Lengths are in pixels, results in normalised
 * coordinates: { mid, tail, tip, heads: [[p, p, p], …], labelA, labelB }.
 */
export function segmentArrow(a, b, direction, size, { len = 26, head = 8, label = 40 } = {}) {
  const pa = px(a, size), pb = px(b, size);
  const dx = pb[0] - pa[0], dy = pb[1] - pa[1];
  const l = Math.hypot(dx, dy) || 1;
  // Left-hand normal of a walker going a→b with y down: (dy, −dx)/l. Side A is there.
  const nA = [dy / l, -dx / l];
  const mid = [(pa[0] + pb[0]) / 2, (pa[1] + pb[1]) / 2];
  const at = (k) => [mid[0] + nA[0] * k, mid[1] + nA[1] * k];
  const onA = at(len), onB = at(-len);
  const [tail, tip] = direction === 'b_to_a' ? [onB, onA] : [onA, onB];
  const heads = [arrowHead(tail, tip, head)];
  if (direction === 'both' || !direction) heads.push(arrowHead(tip, tail, head));
  return {
    mid: unit(mid, size),
    tail: unit(tail, size),
    tip: unit(tip, size),
    heads: heads.map((h) => h.map((q) => unit(q, size))),
    labelA: unit(at(label), size),
    labelB: unit(at(-label), size),
  };
}

// arrowHead: a triangle with its point at tip, for a shaft from → tip (pixels).
function arrowHead(from, tip, size) {
  const dx = tip[0] - from[0], dy = tip[1] - from[1];
  const l = Math.hypot(dx, dy) || 1;
  const ux = dx / l, uy = dy / l;
  const base = [tip[0] - ux * size * 1.4, tip[1] - uy * size * 1.4];
  return [tip, [base[0] + uy * size * 0.8, base[1] - ux * size * 0.8], [base[0] - uy * size * 0.8, base[1] + ux * size * 0.8]];
}

/** segmentArrow for every segment of a line or polyline whose ends differ. */
export function tripwireArrows(points, direction, size, opts) {
  const out = [];
  for (let i = 0; i + 1 < points.length; i++) {
    if (points[i][0] === points[i + 1][0] && points[i][1] === points[i + 1][1]) continue;
    out.push(segmentArrow(points[i], points[i + 1], direction, size, opts));
  }
  return out;
}

/** Minimum vertices per drawing tool. */
export const MIN_POINTS = { line: 2, polyline: 2, polygon: 3 };
/** Maximum vertices (the gateway refuses more). */
export const MAX_POINTS = 100;

/**
 * The first problem of a drawn shape as {key, index?, edges?}: key is an i18n key
 * (geom.tooFew, geom.tooMany, geom.repeat, geom.closesOnFirst, geom.collinear,
 * geom.selfIntersect); null when the shape would pass the gateway's checks.
 * tool is 'line', 'polyline' or 'polygon'.
 */
export function shapeProblem(tool, points) {
  const min = MIN_POINTS[tool] || 2;
  if (points.length < min) return { key: 'geom.tooFew', min };
  if (points.length > (tool === 'line' ? 2 : MAX_POINTS)) return { key: 'geom.tooMany', max: tool === 'line' ? 2 : MAX_POINTS };
  for (let i = 1; i < points.length; i++) {
    if (points[i][0] === points[i - 1][0] && points[i][1] === points[i - 1][1]) return { key: 'geom.repeat', index: i };
  }
  if (tool === 'polygon') {
    const last = points[points.length - 1];
    if (last[0] === points[0][0] && last[1] === points[0][1]) return { key: 'geom.closesOnFirst', index: points.length - 1 };
    if (points.slice(2).every((p) => sideOf(points[0], points[1], p) === 'on')) return { key: 'geom.collinear' };
  }
  if (tool !== 'line') {
    const hit = selfIntersection(points, tool === 'polygon');
    if (hit) return { key: 'geom.selfIntersect', edges: hit };
  }
  return null;
}
