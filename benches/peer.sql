-- The reach, retention and outcome figures of SPEC section 4, written in
-- DuckDB SQL the way an analyst would, as the peer of `jauge run` in the
-- scale benchmark (benches/scale.sh). Run by benches/peer.py, which sets:
--
--   variables  usage_files, outcomes_files (lists of parquet files),
--              users_file, projects_file (CSV), as_of (DATE, from jauge's
--              manifest.json), month (DATE, the 1st of the reporting month)
--   tables     project_plan(project_id, outcome, window_days): the outcomes
--              and windows of the products that override [defaults];
--              default_plan(outcome, window_days): [defaults]
--
-- and leaves three tables shaped like jauge's parquet files: kpis,
-- retention, outcomes. Months and days are Europe/Paris local dates.

-- 1. Usage, folded to one row per product, user and local day. The tracker
--    sometimes fires twice: identical rows count once. user_id is compared as
--    text across inputs (SPEC 3), so the integer ids are written as text.
CREATE TEMP TABLE product_days AS
SELECT project_id, CAST(user_id AS VARCHAR) AS user_id, day, count(*) AS events
FROM (
    SELECT DISTINCT project_id, user_id, occurred_at, event
    FROM read_parquet(getvariable('usage_files'))
) AS e,
LATERAL (SELECT CAST(timezone('Europe/Paris', e.occurred_at) AS DATE) AS day)
WHERE day <= getvariable('as_of')
GROUP BY ALL;

