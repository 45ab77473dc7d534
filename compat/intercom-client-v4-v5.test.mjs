// Compatibility test: the official Intercom Node clients 4.x and 5.x (npm aliases
// intercom-client-v4 and -v5), unchanged against Tally. They send the token as HTTP Basic
// credentials (the token as user name, an empty password) and no Intercom-Version header; their API
// is camelCase. Every issue-12 call they have (the table per version is in compat/README.md):
// contacts, events create/listBy, data attributes list/create/update, admins list/find, tags (no
// tags.find), companies, notes, segments, archive, merge. They have no /me, no events.summaries and
// no GET /companies/{id}.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import * as v4 from "intercom-client-v4";
import * as v5 from "intercom-client-v5";
import {
  assertAdmin,
  assertDigits,
  baseUrl,
  createSegment,
  eventually,
  newRun,
  newTeammate,
  token,
} from "./tally.mjs";

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
      assert.equal((await client.companies.find({ name: `Acme v${version}` })).id, made.id, "found by name");
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
      assert.deepEqual((await client.companies.listAttachedSegments({ companyId: made.id })).data, []);
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

    it("tags: create, update (rename), list, tagContact, listAttachedTags, untagContact, delete", async () => {
      const name = `compat-tag-v${version}-${run}`;
      const made = await client.tags.create({ name });
      assert.equal(made.type, "tag");
      assertDigits(made.id, "tag.id");
      assert.equal(made.name, name);
      const renamed = await client.tags.update({ id: made.id, name: `${name}-renamed` });
      assert.equal(renamed.id, made.id);
      assert.equal(renamed.name, `${name}-renamed`);
      const list = await client.tags.list();
      assert.equal(list.type, "list");
      assert.ok(list.data.some((t) => t.id === made.id && t.name === `${name}-renamed`), "listed renamed");
      const who = await client.contacts.createUser({ email: email("tagged") });
      const applied = await client.tags.tagContact({ contactId: who.id, tagId: made.id });
      assert.equal(applied.id, made.id);
      assert.equal(typeof applied.applied_at, "number");
      const theirs = await client.contacts.listAttachedTags({ id: who.id });
      assert.deepEqual(theirs.data.map((t) => t.id), [made.id]);
      assert.equal((await client.tags.untagContact({ contactId: who.id, tagId: made.id })).id, made.id);
      assert.deepEqual((await client.contacts.listAttachedTags({ id: who.id })).data, []);
      await client.tags.delete({ id: made.id });
      assert.ok(!(await client.tags.list()).data.some((t) => t.id === made.id), "a deleted tag is not listed");
      await rejectsWith(client.tags.tagContact({ contactId: who.id, tagId: made.id }), 404, "not_found");
    });

    it("notes: create, list by page, find", async () => {
      const who = await client.contacts.createUser({ email: email("notes") });
      const first = await client.notes.create({ contactId: who.id, body: "First", adminId: teammate.id });
      assert.equal(first.type, "note");
      assertDigits(first.id, "note.id");
      assert.equal(first.contact.id, who.id);
      assertAdmin(first.author, teammate);
      for (const n of [2, 3]) await client.notes.create({ contactId: who.id, body: `Note ${n}` });
      const page1 = await client.notes.list({ contactId: who.id, perPage: 2 });
      assert.equal(page1.type, "list");
      assert.equal(page1.total_count, 3);
      assert.deepEqual(page1.data.map((n) => n.body), ["Note 3", "Note 2"], "newest first");
      const page2 = await client.notes.list({ contactId: who.id, perPage: 2, page: 2 });
      assert.deepEqual(page2.data.map((n) => n.body), ["First"]);
      const found = await client.notes.find({ id: first.id });
      assert.equal(found.body, "First");
      assert.equal(found.author.id, teammate.id);
      await rejectsWith(client.notes.find({ id: "999999999" }), 404, "not_found");
    });

    it("segments: list with includeCount, find, contacts.listAttachedSegments", async () => {
      const who = await client.contacts.createUser({ email: email("seg") });
      const segment = await createSegment(`Compat v${version} ${run}`, {
        field: "email",
        operator: "=",
        value: email("seg"),
      });
      await eventually(async () => {
        const list = await client.segments.list({ includeCount: true });
        assert.equal(list.type, "segment.list");
        assert.equal(list.segments.find((s) => s.id === segment.id)?.count, 1, JSON.stringify(list));
      });
      const found = await client.segments.find({ id: segment.id });
      assert.equal(found.type, "segment");
      assert.equal(found.name, `Compat v${version} ${run}`);
      assert.equal(found.person_type, "user");
      assert.equal(found.count, undefined, "no count unless asked");
      assert.equal((await client.segments.find({ id: segment.id, includeCount: true })).count, 1);
      await rejectsWith(client.segments.find({ id: "999999999" }), 404, "not_found");
      const theirs = await client.contacts.listAttachedSegments({ id: who.id });
      assert.equal(theirs.type, "list");
      assert.deepEqual(theirs.data.map((s) => s.id), [segment.id]);
    });

    it("dataAttributes.update: description, options, archived (listed with includeArchived)", async () => {
      const made = await client.dataAttributes.create({ name: `${attrName}-stage`, model: "contact", dataType: "string" });
      const changed = await client.dataAttributes.update({
        id: made.id,
        description: "Stage",
        options: [{ value: "trial" }, { value: "paid" }],
      });
      assert.equal(changed.id, made.id);
      assert.equal(changed.description, "Stage");
      assert.deepEqual(changed.options, ["trial", "paid"]);
      assert.equal((await client.dataAttributes.update({ id: made.id, archived: true })).archived, true);
      const live = await client.dataAttributes.list({ model: "contact" });
      assert.ok(!live.data.some((a) => a.id === made.id), "an archived attribute leaves the list");
      const all = await client.dataAttributes.list({ model: "contact", includeArchived: true });
      assert.equal(all.data.find((a) => a.id === made.id)?.archived, true);
      await rejectsWith(client.dataAttributes.update({ id: 999_999_999, description: "x" }), 404, "field_not_found");
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
