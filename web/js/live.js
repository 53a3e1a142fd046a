// The WebSocket client for "Progress over WebSockets" (DESIGN.md): subscribe to the caller's runs and to single
// runs, keep the socket alive, reconnect with exponential backoff and subscribe again. Pure: the socket class
// and the timers are passed in, so tests drive it without a browser.

/** API Gateway closes a socket idle for 10 minutes (and any socket after 2 hours): ping well inside that. */
export const HEARTBEAT_MS = 5 * 60 * 1000;
export const OPEN_TIMEOUT_MS = 5000;
export const BACKOFF_BASE_MS = 1000;
export const BACKOFF_MAX_MS = 30000;

/** Delay before reconnect attempt n (0-based): doubling from 1 s up to 30 s, plus up to 20 % jitter. */
export function backoffDelay(attempt, random = Math.random) {
  const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** attempt);
  return Math.round(delay * (1 + 0.2 * random()));
}

/**
 * States: 'off' (no WebSocket URL configured), 'connecting' (first attempt), 'live', 'reconnecting' (the socket
 * failed or closed; the page polls meanwhile).
 */
export class LiveConnection {
  /** url: a string, or a function read at every (re)connect, so a reconnect carries the current ?token=. */
  constructor({ url, onMessage = () => {}, onState = () => {}, WebSocketImpl = globalThis.WebSocket,
    timers = globalThis, random = Math.random, heartbeatMs = HEARTBEAT_MS, openTimeoutMs = OPEN_TIMEOUT_MS }) {
    Object.assign(this, { url, onMessage, onState, WebSocketImpl, timers, random, heartbeatMs, openTimeoutMs });
    this.runs = new Set();
    this.scopes = new Set(['mine']);
    this.attempt = 0;
    this.state = this.currentUrl() && WebSocketImpl ? 'connecting' : 'off';
    this.socket = null;
    this.stopped = false;
  }

  currentUrl() {
    return typeof this.url === 'function' ? this.url() : this.url;
  }

  start() {
    if (this.state === 'off') {
      this.onState('off');
      return this;
    }
    this.connect();
    return this;
  }

  /** Subscribes to one run now if the socket is open, and again after every reconnect. */
  watchRun(runId) {
    if (this.runs.has(runId)) return;
    this.runs.add(runId);
    this.send({ action: 'subscribe', runId });
  }

  /** Subscribes to a scope ("all": every user's runs, admins only) now and after every reconnect. */
  watchScope(scope) {
    if (this.scopes.has(scope)) return;
    this.scopes.add(scope);
    this.send({ action: 'subscribe', scope });
  }

  unwatchScope(scope) {
    if (scope !== 'mine' && this.scopes.delete(scope)) this.send({ action: 'unsubscribe', scope });
  }

  unwatchRun(runId) {
    if (this.runs.delete(runId)) this.send({ action: 'unsubscribe', runId });
  }

  stop() {
    this.stopped = true;
    this.clearTimers();
    if (this.socket) this.socket.close(1000, 'page closed');
  }

  send(message) {
    if (this.socket && this.state === 'live') this.socket.send(JSON.stringify(message));
  }

  setState(state) {
    if (this.state !== state) {
      this.state = state;
      this.onState(state);
    }
  }

  clearTimers() {
    this.timers.clearTimeout(this.openTimer);
    this.timers.clearTimeout(this.retryTimer);
    this.timers.clearInterval(this.heartbeat);
  }

  connect() {
    let socket;
    try {
      socket = new this.WebSocketImpl(this.currentUrl());
    } catch (error) {
      this.failed();
      return;
    }
    this.socket = socket;
    this.openTimer = this.timers.setTimeout(() => socket.close(), this.openTimeoutMs);
    socket.onopen = () => {
      this.timers.clearTimeout(this.openTimer);
      this.attempt = 0;
      this.setState('live');
      for (const scope of this.scopes) this.send({ action: 'subscribe', scope });
      for (const runId of this.runs) this.send({ action: 'subscribe', runId });
      this.heartbeat = this.timers.setInterval(() => this.send({ action: 'ping' }), this.heartbeatMs);
    };
    socket.onmessage = (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      if (message && typeof message.type === 'string' && message.type.startsWith('run.') && message.runId) {
        this.onMessage(message);
      }
    };
    socket.onerror = () => {};
    socket.onclose = () => {
      if (socket === this.socket) this.failed();
    };
  }

  failed() {
    this.clearTimers();
    this.socket = null;
    if (this.stopped) return;
    this.setState('reconnecting');
    const delay = backoffDelay(this.attempt++, this.random);
    this.nextRetryMs = delay;
    this.retryTimer = this.timers.setTimeout(() => this.connect(), delay);
  }
}
