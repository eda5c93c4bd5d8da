// One video tile: a <video muted autoplay playsinline> fed by a WhepClient, with an
// overlay (camera name, camera state, live/connecting indicator). Owns one WHEP session,
// one requestVideoFrameCallback chain and one stall-watchdog interval; close() ends all.

import { whepURL } from './format.js';
import { hooks } from './hooks.js';
import { t } from './i18n.js';
import { store, cameraName } from './store.js';
import { WhepClient } from './whep.js';

// A live tile that shows no new frame for this long reconnects.
const STALL_MS = 8000;

/** Tile shows camera cameraId; stream is 'main' or 'sub'; t0 is the click time it answers. */
export class Tile {
  constructor(cameraId, { stream = 'sub', t0 = performance.now(), onClick = null } = {}) {
    this.cameraId = cameraId;
    this.t0 = t0;
    this.status = 'connecting';
    this.detail = '';
    this.firstFrame = false;
    this.lastFrameAt = 0;
    this.closed = false;

    const cam = store.cameras.get(cameraId);
    this.stream = stream === 'sub' && cam && cam.has_sub_stream === false ? 'main' : stream;

    this.el = document.createElement('div');
    this.el.className = 'tile';
    this.el.dataset.camera = cameraId;
    this.el.dataset.stream = this.stream;
    this.video = document.createElement('video');
    this.video.dataset.camera = cameraId;
    this.video.muted = true;
    this.video.autoplay = true;
    this.video.playsInline = true;
    this.video.setAttribute('muted', '');
    this.video.setAttribute('autoplay', '');
    this.video.setAttribute('playsinline', '');
    this.video.disablePictureInPicture = true;
    this.overlay = document.createElement('div');
    this.overlay.className = 'tile-overlay';
    this.nameEl = span('tile-name');
    this.stateEl = span('cam-state');
    this.liveEl = span('tile-live');
    this.overlay.append(this.nameEl, this.stateEl, this.liveEl);
    this.el.append(this.video, this.overlay);
    if (onClick) {
      this.el.tabIndex = 0;
      this.el.setAttribute('role', 'button');
      this.el.addEventListener('click', () => onClick(cameraId));
      this.el.addEventListener('keydown', (ev) => {
        if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); onClick(cameraId); }
      });
    }
    this.client = new WhepClient(whepURL(cameraId, this.stream), this.video, {
      onState: (s, detail) => this.onClientState(s, detail),
    });
    this.render();
  }

  /** Starts playback at once (call right after inserting el into the page). */
  start() {
    this.client.start();
    this.watchFrames();
    this.watchdog = setInterval(() => this.checkStall(), 2000);
  }

  /** Stops playback and releases the WHEP session; removes the element. */
  close() {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.watchdog);
    if (this.frameHandle != null && this.video.cancelVideoFrameCallback) this.video.cancelVideoFrameCallback(this.frameHandle);
    this.client.close();
    this.video.removeAttribute('src');
    this.video.srcObject = null;
    this.el.remove();
  }

  /** Refreshes the overlay texts (camera list or language changed). */
  render() {
    const cam = store.cameras.get(this.cameraId);
    const state = (cam && cam.state) || 'unknown';
    this.nameEl.textContent = cameraName(this.cameraId);
    this.stateEl.textContent = t('state.' + state, state);
    this.stateEl.dataset.state = state;
    this.el.dataset.status = this.status;
    this.liveEl.dataset.status = this.status;
    this.liveEl.textContent = t('tile.' + this.status, this.status);
    this.el.title = this.detail || '';
    this.el.setAttribute('aria-label', `${cameraName(this.cameraId)} · ${this.liveEl.textContent}`);
  }

  onClientState(s, detail) {
    if (this.closed && s !== 'closed') return;
    if (s === 'connecting') this.status = this.firstFrame ? 'retrying' : 'connecting';
    else if (s === 'connected') this.status = this.firstFrame ? 'live' : 'connecting';
    else if (s === 'retrying') { this.status = 'retrying'; this.lastFrameAt = 0; }
    else if (s === 'failed') this.status = 'failed';
    this.detail = typeof detail === 'string' ? detail : '';
    if (s !== 'closed') this.render();
  }

  watchFrames() {
    const v = this.video;
    if (typeof v.requestVideoFrameCallback !== 'function') {
      // Fallback without per-frame callbacks: count first frame only.
      v.addEventListener('loadeddata', () => this.onFrame(performance.now()));
      return;
    }
    const cb = (now) => {
      if (this.closed) return;
      this.onFrame(now);
      this.frameHandle = v.requestVideoFrameCallback(cb);
    };
    this.frameHandle = v.requestVideoFrameCallback(cb);
  }

  onFrame(now) {
    const id = this.cameraId;
    hooks.framesDecoded[id] = (hooks.framesDecoded[id] || 0) + 1;
    this.lastFrameAt = performance.now();
    if (!this.firstFrame) {
      this.firstFrame = true;
      hooks.firstFrameMs[id] = Math.round((now - this.t0) * 10) / 10;
    }
    if (this.status !== 'live') { this.status = 'live'; this.detail = ''; this.render(); }
  }

  checkStall() {
    if (this.closed || this.status !== 'live') return;
    if (document.hidden || this.el.offsetParent === null) {
      this.lastFrameAt = performance.now(); // hidden videos present no frames: not a stall
      return;
    }
    if (this.lastFrameAt && performance.now() - this.lastFrameAt > STALL_MS) {
      this.status = 'retrying';
      this.render();
      this.client.restart();
    }
  }
}

function span(cls) {
  const s = document.createElement('span');
  s.className = cls;
  return s;
}
