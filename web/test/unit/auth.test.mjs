import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Session, SESSION_KEY, RETURN_KEY, EXPIRY_MARGIN_MS, decodeClaims, parseGroups, userOf, expiryOf, retryAtOf, signIn,
} from '../../js/auth.js';
import { createApi, socketUrl, SESSION_ENDED } from '../../js/api.js';

/** sessionStorage's interface over a Map. */
function memoryStorage() {
  const map = new Map();
  return {
    map,
    getItem: (k) => (map.has(k) ? map.get(k) : null),
    setItem: (k, v) => map.set(k, String(v)),
    removeItem: (k) => map.delete(k),
  };
}

const base64url = (text) => Buffer.from(text, 'utf8').toString('base64url');
/** An unsigned token shaped like the local runtime's and Cognito's ID tokens: the page only reads its claims. */
const jwt = (claims) => `${base64url('{"alg":"RS256","typ":"JWT"}')}.${base64url(JSON.stringify(claims))}.c2ln`;

/** A fetch that answers from a function of (url, init) and records the calls. */
function fakeFetch(answer) {
  const calls = [];
  const fetchImpl = async (url, init) => {
    calls.push({ url, init, body: init.body ? JSON.parse(init.body) : null });
    const { status = 200, body = {}, headers = {} } = await answer(url, init);
    return {
      ok: status >= 200 && status < 300,
      status,
      headers: { get: (name) => headers[name] ?? headers[name.toLowerCase()] ?? null },
      json: async () => body,
    };
  };
  return { fetchImpl, calls };
}

test('claims are read from the token, whatever characters its base64url payload uses', () => {
  const claims = {
    sub: 'u-1', email: 'zoë@example.com', 'cognito:groups': ['admin'], exp: 2_000_000_000, n: '>>>???',
  };
  assert.deepEqual(decodeClaims(jwt(claims)), claims);
  assert.equal(decodeClaims('not a token'), null);
  assert.equal(decodeClaims('a.%%%.c'), null);
  assert.equal(decodeClaims(null), null);
});

test('groups are read in every spelling auth.md allows', () => {
  assert.deepEqual(parseGroups(['admin', 'ops']), ['admin', 'ops']);
  assert.deepEqual(parseGroups('[admin ops]'), ['admin', 'ops']);
  assert.deepEqual(parseGroups('["admin","ops"]'), ['admin', 'ops']);
  assert.deepEqual(parseGroups('admin,ops'), ['admin', 'ops']);
  assert.deepEqual(parseGroups('admin'), ['admin']);
  assert.deepEqual(parseGroups('[]'), []);
  assert.deepEqual(parseGroups(undefined), []);
});

test('who is signed in comes from the sign-in answer, else from the token', () => {
  const token = jwt({ sub: 's-9', email: 'a@example.com', 'cognito:groups': ['admin'] });
  assert.deepEqual(userOf(token), { sub: 's-9', email: 'a@example.com', groups: ['admin'], admin: true });
  assert.deepEqual(userOf(token, { sub: 's-1', email: 'demo@example.com', groups: [] }),
    { sub: 's-1', email: 'demo@example.com', groups: [], admin: false });
  assert.equal(userOf(jwt({ sub: 'x', email: 'e@x', 'cognito:groups': '[readers administrators]' })).admin, false,
    'only the group named exactly admin');
});

test('the expiry is the answer\'s expiresAt, else the exp claim', () => {
  assert.equal(expiryOf(jwt({ exp: 1_700_000_000 }), '2026-12-02T06:00:00Z'), Date.parse('2026-12-02T06:00:00Z'));
  assert.equal(expiryOf(jwt({ exp: 1_700_000_000 })), 1_700_000_000_000);
  assert.equal(expiryOf(jwt({})), null);
});

test('the session keeps the token for the tab and forgets it once it has expired', () => {
  const storage = memoryStorage();
  let now = Date.parse('2026-12-02T05:00:00Z');
  const session = new Session(storage, () => now);
  assert.equal(session.load(), null);
  const token = jwt({ sub: 's', email: 'demo@example.com', exp: now / 1000 + 3600 });
  session.save({ token, expiresAt: '2026-12-02T06:00:00Z' });
  assert.equal(session.token(), token);
  assert.equal(session.load().user.email, 'demo@example.com');
  now = Date.parse('2026-12-02T06:00:00Z') - EXPIRY_MARGIN_MS - 1;
  assert.equal(session.token(), token, 'still valid just before the margin');
  now += 2;
  assert.equal(session.token(), null, 'inside the margin: treated as expired');
  assert.equal(storage.map.has(SESSION_KEY), false, 'and removed');
  storage.setItem(SESSION_KEY, '{broken');
  assert.equal(session.load(), null, 'a damaged entry is no session');
});

