"""The DuckDB peer of the scale benchmark (benches/scale.sh).

    peer.py config  DATASET               write DATASET/bench.toml, the comparison config
    peer.py compute DATASET MANIFEST OUT  run benches/peer.sql, write OUT/{kpis,retention,outcomes}.parquet
    peer.py compare JAUGE_OUT PEER_OUT    check that both engines give the same figures

`compute` is what the benchmark times: it reads the same clean parquet files
as `jauge run --config bench.toml`, takes `as_of` and the month from jauge's
manifest.json, and computes the reach, retention and outcome tables only.
`compare` matches rows on their keys: counts and flags exactly, floats to
1e-9 relative (1e-12 absolute near 0), nulls with nulls; it prints the first
differing rows and exits 1 if anything differs.
"""

import json
import re
import sys
import tomllib
from pathlib import Path

import duckdb

HERE = Path(__file__).resolve().parent


def config(dataset: Path) -> None:
    """bench.toml: the dataset's jauge.toml with no disclosure control and
    usage and outcomes limited to the clean parquet files, so that both
    engines see identical rows."""
    text = (dataset / "jauge.toml").read_text(encoding="utf-8")
    edits = [
        (r"(?m)^min_cell\s*=.*$", "min_cell = 0"),
        (r'(?m)^usage\s*=.*$', 'usage = "usage/*.parquet"'),
        (r'(?m)^outcomes\s*=\s*"[^"]*"\s*$', 'outcomes = "outcomes/*.parquet"'),
    ]
    for pattern, line in edits:
        text, n = re.subn(pattern, line, text, count=1)
        if n != 1:
            sys.exit(f"peer.py: {dataset}/jauge.toml has no line matching {pattern}")
    header = "# The scale benchmark's comparison config (benches/peer.py config), from jauge.toml.\n"
    (dataset / "bench.toml").write_text(header + text, encoding="utf-8")


def plans(settings: dict) -> tuple[list, list]:
    """(project_id, outcome, window) of products that override [defaults], and the defaults."""
    defaults = settings["defaults"]
    default_plan = [(o, w) for o in defaults["outcomes"] for w in defaults["windows"]]
    project_plan = []
    for p in settings.get("project", []):
        if "outcomes" in p or "windows" in p:
            outcomes = p.get("outcomes", defaults["outcomes"])
            windows = p.get("windows", defaults["windows"])
            project_plan += [(p["id"], o, w) for o in outcomes for w in windows]
    return project_plan, default_plan


def compute(dataset: Path, manifest_path: Path, out: Path) -> None:
    settings = tomllib.loads((dataset / "bench.toml").read_text(encoding="utf-8"))
    report, inputs = settings["report"], settings["inputs"]
    if report.get("timezone", "Europe/Paris") != "Europe/Paris" or report.get("segments") != ["region"]:
        sys.exit("peer.sql is written for timezone Europe/Paris and segments = [\"region\"]")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    as_of, month = manifest["as_of"], manifest["month"] + "-01"

    con = duckdb.connect()
    con.execute(f"SET temp_directory = '{out.parent / 'duckdb-tmp'}'")
    con.execute("SET VARIABLE usage_files = ?", [sorted(str(p) for p in dataset.glob(inputs["usage"]))])
    con.execute("SET VARIABLE outcomes_files = ?", [sorted(str(p) for p in dataset.glob(inputs["outcomes"]))])
    con.execute("SET VARIABLE users_file = ?", [str(dataset / inputs["users"])])
    con.execute("SET VARIABLE projects_file = ?", [str(dataset / inputs["projects"])])
    con.execute("SET VARIABLE as_of = CAST(? AS DATE)", [as_of])
    con.execute("SET VARIABLE month = CAST(? AS DATE)", [month])
    project_plan, default_plan = plans(settings)
    con.execute("CREATE TEMP TABLE project_plan (project_id VARCHAR, outcome VARCHAR, window_days INTEGER)")
    con.execute("CREATE TEMP TABLE default_plan (outcome VARCHAR, window_days INTEGER)")
    if project_plan:
        con.executemany("INSERT INTO project_plan VALUES (?, ?, ?)", project_plan)
    con.executemany("INSERT INTO default_plan VALUES (?, ?)", default_plan)

    con.execute((HERE / "peer.sql").read_text(encoding="utf-8"))
    out.mkdir(parents=True, exist_ok=True)
    for table in ("kpis", "retention", "outcomes"):
        con.execute(f"COPY {table} TO '{out / (table + '.parquet')}' (FORMAT parquet)")


