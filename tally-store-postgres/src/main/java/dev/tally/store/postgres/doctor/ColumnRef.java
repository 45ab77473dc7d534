package dev.tally.store.postgres.doctor;

import java.util.Optional;

/**
 * One table column as the catalog names it.
 *
 * @param tableOid pg_class oid of the table (identifies the column together with attnum)
 * @param attnum pg_attribute.attnum
 * @param table table name as stored (unquoted)
 * @param column column name as stored (unquoted)
 * @param tableSql schema-qualified table name, quoted where SQL needs it
 * @param columnSql column name, quoted where SQL needs it
 * @param type the declared type, as format_type prints it ("integer", "bigint", "text")
 * @param baseType pg_type.typname of the type, or of a domain's base type ("int4")
 */
public record ColumnRef(
    long tableOid,
    int attnum,
    String table,
    String column,
    String tableSql,
    String columnSql,
    String type,
    String baseType) {

  public Optional<IntegerWidth> width() {
    return IntegerWidth.of(baseType);
  }

  public boolean narrowInteger() {
    return width().map(IntegerWidth::narrowerThanBigint).orElse(false);
  }

  public boolean sameColumn(ColumnRef other) {
    return other != null && tableOid == other.tableOid && attnum == other.attnum;
  }

  /** "table.column", for people. */
  public String label() {
    return table + "." + column;
  }
}
