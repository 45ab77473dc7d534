-- Segment-entry fan-out (issue 13, docs/messaging.md). A row: the contact was in the campaign's
-- segment when fan-out last looked; since: the occurrence (oplog position) it entered with, 0 for
-- a member at the campaign's start. An entry is a contact without a row found in the segment.
CREATE TABLE segment_entry_members (
  campaign_id BIGINT NOT NULL,
  contact_id  BIGINT NOT NULL,
  since       BIGINT NOT NULL,
  PRIMARY KEY (campaign_id, contact_id)
);