# Per table: key columns, exact columns, float columns.
TABLES = {
    "kpis": (["project_id", "month", "segment", "kpi"], ["n"], ["value"]),
    "retention": (
        ["project_id", "segment", "cohort_month", "months_since"],
        ["cohort_size", "retained", "left_truncated"],
        ["retention_rate"],
    ),
    "outcomes": (
        ["project_id", "segment", "cohort_month", "outcome", "window_days"],
        ["users", "with_outcome", "complete", "left_truncated"],
        ["rate", "ci_low", "ci_high"],
    ),
}


def compare(ours: Path, peer: Path) -> bool:
    con = duckdb.connect()
    equal = True
    for table, (keys, exact, floats) in TABLES.items():
        con.execute(f"CREATE VIEW j AS SELECT * FROM '{ours / (table + '.parquet')}'")
        con.execute(f"CREATE VIEW d AS SELECT * FROM '{peer / (table + '.parquet')}'")
        on = " AND ".join(f"j.{k} = d.{k}" for k in keys)
        checks = [f"j.{c} IS DISTINCT FROM d.{c}" for c in exact]
        checks += [
            f"(j.{c} IS NULL) <> (d.{c} IS NULL) OR "
            f"abs(j.{c} - d.{c}) > 1e-9 * greatest(abs(j.{c}), abs(d.{c})) + 1e-12"
            for c in floats
        ]
        differ = " OR ".join(f"({c})" for c in checks)
        cols = ", ".join(f"j.{c} AS jauge_{c}, d.{c} AS duckdb_{c}" for c in exact + floats)
        key_cols = ", ".join(f"coalesce(j.{k}, d.{k}) AS {k}" for k in keys)
        diff_sql = f"""
            SELECT {key_cols}, j.{keys[0]} IS NULL AS only_duckdb, d.{keys[0]} IS NULL AS only_jauge, {cols}
            FROM j FULL OUTER JOIN d ON {on}
            WHERE j.{keys[0]} IS NULL OR d.{keys[0]} IS NULL OR {differ}
            ORDER BY ALL"""
        rows_j = con.execute("SELECT count(*) FROM j").fetchone()[0]
        rows_d = con.execute("SELECT count(*) FROM d").fetchone()[0]
        n_diff = con.execute(f"SELECT count(*) FROM ({diff_sql})").fetchone()[0]
        print(f"  {table}: jauge {rows_j} rows, duckdb {rows_d} rows, {n_diff} differing")
        if n_diff:
            equal = False
            rel = con.execute(f"{diff_sql} LIMIT 5")
            names = [d[0] for d in rel.description]
            for row in rel.fetchall():
                print("    " + ", ".join(f"{k}={v}" for k, v in zip(names, row) if v is not None))
        con.execute("DROP VIEW j")
        con.execute("DROP VIEW d")
    return equal


def main(argv: list[str]) -> int:
    if len(argv) == 3 and argv[1] == "config":
        config(Path(argv[2]))
    elif len(argv) == 5 and argv[1] == "compute":
        compute(Path(argv[2]).resolve(), Path(argv[3]), Path(argv[4]).resolve())
    elif len(argv) == 4 and argv[1] == "compare":
        return 0 if compare(Path(argv[2]), Path(argv[3])) else 1
    else:
        sys.exit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