-- 2. Units: every product, and `_portfolio`, the whole incubator, where a
--    user counts once (its events are the products' events).
CREATE TEMP TABLE unit_days AS
SELECT project_id AS unit, user_id, day, events FROM product_days
UNION ALL
SELECT '_portfolio', user_id, day, sum(events) FROM product_days GROUP BY user_id, day;

CREATE TEMP TABLE user_months AS
SELECT unit, user_id, CAST(date_trunc('month', day) AS DATE) AS month,
       sum(events) AS events, count(*) AS active_days
FROM unit_days
GROUP BY ALL;

-- first_seen: each user's first day in the unit; the cohort is its month.
CREATE TEMP TABLE first_seen AS
SELECT unit, user_id, min(day) AS first_day, CAST(date_trunc('month', min(day)) AS DATE) AS cohort
FROM unit_days
GROUP BY ALL;

CREATE TEMP TABLE unit_first_month AS
SELECT unit, min(cohort) AS first_month FROM first_seen GROUP BY unit;

-- 3. Segments: every user is in `all` and in `region=<value>`; the first row
--    of a repeated id wins; no row or an empty region is `(missing)`.
CREATE TEMP TABLE regions AS
SELECT user_id, region
FROM (
    SELECT trim(user_id) AS user_id, nullif(trim(region), '') AS region, row_number() OVER () AS line
    FROM read_csv(getvariable('users_file'), all_varchar = true, header = true)
)
WHERE user_id <> ''
QUALIFY row_number() OVER (PARTITION BY user_id ORDER BY line) = 1;

CREATE TEMP TABLE user_segments AS
WITH seen AS (SELECT DISTINCT user_id FROM product_days)
SELECT user_id, 'all' AS segment FROM seen
UNION ALL
SELECT s.user_id, 'region=' || coalesce(r.region, '(missing)') FROM seen s LEFT JOIN regions r USING (user_id);

-- 4. The catalog: launch date and annual cost (French CSV: `;`, decimal
--    comma, dates YYYY-MM-DD or DD/MM/YYYY); rows that do not parse are
--    left out, the first row of a repeated id wins.
CREATE TEMP TABLE projects AS
SELECT project_id, launched_on, annual_cost_eur
FROM (
    SELECT trim(project_id) AS project_id,
           nullif(trim(name), '') AS name,
           nullif(trim(launched_on), '') AS launched_text,
           nullif(trim(annual_cost_eur), '') AS cost_text,
           CAST(coalesce(try_strptime(launched_text, '%Y-%m-%d'), try_strptime(launched_text, '%d/%m/%Y')) AS DATE)
               AS launched_on,
           TRY_CAST(replace(cost_text, ',', '.') AS DOUBLE) AS annual_cost_eur,
           row_number() OVER () AS line
    FROM read_csv(getvariable('projects_file'), all_varchar = true, header = true, delim = ';')
)
WHERE project_id <> '' AND name IS NOT NULL
  AND (launched_text IS NULL OR launched_on IS NOT NULL)
  AND (cost_text IS NULL OR annual_cost_eur IS NOT NULL)
QUALIFY row_number() OVER (PARTITION BY project_id ORDER BY line) = 1;

-- A product's first data month is left-truncated unless it was launched in
-- or after it; a portfolio cohort is when it is such a month.
CREATE TEMP TABLE truncated AS
WITH products AS (
    SELECT f.unit, f.first_month
    FROM unit_first_month f LEFT JOIN projects p ON p.project_id = f.unit
    WHERE f.unit <> '_portfolio' AND (p.launched_on IS NULL OR p.launched_on < f.first_month)
)
SELECT unit, first_month AS cohort FROM products
UNION
SELECT '_portfolio', first_month FROM products;

-- 5. Reach and engagement per unit, segment and month, every month from the
--    unit's first month to the reporting month, 0 where nothing happened.
CREATE TEMP TABLE monthly AS
SELECT m.unit, s.segment, m.month,
       sum(m.events) AS events,
       count(*) AS active_users,
       count(*) FILTER (WHERE f.cohort = m.month) AS new_users,
       sum(m.active_days) AS user_days
FROM user_months m
JOIN first_seen f USING (unit, user_id)
JOIN user_segments s USING (user_id)
GROUP BY ALL;

CREATE TEMP TABLE grid AS
SELECT us.unit, us.segment,
       CAST(unnest(generate_series(f.first_month, getvariable('month'), INTERVAL 1 MONTH)) AS DATE) AS month
FROM (SELECT DISTINCT f.unit, s.segment FROM first_seen f JOIN user_segments s USING (user_id)) AS us
JOIN unit_first_month f USING (unit);

CREATE TEMP TABLE reach AS
SELECT g.unit AS project_id, g.month, g.segment,
       coalesce(m.events, 0) AS events,
       coalesce(m.active_users, 0) AS active_users,
       coalesce(m.new_users, 0) AS new_users,
       coalesce(m.active_users, 0) - coalesce(m.new_users, 0) AS returning_users,
       sum(coalesce(m.new_users, 0)) OVER (PARTITION BY g.unit, g.segment ORDER BY g.month) AS cumulative_users,
       -- mean of the distinct users of each day up to min(end of month, as_of)
       coalesce(m.user_days, 0) / (least(last_day(g.month), getvariable('as_of')) - g.month + 1) AS dau_mean
FROM grid g
LEFT JOIN monthly m USING (unit, segment, month);

CREATE TABLE kpis AS
SELECT project_id, month, segment, 'events' AS kpi, CAST(events AS DOUBLE) AS value, active_users AS n FROM reach
UNION ALL
SELECT project_id, month, segment, 'active_users', active_users, active_users FROM reach
UNION ALL
SELECT project_id, month, segment, 'new_users', new_users, new_users FROM reach
UNION ALL
SELECT project_id, month, segment, 'returning_users', returning_users, returning_users FROM reach
UNION ALL
SELECT project_id, month, segment, 'cumulative_users', cumulative_users, cumulative_users FROM reach
UNION ALL
SELECT project_id, month, segment, 'dau_mean', dau_mean, active_users FROM reach
UNION ALL
SELECT project_id, month, segment, 'stickiness', dau_mean / nullif(active_users, 0), active_users FROM reach
UNION ALL
SELECT r.project_id, r.month, r.segment, 'cost_per_active_user',
       p.annual_cost_eur / 12 / nullif(r.active_users, 0), r.active_users
FROM reach r JOIN projects p USING (project_id)
WHERE r.segment = 'all' AND p.annual_cost_eur IS NOT NULL;

-- 6. Retention: users of cohort c with an event in calendar month c + k,
--    for k = 0 … up to the reporting month.
CREATE TABLE retention AS
WITH cohorts AS (
    SELECT f.unit, s.segment, f.cohort, count(*) AS cohort_size
    FROM first_seen f JOIN user_segments s USING (user_id)
    GROUP BY ALL
),
returns AS (
    SELECT f.unit, s.segment, f.cohort, m.month, count(*) AS retained
    FROM first_seen f
    JOIN user_months m USING (unit, user_id)
    JOIN user_segments s USING (user_id)
    GROUP BY ALL
),
cells AS (
    SELECT *, unnest(range(0, date_diff('month', cohort, getvariable('month')) + 1)) AS months_since
    FROM cohorts
)
SELECT c.unit AS project_id, c.segment, c.cohort AS cohort_month, CAST(c.months_since AS INTEGER) AS months_since,
       c.cohort_size, coalesce(r.retained, 0) AS retained,
       coalesce(r.retained, 0) / c.cohort_size AS retention_rate,
       t.cohort IS NOT NULL AS left_truncated
FROM cells c
LEFT JOIN returns r
    ON r.unit = c.unit AND r.segment = c.segment AND r.cohort = c.cohort
   AND r.month = c.cohort + to_months(CAST(c.months_since AS INTEGER))
LEFT JOIN truncated t ON t.unit = c.unit AND t.cohort = c.cohort;

-- 7. Outcome rates: a user has outcome o within W days when an o row falls
--    in [date of first_seen, + W days], both ends inclusive.
CREATE TEMP TABLE outcome_rows AS
SELECT DISTINCT user_id, outcome, occurred_on
FROM read_parquet(getvariable('outcomes_files'))
WHERE occurred_on <= getvariable('as_of');

-- Each unit's outcomes and windows: the product's own, else [defaults]
-- (`_portfolio` always takes [defaults]).
CREATE TEMP TABLE plan AS
SELECT f.unit, p.outcome, p.window_days
FROM unit_first_month f JOIN project_plan p ON p.project_id = f.unit
UNION ALL
SELECT f.unit, d.outcome, d.window_days
FROM unit_first_month f CROSS JOIN default_plan d
WHERE f.unit NOT IN (SELECT project_id FROM project_plan);

-- Days from first use to the first outcome on or after it (NULL: none yet).
CREATE TEMP TABLE time_to_outcome AS
SELECT f.unit, f.user_id, f.cohort, o.outcome, min(r.occurred_on - f.first_day) AS days
FROM first_seen f
JOIN (SELECT DISTINCT unit, outcome FROM plan) o USING (unit)
LEFT JOIN outcome_rows r ON r.user_id = f.user_id AND r.outcome = o.outcome AND r.occurred_on >= f.first_day
GROUP BY ALL;

CREATE TABLE outcomes AS
WITH counts AS (
    SELECT t.unit, s.segment, t.cohort, t.outcome, p.window_days,
           count(*) AS users,
           count(*) FILTER (WHERE t.days <= p.window_days) AS with_outcome
    FROM time_to_outcome t
    JOIN plan p USING (unit, outcome)
    JOIN user_segments s USING (user_id)
    GROUP BY ALL
),
wilson AS (
    -- Wilson score 95% interval, z = Φ⁻¹(0.975)
    SELECT *, with_outcome / users AS rate, 1.959963984540054 AS z,
           (with_outcome + z * z / 2) / (users + z * z) AS centre,
           z / (users + z * z) * sqrt(with_outcome * (users - with_outcome) / users + z * z / 4) AS half
    FROM counts
)
SELECT w.unit AS project_id, w.segment, w.cohort AS cohort_month, w.outcome, w.window_days,
       w.users, w.with_outcome, w.rate,
       greatest(w.centre - w.half, 0) AS ci_low,
       least(w.centre + w.half, 1) AS ci_high,
       last_day(w.cohort) + w.window_days <= getvariable('as_of') AS complete,
       t.cohort IS NOT NULL AS left_truncated
FROM wilson w
LEFT JOIN truncated t ON t.unit = w.unit AND t.cohort = w.cohort;
