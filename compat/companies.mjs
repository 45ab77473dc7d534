// The companies calls of the generated clients (v6 and v7 have the same surface), against Tally.
import assert from "node:assert/strict";
import { eventually } from "./tally.mjs";

/**
 * Creates, finds, updates, lists, scrolls, attaches, searches by company_id, detaches and deletes
 * companies with `client`; `rejectsWith(promise, status, code)` checks an error; `tag` keeps this
 * run's company ids apart from every other run's.
 */
export async function companiesRoundTrip(client, rejectsWith, tag, { updateSendsBody = true } = {}) {
  const key = `compat-co-${tag}`;
  const made = await client.companies.createOrUpdate({
    company_id: key,
    name: `Acme ${tag}`,
    plan: "pro",
    size: 12,
    monthly_spend: 155,
    remote_created_at: 1374138000,
  });
  assert.equal(made.type, "company");
  assert.equal(typeof made.id, "string");
  assert.equal(made.company_id, key);
  assert.equal(made.user_count, 0);
  const updated = await client.companies.createOrUpdate({ company_id: key, industry: "anvils" });
  assert.equal(updated.id, made.id, "the same company_id is the same company");
  assert.equal(updated.name, `Acme ${tag}`);

  const found = await client.companies.find({ company_id: made.id });
  assert.equal(found.industry, "anvils");
  const byKey = await client.companies.retrieve({ company_id: key });
  assert.equal(byKey.id, made.id);
  // v6's update sends no body (the 2.11 spec gives PUT none): Tally answers the company unchanged.
  const renamed = await client.companies.update({ company_id: made.id, body: { name: `Renamed ${tag}` } });
  assert.equal(renamed.id, made.id);
  assert.equal(renamed.name, updateSendsBody ? `Renamed ${tag}` : `Acme ${tag}`);

  const contact = await client.contacts.create({ email: `compat-co-${tag}@example.com` });
  const attached = await client.companies.attachContact({ contact_id: contact.id, id: made.id });
  assert.equal(attached.user_count, 1);
  const mine = [];
  for await (const c of await client.contacts.listAttachedCompanies({ contact_id: contact.id })) mine.push(c.id);
  assert.deepEqual(mine, [made.id]);
  const members = await client.companies.listAttachedContacts({ company_id: made.id });
  assert.deepEqual(members.data.map((c) => c.id), [contact.id]);
  assert.deepEqual((await client.companies.listAttachedSegments({ company_id: made.id })).data, []);
  await eventually(async () => {
    const hits = await client.contacts.search({ query: { field: "company_id", operator: "=", value: made.id } });
    assert.deepEqual(hits.data.map((c) => c.id), [contact.id]);
  });

  const listed = [];
  for await (const c of await client.companies.list({ per_page: 50 })) listed.push(c.id);
  assert.ok(listed.includes(made.id), "companies.list pages through to the company");
  const scrolled = [];
  for await (const c of await client.companies.scroll()) scrolled.push(c.id);
  assert.ok(scrolled.includes(made.id), "companies.scroll reaches the company");
  assert.equal(new Set(scrolled).size, scrolled.length, "scroll visits each company once");

  const detached = await client.companies.detachContact({ contact_id: contact.id, company_id: made.id });
  assert.equal(detached.user_count, 0);
  const deleted = await client.companies.delete({ company_id: made.id });
  assert.equal(deleted.deleted, true);
  await rejectsWith(client.companies.find({ company_id: made.id }), 404, "company_not_found");
  await rejectsWith(client.companies.attachContact({ contact_id: contact.id, id: made.id }), 404, "company_not_found");
}

/**
 * Archives and unarchives a contact (it leaves search and comes back), and merges a lead with an
 * event, a tag and a company into a user (the user has them, the lead is gone), with `client`.
 */
export async function archiveAndMergeRoundTrip(client, rejectsWith, tag) {
  const email = `compat-life-${tag}@example.com`;
  const user = await client.contacts.create({ email, external_id: `compat-life-${tag}` });
  const byEmail = { query: { field: "email", operator: "=", value: email } };
  await eventually(async () => assert.equal((await client.contacts.search(byEmail)).data.length, 1));
  const archived = await client.contacts.archive({ contact_id: user.id });
  assert.deepEqual(
    { id: archived.id, type: archived.type, archived: archived.archived },
    { id: user.id, type: "contact", archived: true },
  );
  await eventually(async () => assert.equal((await client.contacts.search(byEmail)).data.length, 0));
  assert.equal((await client.contacts.find({ contact_id: user.id })).id, user.id, "its data is kept");
  const back = await client.contacts.unarchive({ contact_id: user.id });
  assert.equal(back.archived, false);
  await eventually(async () => assert.equal((await client.contacts.search(byEmail)).data.length, 1));

  const lead = await client.contacts.create({ role: "lead", name: `Lead ${tag}` });
  const company = await client.companies.createOrUpdate({ company_id: `compat-life-${tag}` });
  await client.companies.attachContact({ contact_id: lead.id, id: company.id });
  const merged = await client.contacts.mergeLeadInUser({ from: lead.id, into: user.id });
  assert.equal(merged.id, user.id);
  assert.equal(merged.name, `Lead ${tag}`, "the lead's name fills the user's empty one");
  assert.equal(merged.companies.total_count, 1);
  assert.equal(merged.companies.data[0].id, company.id);
  await rejectsWith(client.contacts.find({ contact_id: lead.id }), 404, "not_found");
  await rejectsWith(client.contacts.mergeLeadInUser({ from: user.id, into: user.id }), 400, "parameter_invalid");
}