test('the place the person was is remembered once', () => {
  const storage = memoryStorage();
  const session = new Session(storage);
  session.rememberReturn('#/');
  assert.equal(storage.map.has(RETURN_KEY), false, 'home needs no remembering');
  session.rememberReturn('#/runs/abc');
  assert.equal(session.takeReturn(), '#/runs/abc');
  assert.equal(session.takeReturn(), null);
});

test('Retry-After is read as seconds or as an HTTP date', () => {
  const now = Date.parse('2026-12-02T05:00:00Z');
  assert.equal(retryAtOf('42', now), now + 42000);
  assert.equal(retryAtOf('Wed, 02 Dec 2026 05:01:00 GMT', now), now + 60000);
  assert.equal(retryAtOf(null, now), null);
  assert.equal(retryAtOf('soon', now), null);
});

const LOCAL = { apiBase: '/api', auth: { kind: 'local' } };

test('local sign-in posts username and password and answers the token', async () => {
  const token = jwt({ sub: 's', email: 'demo@example.com' });
  const { fetchImpl, calls } = fakeFetch(() => ({
    body: { token, expiresAt: '2026-12-02T06:00:00Z', user: { sub: 's', email: 'demo@example.com', groups: [] } },
  }));
  const answer = await signIn(LOCAL, { username: 'demo@example.com', password: 'demo123' }, { fetchImpl });
  assert.equal(answer.token, token);
  assert.equal(answer.expiresAt, '2026-12-02T06:00:00Z');
  assert.equal(calls[0].url, '/api/auth/login');
  assert.equal(calls[0].init.method, 'POST');
  assert.deepEqual(calls[0].body, { username: 'demo@example.com', password: 'demo123' });
});

test('local sign-in: wrong credentials and rate limiting say what to do', async () => {
  const wrong = fakeFetch(() => ({ status: 401, body: { error: { code: 'INVALID_CREDENTIALS', message: 'no' } } }));
  await assert.rejects(signIn(LOCAL, { username: 'a', password: 'b' }, { fetchImpl: wrong.fetchImpl }),
    (e) => e.code === 'INVALID_CREDENTIALS' && /do not match/.test(e.message));
  const now = Date.parse('2026-12-02T05:00:00Z');
  const limited = fakeFetch(() => ({
    status: 429, headers: { 'Retry-After': '42' }, body: { error: { code: 'RATE_LIMITED', message: 'slow down' } },
  }));
  const limitedNow = { fetchImpl: limited.fetchImpl, now: () => now };
  await assert.rejects(signIn(LOCAL, { username: 'a', password: 'b' }, limitedNow),
    (e) => e.code === 'RATE_LIMITED' && e.retryAt === now + 42000
      && e.message === 'Too many sign-in attempts. Try again in 42 s.');
  const long = fakeFetch(() => ({ status: 429, headers: { 'retry-after': '600' }, body: {} }));
  await assert.rejects(signIn(LOCAL, { username: 'a', password: 'b' }, { fetchImpl: long.fetchImpl, now: () => now }),
    (e) => e.message.endsWith('Try again in 10 min.'));
  const down = { fetchImpl: async () => { throw new TypeError('Failed to fetch'); } };
  await assert.rejects(signIn(LOCAL, { username: 'a', password: 'b' }, down), (e) => e.code === 'NETWORK');
});

const COGNITO = {
  apiBase: 'https://x/api',
  auth: { kind: 'cognito', region: 'eu-central-1', userPoolId: 'eu-central-1_Ab', clientId: 'client1' },
};

