// The rule editor's drawing surface: the snapshot <img id="rule-snapshot"> under the SVG
// overlay <svg id="rule-canvas" viewBox="0 0 1 1" preserveAspectRatio="none">, so SVG
// coordinates are the rules' normalised ones. The box keeps the picture's aspect ratio and
// fills the space it has; on every resize the marks that must not stretch (vertex handles,
// arrowheads, the A/B labels, text) are recomputed for the rendered pixel size.
//
// A plate rule's second shape (region or trigger line, the one not being edited) is drawn
// dimmed in #rule-ghost and takes no input.
//
// Input goes to a Drawing (draw.js): pointer presses, drags and double-clicks on the canvas;
// Enter, Esc, Backspace/Delete from the keyboard while the editor is open.

import { shapeProblem, toUnit, tripwireArrows } from './geom.js';
import { t } from './i18n.js';

const HANDLE_PX = 6;
const LIVE_STALE_MS = 2000;

/** RuleCanvas draws one Drawing and the live detections over the snapshot. */
export class RuleCanvas {
  constructor(drawing, { onChange = () => {} } = {}) {
    this.drawing = drawing;
    this.onChange = onChange; // fn(reason) after the shape changed
    this.svg = document.getElementById('rule-canvas');
    this.stage = document.getElementById('rule-stage');
    this.wrap = document.getElementById('rule-stage-wrap');
    this.img = document.getElementById('rule-snapshot');
    this.shapeLayer = document.getElementById('rule-shape');
    this.marksLayer = document.getElementById('rule-marks');
    this.liveLayer = document.getElementById('rule-live-layer');
    this.ghostLayer = document.getElementById('rule-ghost');
    this.ghost = null; // {tool, points} shown dimmed, or null
    this.ns = this.svg.namespaceURI;
    this.aspect = 16 / 9;
    this.direction = 'both';
    this.hover = null;
    this.live = null; // latest detections message
    this.liveAt = 0;
    this.liveFrame = 0;
    this.liveTimer = 0;
    this.active = false;
    this.wire();
  }

  wire() {
    const svg = this.svg;
    svg.addEventListener('pointerdown', (ev) => {
      if (ev.button !== 0) return;
      ev.preventDefault();
      this.stage.focus({ preventScroll: true });
      const what = this.drawing.press(this.point(ev));
      if (this.drawing.dragging >= 0) svg.setPointerCapture(ev.pointerId);
      this.changed(what);
    });
    svg.addEventListener('pointermove', (ev) => {
      const p = this.point(ev);
      if (this.drawing.dragging >= 0) {
        if (this.drawing.move(p)) this.changed('drag');
      } else if (this.drawing.state === 'drawing') {
        this.hover = p;
        this.render();
      }
    });
    const up = () => { if (this.drawing.dragging >= 0) { this.drawing.release(); this.changed('release'); } };
    svg.addEventListener('pointerup', up);
    svg.addEventListener('pointercancel', up);
    svg.addEventListener('pointerleave', () => { if (this.hover) { this.hover = null; this.render(); } });
    svg.addEventListener('dblclick', (ev) => { ev.preventDefault(); if (this.drawing.finish()) this.changed('close'); });
    document.addEventListener('keydown', (ev) => this.key(ev));
    new ResizeObserver(() => this.layout()).observe(this.wrap);
    this.img.addEventListener('load', () => {
      if (this.img.naturalWidth && this.img.naturalHeight) this.setAspect(this.img.naturalWidth / this.img.naturalHeight);
    });
  }

  point(ev) {
    return toUnit(ev.clientX, ev.clientY, this.svg.getBoundingClientRect());
  }

  key(ev) {
    if (!this.active || ev.defaultPrevented || ev.altKey || ev.ctrlKey || ev.metaKey) return;
    if (ev.target.closest && ev.target.closest('input, select, textarea, dialog, button')) return;
    let what = '';
    if (ev.key === 'Enter' && this.drawing.finish()) what = 'close';
    else if (ev.key === 'Escape' && this.drawing.cancel()) what = 'cancel';
    else if ((ev.key === 'Backspace' || ev.key === 'Delete') && this.drawing.removeSelected()) what = 'remove';
    if (!what) return;
    ev.preventDefault();
    ev.stopPropagation();
    this.changed(what);
  }

  changed(what) {
    if (what === 'none') return;
    if (this.drawing.state !== 'drawing') this.hover = null;
    this.render();
    this.onChange(what);
  }

  /** Sets the picture's aspect ratio (width / height) and re-lays out the box. */
  setAspect(ar) {
    if (!(ar > 0) || Math.abs(ar - this.aspect) < 1e-6) return;
    this.aspect = ar;
    this.layout();
  }

  /** Fits the box into the space available, keeping the aspect ratio, and redraws. */
  layout() {
    const cw = this.wrap.clientWidth, ch = this.wrap.clientHeight;
    if (!cw || !ch) return;
    const w = Math.floor(Math.min(cw, ch * this.aspect));
    const h = Math.floor(w / this.aspect);
    this.stage.style.width = `${w}px`;
    this.stage.style.height = `${h}px`;
    this.drawing.setSize(w, h);
    this.render();
  }

  /** Sets the tripwire direction shown by the arrows. */
  setDirection(dir) {
    this.direction = dir || 'both';
    this.render();
  }

  /** Shows shape {tool, points} dimmed under the edited one (null: none). */
  setGhost(shape) {
    this.ghost = shape && shape.points && shape.points.length >= 2 ? shape : null;
    this.render();
  }

