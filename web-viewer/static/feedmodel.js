// Bounded in-memory model of the alert feed. Pure, no DOM.
//
// One entry per event (event_id): start, update and end messages of an intrusion update the
// same entry. Messages already seen (same message_id, e.g. replayed after an SSE reconnect)
// are ignored. Overflow policy: when more than cap events are held, the oldest entry is
// evicted; the seen-message set keeps at most 4 × cap ids and forgets the oldest first.

/** AlertFeedModel holds the newest cap events, newest first. */
export class AlertFeedModel {
  constructor(cap = 200) {
    this.cap = cap;
    this.entries = []; // newest first: { eventId, alert, messages }
    this.byEvent = new Map();
    this.seen = new Set(); // insertion-ordered, so the first value is the oldest
    this.evicted = 0;
  }

  /**
   * Adds one alert message. Returns { kind: 'new' | 'update' | 'dup' | 'invalid', entry,
   * evicted: [entries dropped to respect cap] }.
   */
  add(alert) {
    if (!alert || !alert.event_id) return { kind: 'invalid', entry: null, evicted: [] };
    const mid = alert.message_id || `${alert.event_id}/${alert.action}/${alert.emitted_at}`;
    if (this.seen.has(mid)) return { kind: 'dup', entry: this.byEvent.get(alert.event_id) || null, evicted: [] };
    this.seen.add(mid);
    while (this.seen.size > this.cap * 4) this.seen.delete(this.seen.values().next().value);

    const existing = this.byEvent.get(alert.event_id);
    if (existing) {
      // A late replayed message must not roll an entry back (e.g. start after end).
      if (!(alert.frame_time < existing.alert.frame_time)) existing.alert = alert;
      existing.messages++;
      return { kind: 'update', entry: existing, evicted: [] };
    }
    const entry = { eventId: alert.event_id, alert, messages: 1 };
    this.entries.unshift(entry);
    this.byEvent.set(entry.eventId, entry);
    const evicted = [];
    while (this.entries.length > this.cap) {
      const old = this.entries.pop();
      this.byEvent.delete(old.eventId);
      evicted.push(old);
      this.evicted++;
    }
    return { kind: 'new', entry, evicted };
  }

  /** Entries for one camera, newest first, at most limit. */
  forCamera(cameraId, limit = 20) {
    const out = [];
    for (const e of this.entries) {
      if (e.alert.camera && e.alert.camera.id === cameraId) out.push(e);
      if (out.length >= limit) break;
    }
    return out;
  }

  /** Forgets everything (used when the filters change and the stream is reopened). */
  clear() {
    this.entries = [];
    this.byEvent.clear();
    this.seen.clear();
  }
}
