#!/usr/bin/env bash
# Reading usage from PostgreSQL against reading the same rows from a CSV
# file (SPEC section 3, "Reading from PostgreSQL"): generate ${SIZE:-10}
# million events with `jauge generate`, write its usage as one CSV (DuckDB),
# load it into a throw-away local PostgreSQL cluster (typed columns: bigint,
# timestamptz), then time `jauge run` on the CSV and on the database under
# /usr/bin/time -v, ${REPEAT:-2} times each, alternating. Appends a line per
# run to target/bench/postgres.tsv: wall, CPU (jauge's, and the server's
# for the database run), peak memory and the load average before.
#
#   bash benches/postgres.sh               # 10 million events
#   SIZE=1 REPEAT=1 bash benches/postgres.sh
#
# Needs Debian's postgresql, python3 with venv and PyPI the first time
# (DuckDB into target/bench-venv, as benches/scale.sh). Disk: about 3 GiB at
# 10 million events. See docs/performance.md for the figures.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE=${SIZE:-10}
REPEAT=${REPEAT:-2}
BENCH=$PWD/target/bench
VENV=$PWD/target/bench-venv
PY=$VENV/bin/python
JAUGE=$PWD/target/release/jauge
DATA=$BENCH/pg-data-${SIZE}M
CLUSTER=$BENCH/pg-cluster
RESULTS=$BENCH/postgres.tsv
mkdir -p "$BENCH"

if [ ! -x /usr/bin/time ]; then
    apt-get update -qq && apt-get install -y -qq time >/dev/null
fi
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$BIN" ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi
if ! "$PY" -c 'import duckdb' 2>/dev/null; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --upgrade duckdb
fi
cargo build --release --quiet

# 370 000 users give about 10 million events (benches/scale.sh measures the
# generator's events per user).
users=$((SIZE * 37000))
if [ ! -f "$DATA/usage.csv" ]; then
    echo "postgres bench: generating $SIZE million events ($users users)" >&2
    rm -rf "$DATA"
    "$JAUGE" generate --out "$DATA" --users "$users" --quiet
    # Instants as RFC 3339 in UTC: DuckDB's own CSV writes a short offset
    # (+00), which SPEC section 3 does not read.
    "$PY" - "$DATA" <<'EOF'
import sys, duckdb
d = sys.argv[1]
duckdb.sql(f"""COPY (SELECT project_id, user_id,
    strftime(occurred_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%fZ') AS occurred_at, event
    FROM read_parquet('{d}/usage/*.parquet', filename = true, file_row_number = true) ORDER BY filename, file_row_number)
    TO '{d}/usage.csv' (HEADER, DELIMITER ',')""")
EOF
fi
events=$(($(wc -l <"$DATA/usage.csv") - 1))

as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
stop() { as_pg "$BIN/pg_ctl" -D "$CLUSTER/data" -m fast stop >/dev/null 2>&1 || true; }
trap stop EXIT
rm -rf "$CLUSTER"
mkdir -p "$CLUSTER"
echo "bench-admin" >"$CLUSTER/pw"
[ "$(id -u)" = 0 ] && chown -R postgres:postgres "$CLUSTER"
as_pg "$BIN/initdb" -D "$CLUSTER/data" -U admin --pwfile="$CLUSTER/pw" --auth=scram-sha-256 -E UTF8 --locale=C --no-sync >/dev/null
as_pg "$BIN/pg_ctl" -D "$CLUSTER/data" -l "$CLUSTER/server.log" -w \
    -o "-p $port -k $CLUSTER -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c shared_buffers=1GB" start >/dev/null
export PGPASSWORD=bench-admin
psql=("$BIN/psql" -X -q -h 127.0.0.1 -p "$port" -U admin -d postgres -v ON_ERROR_STOP=1)
echo "postgres bench: loading $events events" >&2
"${psql[@]}" -c "CREATE TABLE events (line bigserial PRIMARY KEY, project_id text NOT NULL, user_id bigint NOT NULL, occurred_at timestamptz NOT NULL, event text NOT NULL)"
"${psql[@]}" -c "\\copy events (project_id, user_id, occurred_at, event) FROM '$DATA/usage.csv' WITH (FORMAT csv, HEADER)"
"${psql[@]}" -c "VACUUM ANALYZE events"

# The generated config, with usage read from the CSV or from the database.
sed 's#^usage = .*#usage = "usage.csv"#' "$DATA/jauge.toml" >"$DATA/csv.toml"
{
    grep -v '^usage = ' "$DATA/jauge.toml"
    printf '\n[inputs.postgres]\nusage = { url = "postgresql://admin@127.0.0.1:%s/postgres", query = "SELECT project_id, user_id, occurred_at, event FROM events" }\n' "$port"
} >"$DATA/pg.toml"

# "wall s<TAB>CPU s<TAB>peak GiB" from a /usr/bin/time -v report.
measures() {
    awk -F': ' '
        /Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i] }
        /Maximum resident set size/ { kb = $2 }
        /User time|System time/ { cpu += $2 }
        END { printf "%.1f\t%.1f\t%.2f\n", s, cpu, kb / 1048576 }' "$1"
}
# CPU seconds of the server's ended backends (the postmaster's reaped children).
server_cpu() {
    local pid
    pid=$(head -1 "$CLUSTER/data/postmaster.pid")
    awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f\n", ($16 + $17) / hz }' "/proc/$pid/stat"
}

[ -f "$RESULTS" ] || printf 'date\tevents\tsource\twall_s\tjauge_cpu_s\tpeak_gib\tserver_cpu_s\tload_before\tversion\n' >"$RESULTS"
version="$(git rev-parse --short HEAD)$(git diff --quiet -- src || echo '+dirty'), PostgreSQL $("${psql[@]}" -At -c 'SHOW server_version')"
for i in $(seq "$REPEAT"); do
    for source in csv pg; do
        load=$(cut -d' ' -f1-3 /proc/loadavg)
        before=$(server_cpu)
        /usr/bin/time -v -o "$BENCH/pg-$source.time" "$JAUGE" run --config "$DATA/$source.toml" --out "$BENCH/pg-run-$source" --quiet
        sleep 1
        server=$(awk -v a="$before" -v b="$(server_cpu)" 'BEGIN { printf "%.1f", b - a }')
        [ "$source" = csv ] && server=-
        row="$(date -u +%FT%TZ)\t$events\t$source\t$(measures "$BENCH/pg-$source.time")\t$server\t$load\t$version"
        printf "$row\n" | tee -a "$RESULTS"
    done
done
