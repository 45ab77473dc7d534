package dev.tally.store.jdbc;

import dev.tally.core.query.Field;

/**
 * Where each kind of contact membership is kept: the kind's own table (with {@code deleted_at} for
 * deletions still being purged) and the link table from contacts to it.
 */
enum MemberTable {
  TAG("tags", "contact_tags", "tag_id"),
  COMPANY("companies", "contact_companies", "company_id");

  /** The kind's table. */
  final String table;

  /** The link table: (contact_id, {@link #column}, workspace_id, …). */
  final String links;

  /** The link table's column naming the member. */
  final String column;

  MemberTable(String table, String links, String column) {
    this.table = table;
    this.links = links;
    this.column = column;
  }

  static MemberTable of(Field.Members.Kind kind) {
    return switch (kind) {
      case TAG -> TAG;
      case COMPANY -> COMPANY;
    };
  }
}