  /** Shows one detections message {objects: [{bbox, foot, track_id, class}]} until a newer one. */
  setLive(msg) {
    this.live = msg;
    this.liveAt = performance.now();
    if (!this.liveFrame) {
      this.liveFrame = requestAnimationFrame(() => { this.liveFrame = 0; this.renderLive(); });
    }
    clearTimeout(this.liveTimer);
    this.liveTimer = setTimeout(() => this.clearLive(), LIVE_STALE_MS);
  }

  /** Removes the live boxes. */
  clearLive() {
    this.live = null;
    clearTimeout(this.liveTimer);
    this.liveLayer.replaceChildren();
  }

  /** Briefly highlights the shape (a hit of this rule arrived). */
  flash() {
    this.shapeLayer.classList.remove('hit');
    void this.shapeLayer.getBoundingClientRect(); // restart the animation
    this.shapeLayer.classList.add('hit');
  }

  /** Redraws the shape and its marks. */
  render() {
    const d = this.drawing;
    this.svg.dataset.state = d.state;
    this.svg.dataset.tool = d.tool;
    const pts = d.points;
    const problem = d.state === 'done' ? shapeProblem(d.tool, pts) : null;
    this.shapeLayer.classList.toggle('invalid', !!problem);
    const shape = [];
    if (pts.length) {
      const closed = d.tool === 'polygon' && d.state === 'done';
      const el = this.el(closed ? 'polygon' : 'polyline', { class: 'shape-line', points: pointsAttr(pts) });
      shape.push(el);
      if (d.state === 'drawing' && this.hover) {
        const last = pts[pts.length - 1];
        shape.push(this.el('line', { class: 'rubber', x1: last[0], y1: last[1], x2: this.hover[0], y2: this.hover[1] }));
        if (d.tool === 'polygon' && pts.length >= 2) {
          shape.push(this.el('line', { class: 'rubber closing', x1: this.hover[0], y1: this.hover[1], x2: pts[0][0], y2: pts[0][1] }));
        }
      }
    }
    this.shapeLayer.replaceChildren(...shape);
    this.marksLayer.replaceChildren(...this.marks());
    this.renderGhost();
  }

  renderGhost() {
    const g = this.ghost;
    if (!g) { this.ghostLayer.replaceChildren(); return; }
    const out = [this.el(g.tool === 'polygon' ? 'polygon' : 'polyline', { class: `ghost-shape ghost-${g.tool}`, points: pointsAttr(g.points) })];
    if (g.tool === 'line') {
      for (const a of tripwireArrows(g.points, this.direction, this.drawing.size)) {
        out.push(this.el('line', { class: 'arrow-shaft ghost-arrow', x1: a.tail[0], y1: a.tail[1], x2: a.tip[0], y2: a.tip[1] }));
        for (const h of a.heads) out.push(this.el('polygon', { class: 'arrow-head ghost-arrow', points: pointsAttr(h) }));
      }
    }
    this.ghostLayer.replaceChildren(...out);
  }

  marks() {
    const d = this.drawing;
    const size = d.size;
    const out = [];
    if (d.tool !== 'polygon' && d.points.length >= 2) {
      for (const a of tripwireArrows(d.points, this.direction, size)) {
        out.push(this.el('line', { class: 'arrow-shaft', x1: a.tail[0], y1: a.tail[1], x2: a.tip[0], y2: a.tip[1] }));
        for (const h of a.heads) out.push(this.el('polygon', { class: 'arrow-head', points: pointsAttr(h) }));
        out.push(this.text(a.labelA, 'A', 'side-label side-a'), this.text(a.labelB, 'B', 'side-label side-b'));
      }
    }
    d.points.forEach((p, i) => {
      const cls = ['handle'];
      if (i === d.selected) cls.push('selected');
      if (i === 0) cls.push('first');
      const h = this.el('ellipse', {
        class: cls.join(' '), cx: p[0], cy: p[1], rx: HANDLE_PX / size.w, ry: HANDLE_PX / size.h,
      });
      h.dataset.vertex = String(i);
      out.push(h);
    });
    return out;
  }

  renderLive() {
    const msg = this.live;
    if (!msg || !Array.isArray(msg.objects)) { this.liveLayer.replaceChildren(); return; }
    const size = this.drawing.size;
    const out = [];
    for (const o of msg.objects) {
      const b = o.bbox;
      if (!Array.isArray(b) || b.length !== 4) continue;
      out.push(this.el('rect', { class: 'live-box', x: b[0], y: b[1], width: Math.max(0, b[2] - b[0]), height: Math.max(0, b[3] - b[1]) }));
      if (Array.isArray(o.foot)) {
        out.push(this.el('ellipse', { class: 'live-foot', cx: o.foot[0], cy: o.foot[1], rx: 4 / size.w, ry: 4 / size.h }));
      }
      out.push(this.text([b[0], b[1]], `${t('class.' + o.class, o.class)} #${o.track_id}`, 'live-label', -3));
    }
    this.liveLayer.replaceChildren(...out);
  }

  // text places a label at normalised point p without stretching: the transform undoes the
  // viewBox scaling, so font-size is in pixels.
  text(p, s, cls, dy = 0) {
    const size = this.drawing.size;
    const el = this.el('text', { class: cls, transform: `translate(${p[0]} ${p[1]}) scale(${1 / size.w} ${1 / size.h})`, y: dy });
    el.textContent = s;
    return el;
  }

  el(name, attrs) {
    const el = document.createElementNS(this.ns, name);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
    return el;
  }
}

function pointsAttr(pts) {
  return pts.map((p) => `${p[0]},${p[1]}`).join(' ');
}
