// Hand-written WHEP client (RFC 9725 play side): one RTCPeerConnection with a recvonly
// video transceiver, the offer POSTed once ICE gathering completes, the session DELETEd
// on close, and reconnection with capped exponential backoff when the session fails.

import { errorFromResponse, reportStatus } from './api.js';

/** Delay before reconnect attempt n (0-based): 250 ms doubling to 10 s, ±20 % jitter. */
export function backoffDelay(attempt, random = Math.random) {
  const base = Math.min(10000, 250 * 2 ** Math.min(attempt, 10));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/**
 * A trickle-ice-sdpfrag body (RFC 8840) carrying candidates (strings "candidate:…") for
 * the first media section of sdp, the local description they belong to; end adds
 * a=end-of-candidates.
 */
export function trickleFragment(sdp, candidates, end = false) {
  const lines = sdp.split(/\r?\n/);
  const pick = (prefix) => (lines.find((l) => l.startsWith(prefix)) || '').slice(prefix.length);
  const mline = lines.find((l) => l.startsWith('m=')) || 'm=video 9 UDP/TLS/RTP/SAVPF 0';
  const out = [`a=ice-ufrag:${pick('a=ice-ufrag:')}`, `a=ice-pwd:${pick('a=ice-pwd:')}`, mline, `a=mid:${pick('a=mid:') || '0'}`];
  for (const c of candidates) out.push('a=' + c);
  if (end) out.push('a=end-of-candidates');
  return out.join('\r\n') + '\r\n';
}

/**
 * HTTP statuses after which retrying cannot help (unknown camera, unsupported codec, not
 * signed in, not allowed).
 */
export function isFatalStatus(status) {
  return status === 400 || status === 401 || status === 403 || status === 404 || status === 415 || status === 422;
}

// The offer goes out when ICE gathering completes, or FIRST_CANDIDATE_GRACE_MS after the
// first candidate, or at the latest after GATHER_TIMEOUT_MS. Chromium finds its host
// candidates within ~15 ms but needs ~120 ms more to declare gathering complete (mDNS
// names), which would cost a quarter of the 500 ms first-frame budget. Candidates found
// after the POST are trickled with PATCH (RFC 8840 fragments) when the server accepts it;
// on a LAN the server learns the browser's address from its connectivity checks anyway.
const FIRST_CANDIDATE_GRACE_MS = 25;
const GATHER_TIMEOUT_MS = 1000;
// A connection that stays "disconnected" this long is treated as failed.
const DISCONNECT_GRACE_MS = 3000;

class WhepError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

/**
 * WhepClient plays one camera stream into a <video>. States reported through onState:
 * 'connecting', 'connected', 'retrying' (with the delay), 'failed' (fatal, with the
 * reason), 'closed'. The owner calls close() exactly once; after that nothing runs.
 */
export class WhepClient {
  constructor(url, video, { onState = () => {}, fetchFn = (...a) => fetch(...a) } = {}) {
    this.url = url;
    this.video = video;
    this.onState = onState;
    this.fetch = fetchFn;
    this.pc = null;
    this.location = null;
    this.attempt = 0;
    this.timer = 0;
    this.closed = false;
    this.generation = 0; // bumps on every (re)connect so stale callbacks are ignored
  }

  /** Starts the first connection attempt immediately. */
  start() { this.connect(); }

  /** Restarts the session now (e.g. when frames stopped arriving). */
  restart() {
    if (this.closed) return;
    this.teardown();
    this.scheduleRetry();
  }

  /** Ends the session: closes the peer connection and DELETEs the WHEP resource. */
  close() {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    this.teardown();
    this.onState('closed');
  }

  async connect() {
    const gen = ++this.generation;
    this.onState('connecting');
    try {
      const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
      this.pc = pc;
      const tr = pc.addTransceiver('video', { direction: 'recvonly' });
      preferH264(tr);
      pc.ontrack = (ev) => {
        if (gen !== this.generation) return;
        this.video.srcObject = ev.streams && ev.streams[0] ? ev.streams[0] : new MediaStream([ev.track]);
        this.video.play().catch(() => {}); // muted autoplay; a rejection only means "not yet"
      };
      pc.onconnectionstatechange = () => this.onConnectionState(pc, gen);
      const late = []; // candidates gathered after the POST, trickled once answered
      let sentSdp = null, lateEnd = false;
      pc.addEventListener('icecandidate', (ev) => {
        if (sentSdp === null || gen !== this.generation) return;
        if (!ev.candidate || !ev.candidate.candidate) lateEnd = true;
        else if (!sentSdp.includes(ev.candidate.candidate)) late.push(ev.candidate.candidate);
        else return;
        if (this.trickleReady) this.trickle(sentSdp, late, lateEnd);
      });
      await pc.setLocalDescription(await pc.createOffer());
      await waitGathering(pc, FIRST_CANDIDATE_GRACE_MS, GATHER_TIMEOUT_MS);
      if (gen !== this.generation || this.closed) return;
      sentSdp = pc.localDescription.sdp;
      const completeAtPost = pc.iceGatheringState === 'complete';
      this.trickleReady = false;
      const answer = await this.postOffer(sentSdp);
      if (gen !== this.generation || this.closed) { this.deleteSession(); return; }
      await pc.setRemoteDescription({ type: 'answer', sdp: answer });
      this.trickleReady = !completeAtPost && !!this.location;
      if (this.trickleReady && (late.length || lateEnd)) this.trickle(sentSdp, late, lateEnd);
    } catch (err) {
      if (gen !== this.generation || this.closed) return;
      this.teardown();
      if (err instanceof WhepError && isFatalStatus(err.status)) {
        this.onState('failed', err.message);
        return;
      }
      this.scheduleRetry(err && err.message);
    }
  }

  async postOffer(sdp) {
    const res = await this.fetch(this.url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/sdp', Accept: 'application/sdp' },
      body: sdp,
    });
    const text = await res.text();
    // The session cookie goes with every same-origin request; a 401/403 is the app's to show.
    if (res.status === 401 || res.status === 403) reportStatus(res.status, errorFromResponse(res.status, text).message);
    if (res.status !== 201 && res.status !== 200) {
      throw new WhepError(res.status, `HTTP ${res.status}${text ? ': ' + text.trim().slice(0, 200) : ''}`);
    }
    const loc = res.headers.get('Location');
    if (loc) this.location = new URL(loc, new URL(this.url, document.baseURI)).toString();
    return text;
  }

  // trickle PATCHes the queued candidates; a refusal (e.g. 405) switches trickling off.
  trickle(sdp, queue, end) {
    const loc = this.location;
    if (!loc || (!queue.length && !end)) return;
    const body = trickleFragment(sdp, queue.splice(0), end);
    if (end) this.trickleReady = false;
    this.fetch(loc, { method: 'PATCH', headers: { 'Content-Type': 'application/trickle-ice-sdpfrag' }, body })
      .then((res) => { if (!res.ok) this.trickleReady = false; })
      .catch(() => { this.trickleReady = false; });
  }

  onConnectionState(pc, gen) {
    if (gen !== this.generation || this.closed) return;
    const s = pc.connectionState;
    clearTimeout(this.disconnectTimer);
    if (s === 'connected') {
      this.attempt = 0;
      this.onState('connected');
    } else if (s === 'failed') {
      this.restart();
    } else if (s === 'disconnected') {
      this.disconnectTimer = setTimeout(() => {
        if (gen === this.generation && pc.connectionState !== 'connected') this.restart();
      }, DISCONNECT_GRACE_MS);
    }
  }

  scheduleRetry(reason) {
    if (this.closed) return;
    const delay = backoffDelay(this.attempt++);
    this.onState('retrying', reason || '', delay);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connect(), delay);
  }

  teardown() {
    this.generation++;
    this.trickleReady = false;
    clearTimeout(this.disconnectTimer);
    if (this.pc) {
      this.pc.ontrack = null;
      this.pc.onconnectionstatechange = null;
      this.pc.close();
      this.pc = null;
    }
    this.deleteSession();
    if (this.video) this.video.srcObject = null;
  }

  deleteSession() {
    const loc = this.location;
    this.location = null;
    if (!loc) return;
    // keepalive lets the DELETE survive page unload; errors only mean the server already
    // forgot the session.
    this.fetch(loc, { method: 'DELETE', keepalive: true }).catch(() => {});
  }
}

