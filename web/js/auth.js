// Signing in (the local runtime's POST /api/auth/login, or Cognito's InitiateAuth), the tab's session token and who
// is signed in. Pure: fetch, storage and the clock are passed in, so tests drive it without a browser.

/**
 * The token lives in sessionStorage: it stays for reloads of this tab and is gone when the tab closes. Not
 * localStorage, which every tab and every later visit shares: a token there would outlive the browser session on a
 * shared computer, and any script that ever runs on the origin could read it for as long as it is valid.
 */
export const SESSION_KEY = 'sluice.session';
/** Where the person was (the page's hash) when the session ended, to come back to after signing in again. */
export const RETURN_KEY = 'sluice.returnTo';
/** A token this close to its expiry is treated as expired: a request sent now would arrive too late. */
export const EXPIRY_MARGIN_MS = 30 * 1000;

export class SignInError extends Error {
  constructor(message, code, { retryAt = null } = {}) {
    super(message);
    Object.assign(this, { code, retryAt });
  }
}

/** The claims of a JWT, read without verifying it: only to show who is signed in (the server verifies). */
export function decodeClaims(token) {
  const part = typeof token === 'string' ? token.split('.')[1] : null;
  if (!part) return null;
  try {
    const base64 = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=');
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const claims = JSON.parse(new TextDecoder().decode(bytes));
    return claims && typeof claims === 'object' ? claims : null;
  } catch {
    return null;
  }
}

/**
 * Groups as any side may spell them (auth.md): a JSON array, API Gateway's stringified "[a b]", "a,b", or one value.
 */
export function parseGroups(value) {
  if (Array.isArray(value)) return value.map(String).filter(Boolean);
  if (typeof value !== 'string') return [];
  let text = value.trim();
  if (text.startsWith('[') && text.endsWith(']')) {
    try {
      const parsed = JSON.parse(text);
      if (Array.isArray(parsed)) return parsed.map(String).filter(Boolean);
    } catch {
      // "[admin editors]": API Gateway's rendering of an array claim, not JSON
    }
    text = text.slice(1, -1);
  }
  return text.split(/[\s,]+/).filter(Boolean);
}

/** {sub, email, groups, admin} from a sign-in answer's user or from the token's claims. */
export function userOf(token, user = null) {
  const claims = decodeClaims(token) || {};
  const groups = parseGroups(user && user.groups !== undefined ? user.groups : claims['cognito:groups']);
  return {
    sub: (user && user.sub) || claims.sub || null,
    email: (user && user.email) || claims.email || claims['cognito:username'] || null,
    groups,
    admin: groups.includes('admin'),
  };
}

/** When the token stops being accepted, in epoch ms: the answer's expiresAt, else the token's exp claim. */
export function expiryOf(token, expiresAt = null) {
  const stated = expiresAt ? Date.parse(expiresAt) : NaN;
  if (Number.isFinite(stated)) return stated;
  const claims = decodeClaims(token);
  return claims && typeof claims.exp === 'number' ? claims.exp * 1000 : null;
}

export class Session {
  constructor(storage, now = () => Date.now()) {
    Object.assign(this, { storage, now });
  }

  /** The signed-in session {token, expiresAtMs, user}, or null when there is none or it has expired. */
  load() {
    let saved;
    try {
      saved = JSON.parse(this.storage.getItem(SESSION_KEY));
    } catch {
      saved = null;
    }
    if (!saved || typeof saved.token !== 'string') return null;
    if (typeof saved.expiresAtMs === 'number' && saved.expiresAtMs - EXPIRY_MARGIN_MS <= this.now()) {
      this.clear();
      return null;
    }
    return saved;
  }

  save({ token, expiresAt = null, user = null }) {
    const session = { token, expiresAtMs: expiryOf(token, expiresAt), user: userOf(token, user) };
    this.storage.setItem(SESSION_KEY, JSON.stringify(session));
    return session;
  }

  clear() {
    this.storage.removeItem(SESSION_KEY);
  }

  token() {
    const session = this.load();
    return session ? session.token : null;
  }

  rememberReturn(hash) {
    if (hash && hash !== '#/' && hash !== '#') this.storage.setItem(RETURN_KEY, hash);
  }

  /** The remembered place, once: a later sign-in starts at home. */
  takeReturn() {
    const hash = this.storage.getItem(RETURN_KEY);
    this.storage.removeItem(RETURN_KEY);
    return hash;
  }
}

/** Seconds or an HTTP date (RFC 9110 Retry-After) → epoch ms, or null. */
export function retryAtOf(retryAfter, now = Date.now()) {
  if (retryAfter === null || retryAfter === undefined || retryAfter === '') return null;
  const text = String(retryAfter).trim();
  if (/^\d+$/.test(text)) return now + Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isFinite(date) ? date : null;
}

/** "Try again in 45 s." / "Try again in 3 min." for a refusal with a known retry time. */
export function retryText(retryAt, now = Date.now()) {
  const seconds = Math.max(1, Math.ceil((retryAt - now) / 1000));
  if (seconds < 120) return `Try again in ${seconds} s.`;
  return `Try again in ${Math.ceil(seconds / 60)} min.`;
}

