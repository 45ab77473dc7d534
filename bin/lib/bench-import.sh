#!/usr/bin/env bash
# bin/bench import: a bulk load of N new contacts through Tally (`tally import`, which posts
# NDJSON to POST /contacts/bulk, 5,000 lines a request, upserting by external_id) against a bare
# load of the same rows into a table (id bigint identity primary key, external_id text unique,
# email text unique, doc) on the same database: PostgreSQL's COPY, or on SQLite batched upserts
# of 5,000 rows a transaction through the sqlite3 shell (WAL, synchronous=FULL, as Tally runs).
#   bin/bench import [--contacts N] [--store postgres|sqlite] [--pg-url URL]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
contacts=1000000
store=postgres
pg_url="${TALLY_BENCH_PG_URL:-jdbc:postgresql://127.0.0.1:5432/test?user=postgres}"
while [ $# -gt 0 ]; do
  case "$1" in
    --contacts) contacts="$2"; shift 2 ;;
    --store) store="$2"; shift 2 ;;
    --pg-url) pg_url="$2"; shift 2 ;;
    -h|--help) sed -n '2,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench import: unknown option $1" >&2; exit 2 ;;
  esac
done
case "$store" in postgres|sqlite) ;; *) echo "bench import: --store postgres|sqlite" >&2; exit 2 ;; esac

. "$root/bin/lib/bench-common.sh"

work="$(mktemp -d)"
tally_pid=
tally_schema="bench_import_$$"
cleanup() {
  [ -n "$tally_pid" ] && kill "$tally_pid" 2> /dev/null && wait "$tally_pid" 2> /dev/null || true
  if [ "$store" = postgres ]; then
    psql_ -c "DROP SCHEMA IF EXISTS bench_import_peer CASCADE" -c "DROP SCHEMA IF EXISTS $tally_schema CASCADE" 2> /dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
now() { date +%s.%N; }

echo "bench import: writing $contacts contacts as NDJSON and CSV ..." >&2
awk -v n="$contacts" 'BEGIN {
  for (i = 1; i <= n; i++) {
    doc = "{\"external_id\":\"u-" i "\",\"email\":\"u" i "@example.com\",\"name\":\"User " i "\",\"custom_attributes\":{\"plan\":\"pro\",\"seats\":3}}"
    print doc > "/dev/stdout"
    csv = doc; gsub(/"/, "\"\"", csv)
    print "u-" i ",u" i "@example.com,\"" csv "\"" > "/dev/stderr"
  }
}' > "$work/contacts.ndjson" 2> "$work/contacts.csv"

# ---- Tally ----
port=$(( 20000 + $$ % 20000 ))
store_args=()
[ "$store" = postgres ] && store_args=(--store postgres --store-url "$pg_url" --store-schema "$tally_schema")
start_tally "${store_args[@]}"
echo "bench import: tally import of $contacts contacts ($store store) ..." >&2
t0=$(now)
"$root/bin/tally" import --url "http://127.0.0.1:$port" --token "$token" "$work/contacts.ndjson" 2> "$work/import.log" \
  || { echo "bench import: tally import failed:" >&2; tail -5 "$work/import.log" >&2; exit 1; }
t1=$(now)
kill "$tally_pid"; wait "$tally_pid" 2> /dev/null || true; tally_pid=

# ---- the peer ----
echo "bench import: bare load of the same rows ..." >&2
if [ "$store" = postgres ]; then
  psql_ -c "DROP SCHEMA IF EXISTS bench_import_peer CASCADE" -c "CREATE SCHEMA bench_import_peer" \
    -c "CREATE TABLE bench_import_peer.contacts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, external_id text UNIQUE, email text UNIQUE, doc jsonb)"
  p0=$(now)
  psql_ -c "\\copy bench_import_peer.contacts (external_id, email, doc) FROM '$work/contacts.csv' CSV"
  p1=$(now)
  peer_name="COPY"
else
  db="$work/peer.db"
  sqlite3 "$db" "PRAGMA journal_mode=WAL;" > /dev/null
  sqlite3 "$db" "CREATE TABLE contacts (id INTEGER PRIMARY KEY AUTOINCREMENT, external_id TEXT UNIQUE, email TEXT UNIQUE, doc TEXT NOT NULL);"
  awk -v q="'" 'BEGIN { print "PRAGMA synchronous=FULL;" }
    (NR - 1) % 5000 == 0 { if (NR > 1) print "COMMIT;"; print "BEGIN;" }
    { doc = $0; gsub(q, q q, doc); match($0, /"external_id":"[^"]*"/); ext = substr($0, RSTART + 15, RLENGTH - 16)
      match($0, /"email":"[^"]*"/); email = substr($0, RSTART + 9, RLENGTH - 10)
      print "INSERT INTO contacts (external_id, email, doc) VALUES (" q ext q ", " q email q ", " q doc q ") ON CONFLICT (external_id) DO UPDATE SET email = excluded.email, doc = excluded.doc;" }
    END { print "COMMIT;" }' "$work/contacts.ndjson" > "$work/peer.sql"
  p0=$(now)
  sqlite3 "$db" < "$work/peer.sql"
  p1=$(now)
  peer_name="sqlite3 batched upserts"
fi

awk -v n="$contacts" -v t0="$t0" -v t1="$t1" -v p0="$p0" -v p1="$p1" -v store="$store" -v peer="$peer_name" 'BEGIN {
  tally = n / (t1 - t0); bare = n / (p1 - p0); r = tally / bare
  print "| store | contacts | Tally import s | Tally contacts/s | peer | peer s | peer rows/s | Tally / peer | goal |"
  print "|---|---:|---:|---:|---|---:|---:|---:|---|"
  goal = (store == "postgres") ? sprintf(">= 0.15x: %s", r >= 0.15 ? "met" : "NOT met") : "reported"
  printf "| %s | %d | %.1f | %.0f | %s | %.1f | %.0f | %.3fx | %s |\n", store, n, t1 - t0, tally, peer, p1 - p0, bare, r, goal
}'
