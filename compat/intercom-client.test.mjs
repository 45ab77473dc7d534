// Compatibility test: the official Intercom Node client (npm `intercom-client` 7.x, pinned in
// package.json), unchanged, against a running Tally speaking Intercom's REST API 2.11.
//
//   TALLY_URL=http://127.0.0.1:7400 TALLY_TOKEN=tly_... TALLY_ADMIN_TOKEN=... node --test compat/
//
// Every issue-12 call v7 has (the table of calls per version is in compat/README.md).
// bin/compat-test starts a throwaway Tally and runs this file. Every run uses fresh, unique emails,
// external ids and attribute names, so it can also run against a Tally that already holds data.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { IntercomClient, IntercomError } from "intercom-client";
import { baseUrl, token, newRun, newTeammate, eventually, assertAdmin } from "./tally.mjs";
import { archiveAndMergeRoundTrip, companiesRoundTrip } from "./companies.mjs";
import { contactExtrasTests } from "./contact-extras.mjs";

const run = newRun();
const email = (tag) => `compat-${tag}-${run}@example.com`;
const extId = (tag) => `compat-${tag}-${run}`;
const tierAttr = `compat-tier-${run}`; // defined up front with dataAttributes.create
const seatsAttr = `compat-seats-${run}`; // typed by Tally from its first value

// Every request the client makes, recorded by a pass-through fetch (a documented client option).
const requests = [];
const recordingFetch = (input, init = {}) => {
  const url = new URL(typeof input === "string" ? input : input.url);
  const headers = new Headers(init.headers);
  requests.push({ method: init.method ?? "GET", url, headers });
  return fetch(input, init);
};

const client = new IntercomClient({
  token,
  baseUrl,
  version: "2.11",
  maxRetries: 0,
  timeoutInSeconds: 30,
  fetch: recordingFetch,
});

/** Asserts that `promise` rejects with an IntercomError of `status` whose first error has `code`. */
async function rejectsWith(promise, status, code) {
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof IntercomError, `expected an IntercomError, got ${err?.constructor?.name}: ${err}`);
    assert.equal(err.statusCode, status, `status of ${err.message}`);
    assert.equal(err.body?.type, "error.list", `body of ${err.message}`);
    assert.ok(Array.isArray(err.body.errors) && err.body.errors.length > 0, "errors[] is not empty");
    assert.equal(err.body.errors[0].code, code, `code of ${err.message}`);
    assert.equal(typeof err.body.errors[0].message, "string");
    return true;
  });
}

const assertStringId = (id, what) => {
  assert.equal(typeof id, "string", `${what} is a JSON string`);
  assert.match(id, /^[0-9A-Za-z]+$/, `${what} looks like an id`);
};

