#!/usr/bin/env bash
# bin/bench pg-peer: Tally's POST /contacts on PostgreSQL, driven by wrk, against pgbench (PostgreSQL's
# own tool) running single-row upserts into a bare table on the same server. Both are C load tools
# of the same weight, each closed-loop with the same number of clients; every Tally request must
# answer 200 (wrk counts the others, and the run fails if there are any).
#   bin/bench pg-peer [--seconds N] [--warmup N] [--clients 1,8] [--pg-url URL] [--index lucene|opensearch] [--os-url URL]
# Installs wrk from Debian's packages when it is missing (as root). Prints one table row per run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
seconds=20
warmup=20
clients=1,8
pg_url="${TALLY_BENCH_PG_URL:-jdbc:postgresql://127.0.0.1:5432/test?user=postgres}"
index=lucene
os_url="${TALLY_TEST_OPENSEARCH_URL:-http://127.0.0.1:9200}"
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --clients) clients="$2"; shift 2 ;;
    --pg-url) pg_url="$2"; shift 2 ;;
    --index) index="$2"; shift 2 ;;
    --os-url) os_url="$2"; shift 2 ;;
    -h|--help) sed -n '2,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench pg-peer: unknown option $1" >&2; exit 2 ;;
  esac
done

if ! command -v wrk > /dev/null; then
  [ "$(id -u)" = 0 ] || { echo "bench pg-peer: wrk is missing; install Debian's package wrk" >&2; exit 2; }
  echo "bench pg-peer: installing wrk (Debian package) ..." >&2
  (apt-get install -y -q wrk > /dev/null 2>&1 || { apt-get update -q > /dev/null && apt-get install -y -q wrk > /dev/null; }) \
    || { echo "bench pg-peer: could not install wrk" >&2; exit 2; }
fi
command -v pgbench > /dev/null || { echo "bench pg-peer: pgbench is missing (Debian's postgresql-client)" >&2; exit 2; }

# psql/pgbench connection from the JDBC URL: host, port, database and user.
. "$root/bin/lib/bench-common.sh"

work="$(mktemp -d)"
tally_pid=
cleanup() {
  [ -n "$tally_pid" ] && kill "$tally_pid" 2> /dev/null && wait "$tally_pid" 2> /dev/null || true
  psql_ -c "DROP SCHEMA IF EXISTS bench_peer CASCADE" 2> /dev/null || true
  [ -n "${tally_schema:-}" ] && psql_ -c "DROP SCHEMA IF EXISTS $tally_schema CASCADE" 2> /dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# ---- the peer: pgbench, single-row upserts into a bare table ----
psql_ -c "DROP SCHEMA IF EXISTS bench_peer CASCADE" -c "CREATE SCHEMA bench_peer" \
  -c "CREATE TABLE bench_peer.contacts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, external_id text UNIQUE, email text UNIQUE, doc jsonb)"
cat > "$work/upsert.sql" <<'SQL'
\set n random(1, 1000000000000)
INSERT INTO bench_peer.contacts (external_id, email, doc) VALUES ('u-' || :n, 'u' || :n || '@example.com', ('{"external_id":"u-' || :n || '","email":"u' || :n || '@example.com","name":"User ' || :n || '","custom_attributes":{"plan":"pro","seats":3}}')::jsonb) ON CONFLICT (external_id) DO UPDATE SET email = excluded.email, doc = excluded.doc;
SQL
pgbench_tps() { # $1 = clients, $2 = seconds
  local j=$(( $1 > 1 ? 2 : 1 ))
  PGOPTIONS='-c synchronous_commit=on' pgbench -n -h "$pg_host" -p "$pg_port" -U "$pg_user" -M prepared -f "$work/upsert.sql" \
    -c "$1" -j "$j" -T "$2" "$pg_db" 2>&1 | awk '/^tps = / {print $3; exit}'
}

# ---- Tally: bin/tally serve on the same server, its own schema; wrk posts unique contacts ----
tally_schema="bench_api_$$"
port=$(( 20000 + $$ % 20000 ))
index_args=(--index "$index")
[ "$index" = opensearch ] && index_args+=(--index-url "$os_url" --index-alias "bench_api_$$")
start_tally --store postgres --store-url "$pg_url" --store-schema "$tally_schema" "${index_args[@]}"
cat > "$work/post.lua" <<LUA
-- Each wrk thread posts contacts with identities of its own: never a 409.
local threads = 0
function setup(thread) threads = threads + 1; thread:set("tid", threads) end
local n = 0
local prefix = "r" .. os.time() .. "-"
function request()
  n = n + 1
  local id = prefix .. tid .. "-" .. n
  local body = '{"external_id":"u-' .. id .. '","email":"u' .. id .. '@example.com","name":"User ' .. id
    .. '","custom_attributes":{"plan":"pro","seats":3}}'
  return wrk.format("POST", "/contacts", {["Authorization"] = "Bearer $token", ["Content-Type"] = "application/json"}, body)
end
LUA
wrk_rps() { # $1 = clients, $2 = seconds; prints requests/s, or fails when any answer was not 200
  local t=$(( $1 > 1 ? 2 : 1 ))
  local out
  out="$(wrk -t "$t" -c "$1" -d "${2}s" --latency -s "$work/post.lua" "http://127.0.0.1:$port" 2>&1)"
  if grep -q "Non-2xx" <<< "$out"; then
    echo "bench pg-peer: Tally answered something other than 200:" >&2; echo "$out" >&2; tail -5 "$work/tally.log" >&2; return 1
  fi
  awk '/^Requests\/sec:/ {print $2}' <<< "$out"
}

echo "bench pg-peer: JIT warm-up of Tally, ${warmup} s at 8 clients ..." >&2
wrk_rps 8 "$warmup" > /dev/null
echo "| clients | Tally API (wrk) writes/s | pgbench upserts/s | Tally / pgbench | goal |"
echo "|---|---:|---:|---:|---|"
IFS=, read -r -a counts <<< "$clients"
for c in "${counts[@]}"; do
  tally="$(wrk_rps "$c" "$seconds")"
  peer="$(pgbench_tps "$c" "$seconds")"
  ratio="$(awk -v a="$tally" -v b="$peer" 'BEGIN {printf "%.2f", a / b}')"
  goal="$(awk -v c="$c" -v r="$ratio" 'BEGIN {g = (c >= 8) ? 0.5 : 0.35; printf ">= %.2fx: %s", g, (r >= g) ? "met" : "NOT met"}')"
  printf '| %s | %.0f | %.0f | %sx | %s |\n' "$c" "$tally" "$peer" "$ratio" "$goal"
done
