# Shared by bin/bench pg-peer and bin/bench import.
# Sourced by the benchmark scripts: psql's connection (host, port, database, user) from a JDBC URL
# in $pg_url, and psql_ running psql with it (stopping at the first error).
hostport="${pg_url#jdbc:postgresql://}"; hostport="${hostport%%/*}"
pg_host="${hostport%%:*}"; pg_port="${hostport#*:}"; [ "$pg_port" = "$hostport" ] && pg_port=5432
pg_db="${pg_url#jdbc:postgresql://*/}"; pg_db="${pg_db%%\?*}"
pg_user=postgres; case "$pg_url" in *user=*) pg_user="${pg_url#*user=}"; pg_user="${pg_user%%&*}" ;; esac
psql_() { psql -X -q -v ON_ERROR_STOP=1 -h "$pg_host" -p "$pg_port" -U "$pg_user" -d "$pg_db" "$@"; }

# Starts `bin/tally serve` on $port with the given arguments (data in $work/data), waits until it is
# live and sets tally_pid and token (the default workspace's token Tally printed on first start).
start_tally() {
  "$root/bin/tally" serve --data "$work/data" --port "$port" "$@" > "$work/tokens.env" 2> "$work/tally.log" &
  tally_pid=$!
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$port/health/live" > /dev/null && break
    kill -0 "$tally_pid" 2> /dev/null || { echo "bench: Tally did not start:" >&2; tail -20 "$work/tally.log" >&2; exit 1; }
    sleep 1
  done
  token="$(awk -F= '/^TALLY_TOKEN=/ {print $2}' "$work/tokens.env")"
  [ -n "$token" ] || { echo "bench: Tally printed no TALLY_TOKEN" >&2; exit 1; }
}