describe("intercom-client v7 (Intercom-Version 2.11) against Tally", { timeout: 120_000 }, () => {
  let contact; // the main contact, created in the first test
  let teammate; // added through Tally's admin API, with a token that acts for it

  before(async () => {
    teammate = await newTeammate(run, "v7");
    const attr = await client.dataAttributes.create({
      name: tierAttr,
      model: "contact",
      data_type: "string",
      description: "compat test attribute",
    });
    assert.equal(attr.type, "data_attribute");
    assert.equal(attr.name, tierAttr);
    assert.equal(attr.data_type, "string");
  });

  it("sends Intercom-Version 2.11 and the bearer token", () => {
    assert.ok(requests.length > 0);
    for (const r of requests) {
      assert.equal(r.headers.get("intercom-version"), "2.11");
      assert.equal(r.headers.get("authorization"), `Bearer ${token}`);
    }
  });

  it("contacts.create returns the contact with its fields", async () => {
    contact = await client.contacts.create({
      email: email("main"),
      external_id: extId("main"),
      name: "Compat Main",
      custom_attributes: { [tierAttr]: "gold", [seatsAttr]: 3 },
      owner_id: Number(teammate.id),
    });
    assert.equal(contact.type, "contact");
    assert.equal(contact.owner_id, Number(teammate.id), "owner_id is a number, as the spec types it");
    assertStringId(contact.id, "contact.id");
    assert.equal(typeof contact.workspace_id, "string");
    assert.equal(contact.email, email("main"));
    assert.equal(contact.external_id, extId("main"));
    assert.equal(contact.name, "Compat Main");
    assert.equal(contact.role, "user");
    assert.deepEqual(contact.custom_attributes, { [tierAttr]: "gold", [seatsAttr]: 3 });
    assert.equal(typeof contact.created_at, "number");
    assert.equal(typeof contact.updated_at, "number");
  });

  it("contacts.find returns the same contact", async () => {
    const found = await client.contacts.find({ contact_id: contact.id });
    assert.equal(found.type, "contact");
    assert.equal(found.id, contact.id);
    assert.equal(found.email, email("main"));
    assert.equal(found.external_id, extId("main"));
    assert.equal(found.name, "Compat Main");
    assert.deepEqual(found.custom_attributes, contact.custom_attributes);
  });

  it("contacts.update changes the name and keeps the rest", async () => {
    const updated = await client.contacts.update({ contact_id: contact.id, name: "Compat Renamed" });
    assert.equal(updated.type, "contact");
    assert.equal(updated.id, contact.id);
    assert.equal(updated.name, "Compat Renamed");
    assert.equal(updated.email, email("main"));
    assert.deepEqual(updated.custom_attributes, contact.custom_attributes);
    const update = requests.findLast((r) => r.method === "PUT");
    assert.equal(update.url.pathname.endsWith(`/contacts/${contact.id}`), true);

    const found = await client.contacts.find({ contact_id: contact.id });
    assert.equal(found.name, "Compat Renamed");
  });

  it("contacts.search finds the contact by email and by owner_id, and pages", async () => {
    const page = await eventually(async () => {
      const p = await client.contacts.search({
        query: {
          operator: "AND",
          value: [
            { field: "email", operator: "=", value: email("main") },
            { field: "owner_id", operator: "=", value: Number(teammate.id) },
          ],
        },
        pagination: { per_page: 5 },
      });
      assert.equal(p.data.length, 1, `search finds the contact: ${JSON.stringify(p.data)}`);
      return p;
    });
    assert.equal(page.data[0].id, contact.id);
    assert.equal(page.data[0].owner_id, Number(teammate.id));
    const seen = [];
    for await (const c of page) seen.push(c.id);
    assert.deepEqual(seen, [contact.id]);
  });

  it("admins.list, admins.find and admins.identify answer the teammate", async () => {
    const list = await client.admins.list();
    assert.equal(list.type, "admin.list");
    const listed = list.admins.find((a) => a.id === teammate.id);
    assert.ok(listed, `${teammate.id} is listed: ${JSON.stringify(list)}`);
    assertAdmin(listed, teammate);
    assertAdmin(await client.admins.find({ admin_id: Number(teammate.id) }), teammate);
    await rejectsWith(client.admins.find({ admin_id: Number.MAX_SAFE_INTEGER }), 404, "admin_not_found");

    const asTeammate = new IntercomClient({ token: teammate.token, baseUrl, version: "2.11", maxRetries: 0 });
    const me = await asTeammate.admins.identify();
    assertAdmin(me, teammate);
    assert.equal(me.app?.type, "app");
    assert.equal(me.app?.id_code, teammate.workspaceId);
    const app = await client.admins.identify();
    assert.equal(app.id, null, "a token bound to no teammate answers as the workspace's app");
    assert.equal(app.app?.id_code, teammate.workspaceId);
  });

  it("messages.create sends an admin's email and answers an admin_message", async () => {
    const to = await client.contacts.create({ email: email("msg"), name: "Ada" });
    const m = await client.messages.create({
      message_type: "email",
      subject: "Hi {{name}}",
      body: "Hello there",
      template: "plain",
      from: { type: "admin", id: Number(teammate.id) },
      to: { type: "user", id: to.id },
    });
    assert.equal(m.type, "admin_message");
    assert.equal(typeof m.id, "string");
    assert.equal(m.message_type, "email");
    assert.equal(m.subject, "Hi {{name}}");
    assert.equal(m.body, "Hello there");
    assert.equal(typeof m.created_at, "number");
    await rejectsWith(
      client.messages.create({
        message_type: "email",
        subject: "s",
        body: "b",
        template: "plain",
        from: { type: "admin", id: Number.MAX_SAFE_INTEGER },
        to: { type: "user", id: to.id },
      }),
      404,
      "admin_not_found",
    );
    await rejectsWith(
      client.messages.create({
        message_type: "in_app",
        body: "b",
        from: { type: "admin", id: Number(teammate.id) },
        to: { type: "user", id: to.id },
      }),
      400,
      "parameter_invalid",
    );
  });

  it("a duplicate email or external_id rejects with 409 conflict", async () => {
    await rejectsWith(client.contacts.create({ email: email("main") }), 409, "conflict");
    await rejectsWith(
      client.contacts.create({ external_id: extId("main"), email: email("other") }),
      409,
      "conflict",
    );
  });

  it("contacts.list with per_page 2 pages through every contact once, then stops", async () => {
    const created = [];
    for (let i = 0; i < 5; i++) {
      const c = await client.contacts.create({ email: email(`page${i}`), external_id: extId(`page${i}`) });
      created.push(c.id);
    }
    const before = requests.length;
    const pager = await client.contacts.list({ per_page: 2 });
    assert.ok(pager.data.length <= 2, `first page holds ${pager.data.length} contacts`);

    const seen = [];
    for await (const c of pager) {
      assert.equal(c.type, "contact");
      assertStringId(c.id, "listed id");
      assert.ok(!seen.includes(c.id), `contact ${c.id} is listed twice (the pager would not stop)`);
      seen.push(c.id);
    }
    for (const id of [contact.id, ...created]) {
      assert.equal(seen.filter((s) => s === id).length, 1, `contact ${id} listed exactly once`);
    }

    const pages = requests.slice(before).filter((r) => r.method === "GET" && r.url.pathname.endsWith("/contacts"));
    const minPages = Math.ceil(seen.length / 2);
    assert.ok(
      pages.length >= minPages && pages.length <= minPages + 1,
      `${seen.length} contacts took ${pages.length} pages of 2`,
    );
    assert.equal(pages[0].url.searchParams.get("per_page"), "2");
    for (const p of pages.slice(1)) {
      assert.equal(p.url.searchParams.get("per_page"), "2");
      assert.ok(p.url.searchParams.get("starting_after"), "later pages send the cursor");
    }
  });

  it("events.create resolves, and events.list returns the summary and the events", async () => {
    const now = Math.floor(Date.now() / 1000);
    const name = `compat-did-thing-${run}`;
    const first = await client.events.create({
      event_name: name,
      created_at: now - 60,
      user_id: extId("main"),
      metadata: { invite_code: "ADDAFRIEND" },
    });
    assert.equal(first, undefined);
    await client.events.create({ event_name: name, created_at: now, user_id: extId("main") });

    const summary = await client.events.list({ type: "user", user_id: extId("main"), summary: true });
    assert.equal(summary.type, "event.summary");
    const item = summary.events.find((e) => e.name === name);
    assert.ok(item, `summary lists ${name}: ${JSON.stringify(summary)}`);
    assert.equal(summary.events[0].count, 2);
    assert.equal(item.count, 2);
    assert.equal(typeof item.first, "string");
    assert.equal(typeof item.last, "string");

    const list = await client.events.list({ type: "user", user_id: extId("main"), summary: false });
    assert.equal(list.type, "event.list");
    const mine = list.events.filter((e) => e.event_name === name);
    assert.equal(mine.length, 2, JSON.stringify(list));
    const withMeta = mine.find((e) => e.created_at === now - 60);
    assert.ok(withMeta, "the first event is listed with its created_at");
    assert.deepEqual(withMeta.metadata, { invite_code: "ADDAFRIEND" });

    const byId = await client.events.list({ type: "user", intercom_user_id: contact.id, summary: true });
    assert.equal(byId.events.find((e) => e.name === name)?.count, 2);
    const byEmail = await client.events.list({ type: "user", email: email("main"), summary: true });
    assert.equal(byEmail.events.find((e) => e.name === name)?.count, 2);
  });

  it("dataAttributes.list({model: contact}) includes the custom attributes with their data_type", async () => {
    const attrs = await client.dataAttributes.list({ model: "contact" });
    assert.equal(attrs.type, "list");
    assert.ok(Array.isArray(attrs.data));
    const tier = attrs.data.find((a) => a.name === tierAttr);
    assert.ok(tier, `${tierAttr} is listed`);
    assert.equal(tier.type, "data_attribute");
    assert.equal(tier.data_type, "string");
    assert.equal(tier.full_name, `custom_attributes.${tierAttr}`);
    assert.equal(tier.model, "contact");
    assert.equal(tier.custom, true);
    assert.equal(typeof tier.id, "number", "a data attribute's id is an integer in the spec");
    assert.ok(Number.isSafeInteger(tier.id), `${tier.id} is exact in JavaScript`);
    assert.equal(tier.description, "compat test attribute");
    const seats = attrs.data.find((a) => a.name === seatsAttr);
    assert.ok(seats, `${seatsAttr} (typed from its first value) is listed`);
    assert.equal(seats.data_type, "integer");
    assert.equal(seats.description, "", "description is a string, empty when there is none");
  });

  it("dataAttributes.create({model: company}) and list({model: company}) with the built-ins", async () => {
    const name = `compat-size-${run}`;
    const made = await client.dataAttributes.create({ name, model: "company", data_type: "integer" });
    assert.equal(made.model, "company");
    assert.equal(made.custom, true);
    const attrs = await client.dataAttributes.list({ model: "company" });
    assert.equal(attrs.data.find((a) => a.name === name)?.id, made.id);
    const builtIn = attrs.data.find((a) => a.full_name === "name");
    assert.equal(builtIn.custom, false);
    assert.equal(builtIn.model, "company");
    assert.equal(builtIn.id, undefined, "built-ins have no id");
    assert.ok(attrs.data.every((a) => a.model === "company"));
    const contacts = await client.dataAttributes.list({ model: "contact" });
    assert.ok(contacts.data.some((a) => a.full_name === "email" && a.custom === false));
    assert.ok(!contacts.data.some((a) => a.name === name), "a company attribute is not a contact's");
  });

  it("contacts.delete answers deleted true, and find then rejects with 404", async () => {
    const deleted = await client.contacts.delete({ contact_id: contact.id });
    assert.equal(deleted.id, contact.id);
    assert.equal(deleted.type, "contact");
    assert.equal(deleted.deleted, true);
    await rejectsWith(client.contacts.find({ contact_id: contact.id }), 404, "not_found");
  });

  it("an invalid token rejects with 401", async () => {
    const bad = new IntercomClient({ token: `invalid-${run}`, baseUrl, version: "2.11", maxRetries: 0 });
    await rejectsWith(bad.contacts.list({ per_page: 2 }), 401, "unauthorized");
    await rejectsWith(bad.contacts.create({ email: email("unauthorized") }), 401, "unauthorized");
  });

  contactExtrasTests({
    client,
    rejectsWith,
    tag: `v7-${run}`,
    teammate: () => teammate,
    updateAttribute: (c, id, body) => c.dataAttributes.update({ data_attribute_id: id, body }),
  });

  it("companies: createOrUpdate, find, retrieve, update, attach, list, scroll, search, detach, delete", async () => {
    await companiesRoundTrip(client, rejectsWith, `v7-${run}`);
  });

  it("contacts.archive, unarchive and mergeLeadInUser", async () => {
    await archiveAndMergeRoundTrip(client, rejectsWith, `v7-${run}`);
  });

  it("an Intercom-Version other than 2.x rejects with 400 naming the header", async () => {
    const unstable = new IntercomClient({ token, baseUrl, version: "Unstable", maxRetries: 0 });
    await rejectsWith(unstable.admins.list(), 400, "parameter_invalid");
    const v214 = new IntercomClient({ token, baseUrl, maxRetries: 0 }); // v7's default, "2.14"
    assert.equal((await v214.admins.list()).type, "admin.list");
  });
});
