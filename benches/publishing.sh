#!/usr/bin/env bash
# What publishing month after month costs (issue 18): revisions, the public
# pages and tables.xlsx, against the rest of `jauge run` on 10 million
# generated events.
#
# Each round runs the batch twice under /usr/bin/time -v: a first run (no
# earlier run, so no comparison), then the same month with `--previous` the
# first run's folder, which pays for every publishing output. jauge has no
# switch to turn them off, so their cost is read from the second run's
# manifest `timings` (wall seconds per stage): `previous` (reading the
# earlier run), `revisions` (comparing), `workbook` (tables.xlsx, written beside the
# revisions, the report, the public pages and the other files: only its
# time beyond theirs counts), `public` and `write_public` (the public pages). The share is
# their sum over the rest of the run's stages. The CPU time of the two runs shows what the comparison
# adds on top of a run that has none.
#
#   bash benches/publishing.sh                            # generates if needed
#   DATA=/elsewhere/data-10M bash benches/publishing.sh   # an existing dataset, read only
#   ROUNDS=3 bash benches/publishing.sh
#
# Needs python3 (standard library) and GNU time (installed if missing).
# Results accumulate in target/bench/publishing.tsv; docs/performance.md
# gives the figures.
set -euo pipefail
cd "$(dirname "$0")/.."

BENCH=target/bench
DATA=${DATA:-$BENCH/data-10M}
ROUNDS=${ROUNDS:-2}
OUT=$BENCH/publishing
JAUGE=target/release/jauge
RESULTS=$BENCH/publishing.tsv
mkdir -p "$OUT"

if [ ! -x /usr/bin/time ]; then
    echo "publishing: installing GNU time" >&2
    apt-get update -qq && apt-get install -y -qq time >/dev/null
fi
cargo build --release --quiet
if [ ! -f "$DATA/jauge.toml" ]; then
    echo "publishing: generating 10 million events into $DATA" >&2
    "$JAUGE" generate --users 370000 --out "$DATA" --quiet
fi

# "wall<TAB>cpu" seconds from a /usr/bin/time -v report.
measures() {
    awk -F': ' '
        /Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i] }
        /User time|System time/ { cpu += $2 }
        END { printf "%.2f\t%.2f\n", s, cpu }' "$1"
}

# "publishing<TAB>rest<TAB>share %<TAB>stages" seconds from a manifest.
stages() {
    python3 - "$1" <<'EOF'
import json, sys
# Wall seconds only: the `<stage>_cpu` entries beside them are CPU seconds.
timings = {k: v for k, v in json.load(open(sys.argv[1]))["timings"].items() if not k.endswith("_cpu")}
t = lambda s: timings.get(s, 0.0)
# The workbook is written on a thread of its own while the revisions are
# computed, the report drawn and the other files written: only what it
# takes beyond them lengthens the run.
beside = t("revisions") + t("report") + t("public") + t("write") + t("write_report") + t("write_public")
workbook_extra = max(0.0, t("workbook") - beside)
publishing = t("previous") + t("revisions") + t("public") + t("write_public") + workbook_extra
rest = sum(v for k, v in timings.items() if k not in ("previous", "revisions", "workbook", "public", "write_public"))
listed = " ".join(f"{k}={v}" for k, v in timings.items())
print(f"{publishing:.3f}\t{rest:.3f}\t{100 * publishing / rest:.1f}\t{listed}")
EOF
}

if [ ! -f "$RESULTS" ]; then
    printf 'date\tcommit\tround\tload_avg\tfirst_wall_s\tfirst_cpu_s\tsecond_wall_s\tsecond_cpu_s\tpublishing_s\trest_s\tshare_pct\tstages\n' >"$RESULTS"
fi
commit="$(git rev-parse --short HEAD)$(git diff --quiet -- src || echo '+dirty')"
events=$(grep -o '[0-9]* usage events' "$DATA/README.md" || echo '? usage events')
echo "publishing: $DATA ($events), $ROUNDS rounds" >&2

for round in $(seq "$ROUNDS"); do
    first=$OUT/first
    second=$OUT/second
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    /usr/bin/time -v -o "$OUT/first.time" "$JAUGE" run --quiet --config "$DATA/jauge.toml" --out "$first" 2>"$OUT/first.log"
    /usr/bin/time -v -o "$OUT/second.time" \
        "$JAUGE" run --quiet --config "$DATA/jauge.toml" --out "$second" --previous "$first" 2>"$OUT/second.log"
    load="$load / $(cut -d' ' -f1-3 /proc/loadavg)"
    line="$(date -u +%F)\t$commit\t$round\t$load\t$(measures "$OUT/first.time")\t$(measures "$OUT/second.time")\t$(stages "$second/manifest.json")"
    printf '%b\n' "$line" >>"$RESULTS"
    IFS=$'\t' read -r _ _ _ _ fw fc sw sc pub rest share listed <<<"$(printf '%b' "$line")"
    echo "round $round (load $load): first run ${fw} s wall, ${fc} s CPU;" \
        "with --previous ${sw} s wall, ${sc} s CPU; publishing ${pub} s of stages" \
        "against ${rest} s for the rest: +${share} %" >&2
    echo "  stages: $listed" >&2
done
echo "publishing: results appended to $RESULTS" >&2
