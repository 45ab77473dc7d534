// What every compat test shares: where Tally is, unique names per run, and the teammate each run
// adds through Tally's admin API (not part of Intercom's API: Intercom adds teammates in its UI).
import assert from "node:assert/strict";

export const baseUrl = process.env.TALLY_URL;
export const token = process.env.TALLY_TOKEN;
export const adminToken = process.env.TALLY_ADMIN_TOKEN;
if (!baseUrl || !token || !adminToken) {
  throw new Error(
    "set TALLY_URL (e.g. http://127.0.0.1:7400), TALLY_TOKEN (a workspace token) and TALLY_ADMIN_TOKEN",
  );
}

/** Letters and digits only: data attribute names allow alphanumerics and hyphens. */
export const newRun = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 36 ** 4).toString(36)}`;

async function tally(method, path, tokenToUse, body) {
  const res = await fetch(new URL(path, baseUrl), {
    method,
    headers: { Authorization: `Bearer ${tokenToUse}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  assert.ok(res.ok, `${method} ${path} answered ${res.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/**
 * Adds a teammate to the workspace of TALLY_TOKEN and a token that acts for it; returns
 * { id, name, email, token, workspaceId }.
 */
export async function newTeammate(run, tag) {
  const me = await tally("GET", "/me", token); // an unbound token: the workspace's app
  const workspaceId = me.app.id_code;
  const name = `Compat ${tag} ${run}`;
  const email = `compat-${tag}-${run}@teammates.example.com`;
  const admin = await tally("POST", `/admin/workspaces/${workspaceId}/admins`, adminToken, { name, email });
  const bound = await tally("POST", `/admin/workspaces/${workspaceId}/tokens`, adminToken, {
    admin_id: Number(admin.id),
  });
  return { id: admin.id, name, email, token: bound.token, workspaceId };
}

/** Retries `check` (which throws until it holds) for up to 15 s: search sees a write within a moment. */
export async function eventually(check) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** A teammate as the 2.11 admin schema has it, id a string of digits. */
export function assertAdmin(a, teammate) {
  assert.equal(a.type, "admin");
  assert.equal(typeof a.id, "string");
  assert.match(a.id, /^[0-9]+$/);
  assert.ok(Number.isSafeInteger(Number(a.id)), `admin id ${a.id} is exact in JavaScript`);
  if (teammate) {
    assert.equal(a.id, teammate.id);
    assert.equal(a.name, teammate.name);
    assert.equal(a.email, teammate.email);
  }
  assert.equal(typeof a.away_mode_enabled, "boolean");
  assert.ok(Array.isArray(a.team_ids));
}

/**
 * Creates a segment with Tally's `POST /segments` (Tally's extension: Intercom builds segments in
 * its UI, so no client has a call for it); returns the segment as Tally answers it.
 */
export async function createSegment(name, query, personType = "user") {
  return tally("POST", "/segments", token, { name, query, person_type: personType });
}

/** Ids Tally gives contacts, tags, companies, notes and segments: JSON strings of digits. */
export function assertDigits(id, what) {
  assert.equal(typeof id, "string", `${what} is a JSON string`);
  assert.match(id, /^[0-9]+$/, `${what} is a string of digits`);
}