// preferH264 restricts the offer to H.264 (the server passes the camera's H.264 through),
// which also keeps the SDP short. Browsers without setCodecPreferences offer everything.
function preferH264(transceiver) {
  try {
    const caps = RTCRtpReceiver.getCapabilities && RTCRtpReceiver.getCapabilities('video');
    if (!caps || !transceiver.setCodecPreferences) return;
    const h264 = caps.codecs.filter((c) => c.mimeType.toLowerCase() === 'video/h264');
    if (h264.length) transceiver.setCodecPreferences(h264);
  } catch {
    // keep the browser's default codec list
  }
}

// waitGathering resolves when ICE gathering completes, graceMs after the first candidate,
// or after timeoutMs, whichever is first.
function waitGathering(pc, graceMs, timeoutMs) {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    let grace = 0;
    const done = () => {
      clearTimeout(timer);
      clearTimeout(grace);
      pc.removeEventListener('icegatheringstatechange', check);
      pc.removeEventListener('icecandidate', onCand);
      resolve();
    };
    const check = () => { if (pc.iceGatheringState === 'complete') done(); };
    const onCand = (ev) => {
      if (!ev.candidate) done();
      else if (!grace) grace = setTimeout(done, graceMs);
    };
    const timer = setTimeout(done, timeoutMs);
    pc.addEventListener('icegatheringstatechange', check);
    pc.addEventListener('icecandidate', onCand);
  });
}
