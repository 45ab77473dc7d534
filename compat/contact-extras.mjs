// What sits around a contact, through the generated clients (v6 and v7 have the same calls for all
// of it but dataAttributes.update, whose arguments the caller adapts): tags, notes, segments, event
// summaries and data attribute updates, against Tally.
import { it } from "node:test";
import assert from "node:assert/strict";
import { assertAdmin, assertDigits, createSegment, eventually } from "./tally.mjs";

/**
 * Creates (and finds again by a name in other case), renames, lists and finds a tag; tags a contact,
 * lists the contact's tags, finds it by tag_id; untags and deletes.
 */
export async function tagsRoundTrip(client, rejectsWith, tag) {
  const name = `compat-tag-${tag}`;
  const made = await client.tags.create({ name });
  assert.equal(made.type, "tag");
  assertDigits(made.id, "tag.id");
  assert.equal(made.name, name);
  const same = await client.tags.create({ name: name.toUpperCase() });
  assert.equal(same.id, made.id, "tag names are case insensitive");
  const renamed = await client.tags.create({ id: made.id, name: `${name}-renamed` });
  assert.equal(renamed.id, made.id, "create with an id renames");
  assert.equal(renamed.name, `${name}-renamed`);

  const list = await client.tags.list();
  assert.equal(list.type, "list");
  assert.ok(list.data.some((t) => t.id === made.id && t.name === `${name}-renamed`), "the tag is listed renamed");
  assert.ok(!list.data.some((t) => t.name === name), "the old name is gone");
  assert.equal((await client.tags.find({ tag_id: made.id })).name, `${name}-renamed`);

  const tagged = await client.contacts.create({ email: `compat-tagged-${tag}@example.com` });
  const applied = await client.tags.tagContact({ contact_id: tagged.id, id: made.id });
  assert.equal(applied.type, "tag");
  assert.equal(applied.id, made.id);
  assert.equal(typeof applied.applied_at, "number");
  const attached = await client.contacts.listAttachedTags({ contact_id: tagged.id });
  assert.equal(attached.type, "list");
  assert.deepEqual(attached.data.map((t) => [t.id, t.name]), [[made.id, `${name}-renamed`]]);
  const read = await client.contacts.find({ contact_id: tagged.id });
  assert.equal(read.tags.total_count, 1);
  assert.equal(read.tags.data[0].id, made.id);
  // The client cannot send Tally-Min-Position: poll until search has the write.
  const byTag = { query: { field: "tag_id", operator: "=", value: made.id } };
  await eventually(async () => {
    assert.deepEqual((await client.contacts.search(byTag)).data.map((c) => c.id), [tagged.id]);
  });

  const removed = await client.tags.untagContact({ contact_id: tagged.id, tag_id: made.id });
  assert.equal(removed.id, made.id);
  assert.deepEqual((await client.contacts.listAttachedTags({ contact_id: tagged.id })).data, []);

  await client.tags.delete({ tag_id: made.id });
  await rejectsWith(client.tags.find({ tag_id: made.id }), 404, "not_found");
  await rejectsWith(client.tags.tagContact({ contact_id: tagged.id, id: made.id }), 404, "not_found");
  assert.equal((await client.contacts.search(byTag)).data.length, 0, "a deleted tag matches nothing");
}

/**
 * Writes three notes about a contact (one by `teammate`, two by whoever the token acts for), lists
 * them newest first through the client's page-number pager, and finds one.
 */
export async function notesRoundTrip(client, rejectsWith, tag, teammate) {
  const contact = await client.contacts.create({ email: `compat-notes-${tag}@example.com` });
  const first = await client.notes.create({ contact_id: contact.id, body: `First ${tag}`, admin_id: teammate.id });
  assert.equal(first.type, "note");
  assertDigits(first.id, "note.id");
  assert.equal(first.body, `First ${tag}`);
  assert.equal(first.contact.id, contact.id);
  assert.equal(typeof first.created_at, "number");
  assertAdmin(first.author, teammate);
  for (const n of [2, 3]) await client.notes.create({ contact_id: contact.id, body: `Note ${n} ${tag}` });

  const seen = [];
  for await (const n of await client.notes.list({ contact_id: contact.id, per_page: 2 })) {
    assert.equal(n.type, "note");
    seen.push(n.body);
    assert.ok(seen.length <= 3, `the pager stops: ${JSON.stringify(seen)}`);
  }
  assert.deepEqual(seen, [`Note 3 ${tag}`, `Note 2 ${tag}`, `First ${tag}`], "newest first, each once");
  const page = await client.notes.list({ contact_id: contact.id, per_page: 2 });
  assert.equal(page.response.type, "list");
  assert.equal(page.response.total_count, 3);
  assert.equal(page.data.length, 2);

  const found = await client.notes.find({ note_id: first.id });
  assert.equal(found.id, first.id);
  assert.equal(found.body, `First ${tag}`);
  assert.equal(found.author.id, teammate.id);
  const shown = await client.contacts.find({ contact_id: contact.id });
  assert.equal(shown.notes.total_count, 3, "the contact object counts its notes");
  await rejectsWith(client.notes.find({ note_id: "999999999" }), 404, "not_found");
  await rejectsWith(client.notes.create({ contact_id: contact.id, body: "" }), 400, "parameter_invalid");
}

/**
 * Makes a user segment and a lead segment (with Tally's POST /segments) that match one user by
 * email, then lists them with and without counts, finds one, and lists the user's segments.
 */
