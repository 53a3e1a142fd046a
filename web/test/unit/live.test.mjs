import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LiveConnection, backoffDelay, HEARTBEAT_MS, OPEN_TIMEOUT_MS, BACKOFF_MAX_MS } from '../../js/live.js';

/** Timers under the test's control: advance(ms) runs whatever falls due, in order. */
function fakeTimers() {
  let now = 0;
  let seq = 0;
  const pending = new Map();
  const add = (fn, ms, every) => { const id = ++seq; pending.set(id, { at: now + ms, fn, every }); return id; };
  return {
    setTimeout: (fn, ms) => add(fn, ms, 0),
    setInterval: (fn, ms) => add(fn, ms, ms),
    clearTimeout: (id) => pending.delete(id),
    clearInterval: (id) => pending.delete(id),
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = [...pending.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        const [id, timer] = due;
        now = timer.at;
        if (timer.every) timer.at += timer.every; else pending.delete(id);
        timer.fn();
      }
      now = end;
    },
  };
}

function fakeSockets() {
  const sockets = [];
  class FakeSocket {
    constructor(url) { this.url = url; this.sent = []; this.closed = false; sockets.push(this); }
    send(text) { this.sent.push(JSON.parse(text)); }
    close() { if (!this.closed) { this.closed = true; this.onclose?.({ code: 1006 }); } }
    open() { this.onopen(); }
    receive(message) { this.onmessage({ data: typeof message === 'string' ? message : JSON.stringify(message) }); }
  }
  return { FakeSocket, sockets };
}

function connection(options = {}) {
  const timers = fakeTimers();
  const { FakeSocket, sockets } = fakeSockets();
  const messages = [];
  const states = [];
  const live = new LiveConnection({
    url: 'ws://127.0.0.1:1/ws', WebSocketImpl: FakeSocket, timers, random: () => 0,
    onMessage: (m) => messages.push(m), onState: (s) => states.push(s), ...options,
  });
  return { live, timers, sockets, messages, states };
}

test('on open it subscribes to the caller\'s runs and to every watched run', () => {
  const { live, sockets, states } = connection();
  live.watchRun('r1');
  live.start();
  assert.equal(sockets.length, 1);
  assert.equal(sockets[0].url, 'ws://127.0.0.1:1/ws');
  sockets[0].open();
  assert.deepEqual(states, ['live']);
  assert.deepEqual(sockets[0].sent, [{ action: 'subscribe', scope: 'mine' }, { action: 'subscribe', runId: 'r1' }]);
  live.watchRun('r2');
  live.watchRun('r2');
  live.unwatchRun('r1');
  assert.deepEqual(sockets[0].sent.slice(2), [{ action: 'subscribe', runId: 'r2' }, { action: 'unsubscribe', runId: 'r1' }]);
});

test('only run messages reach the page; anything else (pong, errors, junk) is ignored', () => {
  const { live, sockets, messages } = connection();
  live.start();
  sockets[0].open();
  sockets[0].receive({ type: 'run.progress', runId: 'r1', bytesDone: 5 });
  sockets[0].receive({ type: 'pong' });
  sockets[0].receive({ message: 'Forbidden' });
  sockets[0].receive('not json');
  sockets[0].receive({ type: 'run.finished', runId: 'r1' });
  assert.deepEqual(messages.map((m) => m.type), ['run.progress', 'run.finished']);
});

test('a heartbeat is sent every 5 minutes, inside API Gateway\'s 10-minute idle timeout', () => {
  const { live, timers, sockets } = connection();
  live.start();
  sockets[0].open();
  timers.advance(HEARTBEAT_MS * 2);
  assert.deepEqual(sockets[0].sent.filter((m) => m.action === 'ping'), [{ action: 'ping' }, { action: 'ping' }]);
  assert.ok(HEARTBEAT_MS < 10 * 60 * 1000);
});

test('after a close it reconnects with doubling delays and subscribes again', () => {
  const { live, timers, sockets, states } = connection();
  live.watchRun('r1');
  live.start();
  sockets[0].open();
  sockets[0].close();
  assert.equal(live.state, 'reconnecting');
  timers.advance(999);
  assert.equal(sockets.length, 1, 'no reconnect before 1 s');
  timers.advance(1);
  assert.equal(sockets.length, 2);
  sockets[1].close(); // refused again
  timers.advance(1999);
  assert.equal(sockets.length, 2, 'the second wait is 2 s');
  timers.advance(1);
  assert.equal(sockets.length, 3);
  sockets[2].open();
  assert.deepEqual(sockets[2].sent, [{ action: 'subscribe', scope: 'mine' }, { action: 'subscribe', runId: 'r1' }]);
  assert.deepEqual(states, ['live', 'reconnecting', 'live']);
  sockets[2].close();
  timers.advance(1000);
  assert.equal(sockets.length, 4, 'a successful open resets the backoff');
});

test('a socket that never opens is given up after the open timeout', () => {
  const { live, timers, sockets } = connection();
  live.start();
  timers.advance(OPEN_TIMEOUT_MS);
  assert.equal(sockets[0].closed, true);
  assert.equal(live.state, 'reconnecting');
});

test('the heartbeat stops while the socket is down', () => {
  const { live, timers, sockets } = connection();
  live.start();
  sockets[0].open();
  sockets[0].close();
  timers.advance(HEARTBEAT_MS);
  assert.deepEqual(sockets[0].sent.filter((m) => m.action === 'ping'), []);
});

test('backoff doubles from 1 s to a 30 s cap with at most 20 % jitter', () => {
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 10].map((n) => backoffDelay(n, () => 0)), [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  assert.equal(backoffDelay(0, () => 1), 1200);
  assert.equal(backoffDelay(20, () => 0.5), BACKOFF_MAX_MS * 1.1);
});

test('without a WebSocket URL it is off and never connects', () => {
  const { live, sockets, states } = connection({ url: null });
  live.start();
  live.watchRun('r1');
  assert.equal(sockets.length, 0);
  assert.deepEqual(states, ['off']);
});

test('stop closes the socket and does not reconnect', () => {
  const { live, timers, sockets } = connection();
  live.start();
  sockets[0].open();
  live.stop();
  timers.advance(60000);
  assert.equal(sockets.length, 1);
});

test('a URL given as a function is read at every connect, so a reconnect carries the current token', () => {
  let token = 't1';
  const { live, timers, sockets } = connection({ url: () => `ws://127.0.0.1:1/ws?token=${token}` });
  live.start();
  assert.equal(sockets[0].url, 'ws://127.0.0.1:1/ws?token=t1');
  token = 't2';
  sockets[0].close();
  timers.advance(BACKOFF_MAX_MS);
  assert.equal(sockets[1].url, 'ws://127.0.0.1:1/ws?token=t2');
});

test('an admin scope is subscribed now, again after a reconnect, and can be left', () => {
  const { live, sockets, timers } = connection();
  live.start();
  sockets[0].open();
  live.watchScope('all');
  assert.deepEqual(sockets[0].sent, [{ action: 'subscribe', scope: 'mine' }, { action: 'subscribe', scope: 'all' }]);
  sockets[0].close();
  timers.advance(1500);
  assert.equal(sockets.length, 2, 'one reconnect after the first backoff');
  sockets[1].open();
  assert.deepEqual(sockets[1].sent.filter((m) => m.scope), [{ action: 'subscribe', scope: 'mine' },
    { action: 'subscribe', scope: 'all' }]);
  live.unwatchScope('all');
  live.unwatchScope('mine');
  assert.deepEqual(sockets[1].sent.at(-1), { action: 'unsubscribe', scope: 'all' }, '"mine" always stays');
});