test('Cognito sign-in is InitiateAuth USER_PASSWORD_AUTH and uses the IdToken', async () => {
  const idToken = jwt({ sub: 'c', email: 'c@example.com', 'cognito:groups': ['admin'] });
  const now = Date.parse('2026-12-02T05:00:00Z');
  const { fetchImpl, calls } = fakeFetch(() => ({
    body: { AuthenticationResult: { IdToken: idToken, AccessToken: 'access', ExpiresIn: 3600, TokenType: 'Bearer' } },
  }));
  const answer = await signIn(COGNITO, { username: 'c@example.com', password: 'pw' }, { fetchImpl, now: () => now });
  assert.equal(answer.token, idToken, 'the IdToken, which carries email and groups, not the AccessToken');
  assert.equal(answer.expiresAt, '2026-12-02T06:00:00.000Z');
  assert.equal(calls[0].url, 'https://cognito-idp.eu-central-1.amazonaws.com/');
  assert.equal(calls[0].init.headers['X-Amz-Target'], 'AWSCognitoIdentityProviderService.InitiateAuth');
  assert.equal(calls[0].init.headers['Content-Type'], 'application/x-amz-json-1.1');
  assert.deepEqual(calls[0].body, { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: 'client1',
    AuthParameters: { USERNAME: 'c@example.com', PASSWORD: 'pw' } });
});

test('Cognito refusals become the same messages as local ones', async () => {
  const refusal = (type, message, status = 400) =>
    fakeFetch(() => ({ status, body: { __type: type, message } })).fetchImpl;
  const attempt = (fetchImpl) => signIn(COGNITO, { username: 'a', password: 'b' }, { fetchImpl });
  await assert.rejects(attempt(refusal('NotAuthorizedException', 'Incorrect username or password.')),
    (e) => e.code === 'INVALID_CREDENTIALS');
  await assert.rejects(attempt(refusal('UserNotFoundException', 'User does not exist.')),
    (e) => e.code === 'INVALID_CREDENTIALS');
  await assert.rejects(attempt(refusal('NotAuthorizedException', 'Password attempts exceeded')),
    (e) => e.code === 'RATE_LIMITED');
  await assert.rejects(attempt(refusal('com.amazonaws#TooManyRequestsException', 'Rate exceeded')),
    (e) => e.code === 'RATE_LIMITED');
  const challenge = fakeFetch(() => ({ body: { ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: 's' } }));
  await assert.rejects(attempt(challenge.fetchImpl),
    (e) => e.code === 'NEW_PASSWORD_REQUIRED' && /temporary password/.test(e.message));
  const evil = { ...COGNITO, auth: { kind: 'cognito', region: 'https://evil.example/#' } };
  await assert.rejects(signIn(evil, { username: 'a', password: 'b' },
    { fetchImpl: refusal('x', 'y') }), (e) => e.code === 'CONFIG', 'a region that is not one never builds a URL');
});

test('every API call carries the bearer token; a 401 ends the session once per call', async () => {
  let current = 'token-1';
  const ended = [];
  const { fetchImpl, calls } = fakeFetch((url) => (url.endsWith('/runs/gone')
    ? { status: 401, body: { message: 'Unauthorized' } }
    : { body: { items: [] } }));
  const api = createApi('/api', { token: () => current, onUnauthenticated: (e) => ended.push(e), fetchImpl });
  await api.listRuns(5);
  current = 'token-2';
  await api.createUpload({ fileName: 'a.csv' });
  assert.equal(calls[0].init.headers.Authorization, 'Bearer token-1');
  assert.equal(calls[1].init.headers.Authorization, 'Bearer token-2', 'the current token, read per call');
  await assert.rejects(api.run('gone'), (e) => e.code === 'UNAUTHENTICATED' && e.message === SESSION_ENDED);
  assert.equal(ended.length, 1);
  const other = fakeFetch(() => ({
    status: 409, body: { error: { code: 'DUPLICATE', message: 'seen', duplicateOf: 'r1' } },
  }));
  await assert.rejects(createApi('/api', { token: () => 't', fetchImpl: other.fetchImpl }).createUpload({}),
    (e) => e.code === 'DUPLICATE' && e.status === 409 && e.details.duplicateOf === 'r1');
});

test('the WebSocket URL carries the token as ?token=, encoded', () => {
  assert.equal(socketUrl('wss://x/live', 'a.b+c'), 'wss://x/live?token=a.b%2Bc');
  assert.equal(socketUrl('ws://h:1/ws?x=1', 't'), 'ws://h:1/ws?x=1&token=t');
  assert.equal(socketUrl(null, 't'), null);
});
