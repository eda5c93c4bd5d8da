// The two SSE streams the rule editor holds while it is open: the camera's live detections
// (/api/v1/cameras/{id}/detections/stream, event: detections) and the alert stream
// (/api/v1/events/stream, event: alert) for the edited rule's hits. Both are closed by
// close(); a refused stream is retried with backoff, and a refusal is checked against
// /auth/me so an expired session shows the login screen.

import * as api from './api.js';
import { backoffDelay } from './whep.js';

/** EditorStreams owns the editor's EventSources for one camera at a time. */
export class EditorStreams {
  constructor({ onDetections = () => {}, onAlert = () => {}, onStatus = () => {} } = {}) {
    this.onDetections = onDetections; // fn(msg)
    this.onAlert = onAlert; // fn(alert)
    this.onStatus = onStatus; // fn(status): 'connecting' | 'live' | 'retrying'
    this.camera = '';
    this.sources = new Map(); // name → {es, retry, timer}
  }

  /** Opens both streams for camera (closing any others first). */
  open(camera) {
    this.close();
    this.camera = camera;
    this.start('detections', api.detectionsURL(camera), 'detections', (msg) => this.onDetections(msg));
    this.start('alerts', '/api/v1/events/stream?replay=0', 'alert', (a) => {
      if (a && a.camera && a.camera.id === this.camera) this.onAlert(a);
    });
  }

  start(name, url, event, handle) {
    const slot = this.sources.get(name) || { es: null, retry: 0, timer: 0 };
    this.sources.set(name, slot);
    const es = new EventSource(url, { withCredentials: true });
    slot.es = es;
    if (name === 'detections') this.onStatus('connecting');
    es.onopen = () => { slot.retry = 0; if (name === 'detections') this.onStatus('live'); };
    es.onerror = () => {
      if (slot.es !== es || es.readyState !== EventSource.CLOSED) return;
      // Refused (401, 403, 404, 503 …): ask whether the session is still there, retry later.
      es.close();
      if (name === 'detections') this.onStatus('retrying');
      api.checkSession();
      clearTimeout(slot.timer);
      slot.timer = setTimeout(() => {
        if (this.sources.get(name) === slot && this.camera) this.start(name, url, event, handle);
      }, Math.max(1000, backoffDelay(slot.retry++ + 2)));
    };
    es.addEventListener(event, (ev) => {
      let msg;
      try { msg = JSON.parse(ev.data); } catch { return; }
      handle(msg);
    });
  }

  /** Closes both streams and cancels pending retries. */
  close() {
    for (const slot of this.sources.values()) {
      clearTimeout(slot.timer);
      if (slot.es) slot.es.close();
    }
    this.sources.clear();
    this.camera = '';
  }
}
