#!/usr/bin/env bash
# The scale benchmark: for each size in ${SIZES:-10 50 100} (millions of usage
# events) generate a dataset with `jauge generate` (skipped when already
# there), run the whole `jauge run` batch, then the same reach, retention and
# outcome figures with DuckDB (benches/peer.sql), both under /usr/bin/time -v;
# check that the figures are equal and append a line to target/bench/results.tsv.
#
#   bash benches/scale.sh                 # 10, 50 and 100 million events
#   SIZES="10" bash benches/scale.sh      # one size
#
# Needs python3 (with venv) and network access to PyPI the first time
# (DuckDB goes into target/bench-venv). Disk: about 12 bytes per event for the
# dataset, plus the outputs. See docs/performance.md for the figures.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${SIZES:-10 50 100}
BENCH=target/bench
VENV=target/bench-venv
PY=$VENV/bin/python
JAUGE=target/release/jauge
RESULTS=$BENCH/results.tsv
mkdir -p "$BENCH"

if [ ! -x /usr/bin/time ]; then
    echo "scale: installing GNU time" >&2
    apt-get update -qq && apt-get install -y -qq time >/dev/null
fi
if ! "$PY" -c 'import duckdb' 2>/dev/null; then
    echo "scale: creating $VENV with duckdb" >&2
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --upgrade duckdb
fi
cargo build --release --quiet

# Events per user of the default portfolio: the generator's own 20 000-user
# pilot (what jauge_generate::users_for_events measures).
pilot=$("$JAUGE" generate --out "$BENCH/pilot" --users 20000)
events_per_user=$(awk '{ print $2 / $5 }' <<<"$pilot")

# "wall seconds<TAB>peak GiB<TAB>CPU seconds (user + system)" from a
# /usr/bin/time -v report.
measures() {
    awk -F': ' '
        /Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i] }
        /Maximum resident set size/ { kb = $2 }
        /User time|System time/ { cpu += $2 }
        END { printf "%.1f\t%.2f\t%.1f\n", s, kb / 1048576, cpu }' "$1"
}

if [ ! -f "$RESULTS" ]; then
    printf 'date\tsize_M\tevents\tusers\tgenerate_s\tjauge_s\tjauge_peak_gib\tduckdb_s\tduckdb_peak_gib\tratio_jauge_duckdb\tequal\tjauge_stages\tversions\tload_before\tjauge_cpu_s\tduckdb_cpu_s\n' \
        >"$RESULTS"
fi
versions="jauge $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet -- src 2>/dev/null || echo '+dirty'), duckdb $("$PY" -c 'import duckdb; print(duckdb.__version__)')"

rows=()
for size in $SIZES; do
    data=$BENCH/data-${size}M
    run=$BENCH/run-${size}M
    users=$(awk -v n="$size" -v e="$events_per_user" 'BEGIN { u = n * 1e6 / e; printf "%d", (u == int(u)) ? u : int(u) + 1 }')
    generate_s=cached
    if [ ! -f "$data/truth.json" ] || ! grep -q -- "--users $users " "$data/jauge.toml"; then
        echo "scale: generating $size million events ($users users) into $data" >&2
        /usr/bin/time -v -o "$BENCH/generate-${size}M.time" "$JAUGE" generate --out "$data" --users "$users" --quiet
        generate_s=$(measures "$BENCH/generate-${size}M.time" | cut -f1)
    fi
    "$PY" benches/peer.py config "$data"
    mkdir -p "$run"

    echo "scale: $size M: jauge run" >&2
    load_before=$(cut -d' ' -f1 /proc/loadavg)
    if ! /usr/bin/time -v -o "$run/jauge.time" "$JAUGE" run --config "$data/bench.toml" --out "$run/jauge" --quiet; then
        echo "scale: $size M: jauge run failed, see $run/jauge.time" >&2
        exit 1
    fi
    echo "scale: $size M: duckdb" >&2
    load_before="$load_before/$(cut -d' ' -f1 /proc/loadavg)"
    rm -rf "$run/duckdb" "$run/duckdb-tmp"
    /usr/bin/time -v -o "$run/duckdb.time" "$PY" benches/peer.py compute "$data" "$run/jauge/manifest.json" "$run/duckdb"
    echo "scale: $size M: comparing" >&2
    if "$PY" benches/peer.py compare "$run/jauge" "$run/duckdb" | tee "$run/compare.txt" >&2; then
        equal=yes
    else
        equal=NO
    fi

    IFS=$'\t' read -r jauge_s jauge_gib jauge_cpu <<<"$(measures "$run/jauge.time")"
    IFS=$'\t' read -r duckdb_s duckdb_gib duckdb_cpu <<<"$(measures "$run/duckdb.time")"
    ratio=$(awk -v j="$jauge_s" -v d="$duckdb_s" 'BEGIN { printf "%.2f", j / d }')
    events=$("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["totals"]["usage"]["rows_read"])' \
        "$run/jauge/manifest.json" 2>/dev/null || echo '?')
    stages=$("$PY" -c 'import json, sys; print(json.dumps(json.load(open(sys.argv[1]))["timings"], separators=(",", ":")))' \
        "$run/jauge/manifest.json")
    # How many cores the load kept busy: its CPU seconds over its wall seconds.
    load_cores=$("$PY" -c 'import json, sys; t = json.load(open(sys.argv[1]))["timings"]; print("%.2f" % (t["load_cpu"] / t["load"]) if t.get("load") and "load_cpu" in t else "?")' \
        "$run/jauge/manifest.json")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%Y-%m-%dT%H:%MZ)" \
        "$size" "$events" "$users" "$generate_s" "$jauge_s" "$jauge_gib" "$duckdb_s" "$duckdb_gib" "$ratio" "$equal" \
        "$stages" "$versions" "$load_before" "$jauge_cpu" "$duckdb_cpu" >>"$RESULTS"
    rows+=("$(printf '%6s M %11s %9s %14s %9s %15s %7s %7s %11s %12s %10s %9s' "$size" "$events" "$jauge_s" "$jauge_gib" \
        "$duckdb_s" "$duckdb_gib" "$ratio" "$equal" "$jauge_cpu" "$duckdb_cpu" "$load_cores" "$load_before")")
done

echo
printf '%8s %11s %9s %14s %9s %15s %7s %7s %11s %12s %10s %9s\n' size events "jauge s" "jauge peak GiB" "duckdb s" \
    "duckdb peak GiB" ratio equal "jauge cpu s" "duckdb cpu s" "load cores" "loadavg"
printf '%s\n' "${rows[@]}"
echo "(s: wall seconds; ratio = jauge s / duckdb s; cpu s = user + system; load cores = CPU / wall of jauge's load stage;"
echo " loadavg = the machine's 1-minute load average before jauge / before DuckDB; every run is appended to $RESULTS)"
