// Compatibility test: the official Intercom Node clients 4.x and 5.x (npm aliases
// intercom-client-v4 and -v5), unchanged against Tally. They send the token as HTTP Basic
// credentials (the token as user name, an empty password) and no Intercom-Version header; their API
// is camelCase. Every call of the compat list they have: contacts createUser/find/update/search/
// delete, events create/listBy, dataAttributes list/create, admins list/find (they have no /me).
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import * as v4 from "intercom-client-v4";
import * as v5 from "intercom-client-v5";
import { baseUrl, token, newRun, newTeammate, eventually, assertAdmin } from "./tally.mjs";

for (const [version, lib] of [
  ["4", v4],
  ["5", v5],
]) {
  const run = newRun();
  const email = (tag) => `compat${version}-${tag}-${run}@example.com`;
  const extId = (tag) => `compat${version}-${tag}-${run}`;
  const attrName = `compat${version}-plan-${run}`;
  const { Client, BadResponseError } = lib.default?.Client ? lib.default : lib;

  const client = new Client({ tokenAuth: { token } });
  client.useRequestOpts({ baseURL: baseUrl });

  async function rejectsWith(promise, status, code) {
    await assert.rejects(promise, (err) => {
      assert.equal(err.statusCode, status, `status of ${err}`);
      assert.equal(err.body?.type, "error.list");
      assert.equal(err.body?.errors?.[0]?.code, code, `code of ${err}`);
      return true;
    });
  }

  describe(`intercom-client v${version} (HTTP Basic, no Intercom-Version) against Tally`, { timeout: 120_000 }, () => {
    let teammate;
    let contact;

    before(async () => {
      teammate = await newTeammate(run, `v${version}`);
    });

    it("dataAttributes.create and list", async () => {
      const made = await client.dataAttributes.create({
        name: attrName,
        model: "contact",
        dataType: "string",
        description: `v${version} plan`,
      });
      assert.equal(made.type, "data_attribute");
      assert.equal(typeof made.id, "number");
      const list = await client.dataAttributes.list({ model: "contact" });
      assert.equal(list.type, "list");
      assert.equal(list.data.find((a) => a.name === attrName)?.id, made.id);
    });

    it("contacts.createUser, find and update", async () => {
      contact = await client.contacts.createUser({
        email: email("main"),
        externalId: extId("main"),
        name: `Version ${version}`,
        ownerId: Number(teammate.id),
        customAttributes: { [attrName]: "pro" },
      });
      assert.equal(contact.type, "contact");
      assert.equal(contact.role, "user");
      assert.equal(contact.owner_id, Number(teammate.id));
      const found = await client.contacts.find({ id: contact.id });
      assert.equal(found.external_id, extId("main"));
      assert.equal(found.custom_attributes[attrName], "pro");
      const updated = await client.contacts.update({ id: contact.id, name: "Renamed" });
      assert.equal(updated.name, "Renamed");
      assert.equal(updated.email, email("main"));
      await rejectsWith(client.contacts.createUser({ email: email("main") }), 409, "conflict");
    });

    it("contacts.search finds it", async () => {
      const found = await eventually(async () => {
        const r = await client.contacts.search({
          data: {
            query: { field: "email", operator: "=", value: email("main") },
            pagination: { per_page: 5 },
          },
        });
        assert.equal(r.data.length, 1, JSON.stringify(r));
        return r;
      });
      assert.equal(found.type, "list");
      assert.equal(found.data[0].id, contact.id);
      assert.equal(found.total_count, 1);
    });

    it("events.create and events.listBy", async () => {
      const now = Math.floor(Date.now() / 1000);
      const name = `compat${version}-did-${run}`;
      await client.events.create({ eventName: name, createdAt: now, userId: extId("main"), metadata: { plan: "pro" } });
      const summary = await client.events.listBy({ userId: extId("main"), summary: true });
      assert.equal(summary.type, "event.summary");
      assert.equal(summary.events.find((e) => e.name === name)?.count, 1);
      const list = await client.events.listBy({ userId: extId("main"), perPage: 10 });
      assert.equal(list.type, "event.list");
      assert.deepEqual(list.events.find((e) => e.event_name === name)?.metadata, { plan: "pro" });
    });

    it("admins.list and find", async () => {
      const list = await client.admins.list();
      assert.equal(list.type, "admin.list");
      assertAdmin(list.admins.find((a) => a.id === teammate.id), teammate);
      assertAdmin(await client.admins.find({ id: teammate.id }), teammate);
      await rejectsWith(client.admins.find({ id: String(Number.MAX_SAFE_INTEGER) }), 404, "admin_not_found");
    });

    it("companies: create, find, update, list, attach, listAttachedCompanies, scroll, detach, delete", async () => {
      const key = `compat-co-v${version}-${run}`;
      const made = await client.companies.create({ companyId: key, name: `Acme v${version}`, plan: "pro", size: 5 });
      assert.equal(made.type, "company");
      assert.equal(typeof made.id, "string");
      assert.equal(made.company_id, key);
      const found = await client.companies.find({ companyId: key });
      assert.equal(found.id, made.id);
      const updated = await client.companies.update({ companyId: made.id, industry: "anvils" });
      assert.equal(updated.industry, "anvils");
      assert.equal(updated.name, `Acme v${version}`);
      const listed = await client.companies.list({ page: 1, perPage: 60, order: "desc" });
      assert.equal(listed.type, "list");
      assert.ok(typeof listed.total_count === "number" && listed.total_count >= 1);
      const who = await client.contacts.createUser({ email: email("co") });
      const attached = await client.companies.attachContact({ contactId: who.id, companyId: made.id });
      assert.equal(attached.user_count, 1);
      const theirs = await client.contacts.listAttachedCompanies({ id: who.id });
      assert.deepEqual(theirs.data.map((c) => c.id), [made.id]);
      const members = await client.companies.listAttachedContacts({ companyId: made.id });
      assert.deepEqual(members.data.map((c) => c.id), [who.id]);
      const all = await client.companies.scroll.each({});
      assert.ok(all.some((c) => c.id === made.id), "scroll.each reaches the company");
      const detached = await client.companies.detachContact({ contactId: who.id, companyId: made.id });
      assert.equal(detached.user_count, 0);
      const deleted = await client.companies.delete({ id: made.id });
      assert.equal(deleted.deleted, true);
      await rejectsWith(client.companies.find({ companyId: key }), 404, "company_not_found");
    });

    it("contacts.archive, unarchive and mergeLeadInUser", async () => {
      const user = await client.contacts.createUser({ email: email("life"), externalId: extId("life") });
      const archived = await client.contacts.archive({ id: user.id });
      assert.equal(archived.archived, true);
      assert.equal((await client.contacts.unarchive({ id: user.id })).archived, false);
      const lead = await client.contacts.createLead({ name: `Lead v${version}` });
      const merged = await client.contacts.mergeLeadInUser({ leadId: lead.id, userId: user.id });
      assert.equal(merged.id, user.id);
      assert.equal(merged.name, `Lead v${version}`);
      await rejectsWith(client.contacts.find({ id: lead.id }), 404, "not_found");
    });

    it("contacts.delete, then find rejects with 404", async () => {
      const deleted = await client.contacts.delete({ id: contact.id });
      assert.equal(deleted.deleted, true);
      await rejectsWith(client.contacts.find({ id: contact.id }), 404, "not_found");
    });

    it("a wrong token rejects with 401", async () => {
      const bad = new Client({ tokenAuth: { token: `invalid-${run}` } });
      bad.useRequestOpts({ baseURL: baseUrl });
      await rejectsWith(bad.admins.list(), 401, "unauthorized");
    });
  });
}
