/**
 * An organisation set up over real HTTP against a sync-server anywhere (in this process or a
 * child process): first-start setup, units and people, each with a software passkey at the
 * server's origin — no browser, so a test seeds a history in seconds and keeps the browser for
 * what it tests.
 */
import { SoftAuthenticator } from '../../sync-server/src/testing/softAuthenticator';
import type { Person } from './harness';

export interface HttpAnswer {
  readonly status: number;
  readonly text: string;
  /** `name=value` of the session cookie the answer set, if it set one. */
  readonly cookie: string | undefined;
  json<T>(): T;
}

/** One request as a page of the app at `origin` would send it (Origin header, the session cookie). */
export async function httpCall(base: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, options: { cookie?: string; body?: unknown; origin?: string } = {}): Promise<HttpAnswer> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      origin: options.origin ?? base,
      ...(options.cookie ? { cookie: options.cookie } : {}),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  const session = response.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => /sealctl_session=/.test(c));
  return { status: response.status, text, cookie: session, json: <T>() => JSON.parse(text) as T };
}

/** An answer as the integration tests read it: the status, and the JSON body (`{}` when empty). */
export interface JsonAnswer { status: number; json: Record<string, unknown> }

/** `person` calls the running server at `url` from the app's origin, with their session. */
export async function personCall(url: string, origin: string, person: { readonly cookie: string }, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<JsonAnswer> {
  const answer = await httpCall(url, method, path, { cookie: person.cookie, body, origin });
  return { status: answer.status, json: answer.text ? answer.json<Record<string, unknown>>() : {} };
}

/** What the seeding needs of a server: its address and a call that throws unless the answer is 2xx. */
export interface SeedApi {
  readonly url: string;
  call<T>(method: 'GET' | 'POST' | 'PUT', path: string, cookie: string, body?: unknown): Promise<T>;
}

/** `origin`: the page origin the server accepts (default: `url` itself, as for the server of a browser test). */
export function httpApi(url: string, origin = url): SeedApi {
  return {
    url,
    async call<T>(method: 'GET' | 'POST' | 'PUT', path: string, cookie: string, body?: unknown): Promise<T> {
      const answer = await httpCall(url, method, path, { cookie, body, origin });
      if (answer.status < 200 || answer.status > 299) throw new Error(`${method} ${path}: ${answer.status} ${answer.text}`);
      return answer.text === '' ? (undefined as T) : answer.json<T>();
    },
  };
}

export interface HttpOrganisation {
  readonly api: SeedApi;
  readonly admin: Person & { readonly rootUnitId: string };
  unit(parentId: string, name: string, kind: 'branch' | 'site', geofence?: { lat: number; lon: number; radiusM: number }): Promise<string>;
  /** An invitation code for someone with `roles` on `unitId` (for a person who joins in a browser). */
  invitation(unitId: string, roles: string[], note: string): Promise<string>;
  /** Invites someone with roles on a unit and registers their software passkey. */
  person(unitId: string, roles: string[], name: string): Promise<Person>;
}

/**
 * Runs first-start setup with `setupCode` (the server prints it) over HTTP. The server's WebAuthn
 * origin is its `url` (`http://localhost:PORT`), so the passkeys are made for that origin.
 */
export async function httpOrganisation(url: string, setupCode: string, names: { organisation: string; admin: string }): Promise<HttpOrganisation> {
  const api = httpApi(url);
  const rpId = new URL(url).hostname;
  const register = async (optionsPath: string, optionsBody: unknown, verifyPath: string) => {
    const authenticator = new SoftAuthenticator(url, rpId);
    const options = await httpCall(url, 'POST', optionsPath, { body: optionsBody });
    if (options.status !== 200) throw new Error(`${optionsPath}: ${options.status} ${options.text}`);
    const done = await httpCall(url, 'POST', verifyPath, { body: { response: await authenticator.register(options.json()) } });
    if (done.status !== 201 || done.cookie === undefined) throw new Error(`${verifyPath}: ${done.status} ${done.text}`);
    const body = done.json<{ user: { id: string }; unit?: { id: string }; credential: { id: string } }>();
    return { userId: body.user.id, cookie: done.cookie, credentialId: body.credential.id, authenticator, unitId: body.unit?.id };
  };
  const setup = await register('/api/setup/options', { setupCode, adminName: names.admin, organisationName: names.organisation }, '/api/setup/verify');
  const admin = { userId: setup.userId, cookie: setup.cookie, credentialId: setup.credentialId, authenticator: setup.authenticator, rootUnitId: setup.unitId! };
  const invitation = async (unitId: string, roles: string[], note: string) => (await api.call<{ code: string }>('POST', '/api/invitations', admin.cookie, { unitId, roles, note })).code;
  return {
    api,
    admin,
    async unit(parentId, name, kind, geofence) {
      return (await api.call<{ unit: { id: string } }>('POST', '/api/units', admin.cookie, { name, kind, parentId, ...(geofence ? { geofence } : {}) })).unit.id;
    },
    invitation,
    async person(unitId, roles, name) {
      const code = await invitation(unitId, roles, name);
      const p = await register('/api/auth/register/options', { invitationCode: code, name }, '/api/auth/register/verify');
      return { userId: p.userId, cookie: p.cookie, credentialId: p.credentialId, authenticator: p.authenticator };
    },
  };
}