export async function segmentsRoundTrip(client, rejectsWith, tag) {
  const email = `compat-seg-${tag}@example.com`;
  const user = await client.contacts.create({ email });
  const byEmail = { field: "email", operator: "=", value: email };
  const users = await createSegment(`Compat users ${tag}`, byEmail, "user");
  const leads = await createSegment(`Compat leads ${tag}`, byEmail, "contact");
  assertDigits(users.id, "segment.id");

  await eventually(async () => {
    const list = await client.segments.list({ include_count: true });
    assert.equal(list.type, "segment.list");
    const counts = Object.fromEntries(list.segments.map((s) => [s.id, s.count]));
    assert.deepEqual([counts[users.id], counts[leads.id]], [1, 0], JSON.stringify(list.segments));
  });
  const plain = await client.segments.list();
  const listed = plain.segments.find((s) => s.id === users.id);
  assert.equal(listed?.name, `Compat users ${tag}`);
  assert.equal(listed.count, undefined, "count only with include_count=true");

  const found = await client.segments.find({ segment_id: users.id });
  assert.equal(found.type, "segment");
  assert.equal(found.id, users.id);
  assert.equal(found.name, `Compat users ${tag}`);
  assert.equal(found.person_type, "user");
  assert.equal(typeof found.created_at, "number");
  assert.equal((await client.segments.find({ segment_id: leads.id })).person_type, "contact");
  await rejectsWith(client.segments.find({ segment_id: "999999999" }), 404, "not_found");

  const mine = await client.contacts.listAttachedSegments({ contact_id: user.id });
  assert.equal(mine.type, "list");
  assert.deepEqual(mine.data.map((s) => s.id), [users.id], "the user is in the user segment only");
}

/**
 * Sets a contact's summary of an event with events.summaries, and reads it back (twice: a retry
 * replaces the summary, it does not add to it) through events.list and search.
 */
export async function eventSummariesRoundTrip(client, tag) {
  const userId = `compat-sum-${tag}`;
  const user = await client.contacts.create({ external_id: userId, email: `${userId}@example.com` });
  const name = `compat-imported-${tag}`;
  const first = 1_700_000_000;
  const last = 1_700_086_400;
  const summaries = { user_id: userId, event_summaries: { event_name: name, count: 5, first, last } };
  assert.equal(await client.events.summaries(summaries), undefined);
  assert.equal(await client.events.summaries(summaries), undefined, "a retry");
  const got = await client.events.list({ type: "user", user_id: userId, summary: true });
  const item = got.events.find((e) => e.name === name);
  assert.ok(item, `the summary is listed: ${JSON.stringify(got)}`);
  assert.equal(item.count, 5, "a retry replaces the summary");
  assert.equal(Date.parse(item.first), first * 1000);
  assert.equal(Date.parse(item.last), last * 1000);
  await eventually(async () => {
    const hits = await client.contacts.search({ query: { field: `events.${name}.count`, operator: "=", value: 5 } });
    assert.deepEqual(hits.data.map((c) => c.id), [user.id]);
  });
}

/**
 * Creates a string attribute and changes it with `update(client, id, changes)` (v6 and v7 take the
 * arguments differently): description, options, then archived, which takes it out of the list.
 */
export async function dataAttributeUpdateRoundTrip(client, rejectsWith, tag, update) {
  const name = `compat-stage-${tag}`;
  const made = await client.dataAttributes.create({ name, model: "contact", data_type: "string" });
  const changed = await update(client, made.id, { description: "Funnel stage", options: [{ value: "trial" }, { value: "paid" }] });
  assert.equal(changed.type, "data_attribute");
  assert.equal(changed.id, made.id);
  assert.equal(changed.name, name, "the name never changes");
  assert.equal(changed.description, "Funnel stage");
  assert.deepEqual(changed.options, ["trial", "paid"]);
  assert.equal(changed.archived, false);
  const archived = await update(client, made.id, { archived: true });
  assert.equal(archived.archived, true);
  assert.equal(archived.description, "Funnel stage", "what is not sent is kept");
  const live = await client.dataAttributes.list({ model: "contact" });
  assert.ok(!live.data.some((a) => a.id === made.id), "an archived attribute leaves the list");
  const all = await client.dataAttributes.list({ model: "contact", include_archived: true });
  assert.equal(all.data.find((a) => a.id === made.id)?.archived, true);
  await rejectsWith(update(client, 999_999_999, { description: "x" }), 404, "field_not_found");
}

/**
 * Registers the tests above in the current describe: `teammate()` is the run's teammate once made,
 * `updateAttribute(client, id, changes)` calls the version's dataAttributes.update.
 */
export function contactExtrasTests({ client, rejectsWith, tag, teammate, updateAttribute }) {
  it("tags: create, rename, list, find, tagContact, listAttachedTags, search by tag_id, untag, delete", () =>
    tagsRoundTrip(client, rejectsWith, tag));
  it("notes: create, list (page-number pager), find", () => notesRoundTrip(client, rejectsWith, tag, teammate()));
  it("segments: list with include_count, find, contacts.listAttachedSegments", () =>
    segmentsRoundTrip(client, rejectsWith, tag));
  it("events.summaries sets a contact's summary", () => eventSummariesRoundTrip(client, tag));
  it("dataAttributes.update: description, options, archived", () =>
    dataAttributeUpdateRoundTrip(client, rejectsWith, tag, updateAttribute));
}
