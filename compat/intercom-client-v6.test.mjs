// Compatibility test: the official Intercom Node client 6.x (npm alias intercom-client-v6), whose
// default Intercom-Version is 2.11, unchanged against Tally: every issue-12 call it has (v7 has the
// same; the table of calls per version is in compat/README.md): contacts, events (summaries too),
// data attributes (update too), admins and /me, tags, companies, notes, segments, archive, merge.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { IntercomClient, IntercomError } from "intercom-client-v6";
import { baseUrl, token, newRun, newTeammate, eventually, assertAdmin } from "./tally.mjs";
import { archiveAndMergeRoundTrip, companiesRoundTrip } from "./companies.mjs";
import { contactExtrasTests } from "./contact-extras.mjs";

const run = newRun();
const email = (tag) => `compat6-${tag}-${run}@example.com`;
const extId = (tag) => `compat6-${tag}-${run}`;
const attrName = `compat6-plan-${run}`;

const client = new IntercomClient({ token, baseUrl, maxRetries: 0, timeoutInSeconds: 30 });

async function rejectsWith(promise, status, code) {
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof IntercomError, `expected an IntercomError, got ${err}`);
    assert.equal(err.statusCode, status, `status of ${err.message}`);
    assert.equal(err.body?.errors?.[0]?.code, code, `code of ${err.message}`);
    return true;
  });
}

describe("intercom-client v6 (default Intercom-Version 2.11) against Tally", { timeout: 120_000 }, () => {
  let teammate;
  let contact;

  before(async () => {
    teammate = await newTeammate(run, "v6");
  });

  it("dataAttributes.create and list", async () => {
    const made = await client.dataAttributes.create({
      name: attrName,
      model: "contact",
      data_type: "string",
      description: "v6 plan",
    });
    assert.equal(made.type, "data_attribute");
    assert.equal(typeof made.id, "number");
    assert.equal(made.description, "v6 plan");
    const list = await client.dataAttributes.list({ model: "contact" });
    assert.equal(list.type, "list");
    const listed = list.data.find((a) => a.name === attrName);
    assert.equal(listed?.id, made.id);
  });

  it("contacts.create, find and update", async () => {
    contact = await client.contacts.create({
      email: email("main"),
      external_id: extId("main"),
      name: "Six",
      owner_id: Number(teammate.id),
      custom_attributes: { [attrName]: "pro" },
    });
    assert.equal(contact.type, "contact");
    assert.equal(typeof contact.id, "string");
    assert.equal(contact.owner_id, Number(teammate.id));
    assert.equal(contact.custom_attributes[attrName], "pro");
    const found = await client.contacts.find({ contact_id: contact.id });
    assert.equal(found.email, email("main"));
    const updated = await client.contacts.update({ contact_id: contact.id, name: "Six Renamed" });
    assert.equal(updated.name, "Six Renamed");
    assert.equal(updated.owner_id, Number(teammate.id));
    await rejectsWith(client.contacts.create({ email: email("main") }), 409, "conflict");
  });

  it("contacts.search finds it", async () => {
    const page = await eventually(async () => {
      const p = await client.contacts.search({
        query: { field: "external_id", operator: "=", value: extId("main") },
        pagination: { per_page: 5 },
      });
      assert.equal(p.data.length, 1, JSON.stringify(p.data));
      return p;
    });
    assert.equal(page.data[0].id, contact.id);
    assert.equal(page.data[0].name, "Six Renamed");
  });

  it("events.create and events.list", async () => {
    const now = Math.floor(Date.now() / 1000);
    const name = `compat6-did-${run}`;
    assert.equal(await client.events.create({ event_name: name, created_at: now, user_id: extId("main") }), undefined);
    const summary = await client.events.list({ type: "user", user_id: extId("main"), summary: true });
    assert.equal(summary.type, "event.summary");
    assert.equal(summary.events.find((e) => e.name === name)?.count, 1);
    const list = await client.events.list({ type: "user", user_id: extId("main") });
    assert.equal(list.events.filter((e) => e.event_name === name).length, 1, JSON.stringify(list));
  });

  it("admins.list, find and identify", async () => {
    const list = await client.admins.list();
    assert.equal(list.type, "admin.list");
    assertAdmin(list.admins.find((a) => a.id === teammate.id), teammate);
    assertAdmin(await client.admins.find({ admin_id: teammate.id }), teammate);
    await rejectsWith(client.admins.find({ admin_id: String(Number.MAX_SAFE_INTEGER) }), 404, "admin_not_found");
    const me = await new IntercomClient({ token: teammate.token, baseUrl, maxRetries: 0 }).admins.identify();
    assertAdmin(me, teammate);
    assert.equal(me.app?.id_code, teammate.workspaceId);
    const app = await client.admins.identify();
    assert.equal(app.id, null, "a token bound to no teammate answers as the workspace's app");
    assert.equal(app.app?.id_code, teammate.workspaceId);
  });

  it("companies: the v7 round trip (v6 has the same calls)", async () => {
    await companiesRoundTrip(client, rejectsWith, `v6-${run}`, { updateSendsBody: false });
  });

  it("contacts.archive, unarchive and mergeLeadInUser", async () => {
    await archiveAndMergeRoundTrip(client, rejectsWith, `v6-${run}`);
  });

  contactExtrasTests({
    client,
    rejectsWith,
    tag: `v6-${run}`,
    teammate: () => teammate,
    updateAttribute: (c, id, changes) =>
      c.dataAttributes.update({ data_attribute_id: String(id), ...changes }), // flat, the id a string
  });

  it("contacts.delete, then find rejects with 404", async () => {
    const deleted = await client.contacts.delete({ contact_id: contact.id });
    assert.equal(deleted.deleted, true);
    await rejectsWith(client.contacts.find({ contact_id: contact.id }), 404, "not_found");
  });
});