const WRONG_CREDENTIALS = 'That email and password do not match an account. Check both and try again.';
const UNREACHABLE = 'The sign-in service could not be reached. Check your connection and try again.';

function rateLimited(retryAt, now) {
  const when = retryAt ? retryText(retryAt, now) : 'Wait a minute, then try again.';
  return new SignInError(`Too many sign-in attempts. ${when}`, 'RATE_LIMITED', { retryAt });
}

/** POST {apiBase}/auth/login (the local runtime only; auth.md "Local sign-in"). */
async function signInLocal(apiBase, username, password, fetchImpl, now) {
  let response;
  try {
    response = await fetchImpl(`${apiBase}/auth/login`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password }),
    });
  } catch {
    throw new SignInError(UNREACHABLE, 'NETWORK');
  }
  const body = await response.json().catch(() => ({}));
  if (response.ok && typeof body.token === 'string') {
    return { token: body.token, expiresAt: body.expiresAt || null, user: body.user || null };
  }
  const code = body.error && body.error.code;
  if (response.status === 429 || code === 'RATE_LIMITED') {
    throw rateLimited(retryAtOf(response.headers.get('Retry-After'), now()), now());
  }
  if (response.status === 401 || code === 'INVALID_CREDENTIALS') {
    throw new SignInError(WRONG_CREDENTIALS, 'INVALID_CREDENTIALS');
  }
  throw new SignInError(body.error && body.error.message
    ? `Sign-in failed: ${body.error.message}`
    : `Sign-in failed: the server answered HTTP ${response.status}. Try again.`,
  code || 'HTTP');
}

/**
 * Cognito's InitiateAuth with USER_PASSWORD_AUTH: JSON over HTTPS to the regional endpoint, the same request the AWS
 * SDKs send (X-Amz-Target names the operation). The IdToken is the bearer token: it carries email and
 * cognito:groups, and the HTTP API's JWT authorizer accepts it for the app client's audience.
 */
async function signInCognito(auth, username, password, fetchImpl, now) {
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(auth.region || '') || !auth.clientId) {
    throw new SignInError('Sign-in is not set up for this site (config.json has no Cognito region or client id).',
      'CONFIG');
  }
  let response;
  try {
    response = await fetchImpl(`https://cognito-idp.${auth.region}.amazonaws.com/`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-amz-json-1.1',
        'X-Amz-Target': 'AWSCognitoIdentityProviderService.InitiateAuth',
      },
      body: JSON.stringify({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: auth.clientId,
        AuthParameters: { USERNAME: username, PASSWORD: password },
      }),
    });
  } catch {
    throw new SignInError(UNREACHABLE, 'NETWORK');
  }
  const body = await response.json().catch(() => ({}));
  const result = body.AuthenticationResult;
  if (response.ok && result && typeof result.IdToken === 'string') {
    const expiresAt = typeof result.ExpiresIn === 'number'
      ? new Date(now() + result.ExpiresIn * 1000).toISOString() : null;
    return { token: result.IdToken, expiresAt, user: null };
  }
  if (response.ok && body.ChallengeName) {
    const why = body.ChallengeName === 'NEW_PASSWORD_REQUIRED'
      ? 'Your account still has its temporary password. Set your own password (ask your administrator), then sign in.'
      : `Your account needs another sign-in step (${body.ChallengeName}) this page does not offer. `
        + 'Ask your administrator.';
    throw new SignInError(why, body.ChallengeName);
  }
  const type = String(body.__type || '').split('#').pop();
  const message = String(body.message || '');
  // Cognito answers repeated failures with NotAuthorizedException "Password attempts exceeded" (no Retry-After).
  if (type === 'TooManyRequestsException' || type === 'LimitExceededException' || /attempts exceeded/i.test(message)) {
    throw rateLimited(retryAtOf(response.headers.get('Retry-After'), now()), now());
  }
  if (type === 'NotAuthorizedException' || type === 'UserNotFoundException') {
    throw new SignInError(WRONG_CREDENTIALS, 'INVALID_CREDENTIALS');
  }
  if (type === 'PasswordResetRequiredException') {
    throw new SignInError('Your password must be reset before you can sign in. Ask your administrator.', type);
  }
  if (type === 'UserNotConfirmedException') {
    throw new SignInError('Your account is not confirmed yet. Ask your administrator.', type);
  }
  const what = type || `HTTP ${response.status}`;
  throw new SignInError(`Sign-in failed (${what}). Try again; if it persists, tell your administrator.`,
    type || 'HTTP');
}

/** Signs in with the kind config.json names; answers {token, expiresAt, user} or throws a SignInError. */
export function signIn(config, { username, password }, { fetchImpl = globalThis.fetch, now = () => Date.now() } = {}) {
  const auth = config.auth || { kind: 'local' };
  if (auth.kind === 'cognito') return signInCognito(auth, username, password, fetchImpl, now);
  return signInLocal(config.apiBase, username, password, fetchImpl, now);
}
