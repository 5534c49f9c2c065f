"""Generate the synthetic demonstration series: ``python -m scripts.make_synthetic``.

SYNTHETIC VALUES ARE NOT REAL DATA. They let every page show something for every province
until real reports are imported, and they are marked ``synthetic`` wherever they appear.

How they are made (seed :data:`SEED`, so every run writes the same file):

1. Quarterly periods 2025-Q1 .. 2026-Q3; time is measured in days since Resolution 57
   (2024-12-22).
2. For each *new* (2025-layout) province a smooth path is drawn for each indicator, anchored on
   the reported facts: Thái Nguyên's 83 of 156 tasks done, 1 late, 1,861 R&D staff and fibre in
   every household on 2025-11-03, 36 S&T teams and 131 provincial projects; the national R&D
   density of 8.2 per 10,000 on that date; national 5G population coverage of 26% in 2025-Q2
   and 39.52% in October 2025. Paths are linear in time between quarter ends, so a reported point
   falls between (or on) the synthetic values of the quarters around it.
3. Each new province's path is split among the old (2008-layout) provinces that formed it, with
   fixed seeded weights; counts are split into whole numbers that add up exactly (largest
   remainder). The 63-province values are the generated data.
4. The 34-province values are *derived* from them with the catalogue's aggregation rules
   (:func:`analysis.aggregation.to_new_layout`), so both layouts agree by construction.
5. Population of the 63 old provinces is a seeded split of the reported 2025 population of the
   34 new ones (the dashboard has no sourced population for the old provinces).

Ratio indicators (share of tasks done, R&D staff per 10,000) are computed from their numerator
and denominator in both layouts. Rows where a reported value exists are not written.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from analysis import aggregation
from data import observations, registry, schema

SEED = 57
START = dt.date(2024, 12, 22)  # Resolution 57-NQ/TW
ANCHOR = dt.date(2025, 11, 3)  # Thái Nguyên's report
QUARTERS = ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"]
SOURCE = "synthetic_demo"
NOTE = "Synthetic demonstration value (scripts/make_synthetic.py, seed 57): not real data."
NOTE_VI = "Giá trị minh họa tổng hợp (scripts/make_synthetic.py, hạt giống 57): không phải số liệu thật."
TN_NEW = "19"  # Thái Nguyên in the 2025 layout
NATIONAL_RD_DENSITY = 8.2  # per 10,000, 2025-11-03 (Thái Nguyên's report)
G5_NATIONAL = {dt.date(2025, 6, 30): 26.0, dt.date(2025, 10, 31): 39.52}


def _days(day: dt.date) -> float:
    return float((day - START).days)


def _quarter_ends() -> list[dt.date]:
    return [schema.parse_period(q)[2] for q in QUARTERS]


def split_integer(total: int, weights: np.ndarray) -> np.ndarray:
    """Split a whole number into whole parts proportional to ``weights`` that add up to it.

    Largest-remainder method: floor every share, then give the units left to the largest
    remainders.

    Examples
    --------
    >>> split_integer(10, np.array([1.0, 1.0, 1.0])).tolist()
    [4, 3, 3]
    """
    shares = total * weights / weights.sum()
    parts = np.floor(shares).astype(int)
    left = int(total - parts.sum())
    order = np.argsort(-(shares - parts), kind="stable")
    parts[order[:left]] += 1
    return parts


def _national_g5(day: dt.date) -> float:
    """Synthetic national 5G coverage path through the two reported points (linear, capped)."""
    (d1, v1), (d2, v2) = sorted(G5_NATIONAL.items())
    slope = (v2 - v1) / (d2 - d1).days
    return float(np.clip(v1 + slope * (day - d1).days, 2.0, 95.0))


def _rows(records: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(records)
    frame[schema.GEO_LEVEL] = "province"
    frame[schema.STATUS] = schema.STATUS_SYNTHETIC
    frame[schema.SOURCE_ID] = SOURCE
    frame[schema.NOTE] = NOTE
    frame[schema.NOTE_VI] = NOTE_VI
    return frame


def generate(seed: int = SEED) -> pd.DataFrame:
    """Return the synthetic observations of both layouts as a validated tidy frame."""
    rng = np.random.default_rng(seed)
    xwalk = registry.crosswalk()
    new_codes = sorted(xwalk[schema.NEW_CODE].unique())
    reported = observations.read_observations(observations.REPORTED_FILE)
    pop_new = reported[
        (reported[schema.INDICATOR] == "population") & (reported[schema.LAYOUT] == schema.LAYOUT_2025)
    ].set_index(schema.GEO_CODE)[schema.VALUE]
    ends = _quarter_ends()
    t = np.array([_days(d) for d in ends])
    t_anchor = _days(ANCHOR)
    records: list[dict] = []

    # national R&D density path: 8.2 at the anchor, growing about 6% a year
    density_growth = 0.06 / 365.0
    rd_density = {}
    raw = {code: rng.lognormal(mean=0.0, sigma=0.45) for code in new_codes}
    raw[TN_NEW] = 1861.0 / pop_new[TN_NEW] * 1e4 / NATIONAL_RD_DENSITY
    others = [c for c in new_codes if c != TN_NEW]
    # scale the others so that sum(staff) / sum(population) = 8.2 per 10,000 at the anchor
    target_staff = NATIONAL_RD_DENSITY * pop_new.sum() / 1e4 - 1861.0
    scale = target_staff / sum(raw[c] * NATIONAL_RD_DENSITY * pop_new[c] / 1e4 for c in others)
    for code in new_codes:
        rd_density[code] = raw[code] * (1.0 if code == TN_NEW else scale) * NATIONAL_RD_DENSITY

    for new in new_codes:
        olds = sorted(xwalk.loc[xwalk[schema.NEW_CODE] == new, schema.OLD_CODE])
        weights = rng.uniform(0.5, 1.5, size=len(olds))
        pop_parts = split_integer(int(pop_new[new]), weights)
        for old, pop in zip(olds, pop_parts):
            records.append(
                {
                    schema.LAYOUT: schema.LAYOUT_2008,
                    schema.GEO_CODE: old,
                    schema.INDICATOR: "population",
                    schema.PERIOD: "2025",
                    schema.VALUE: pop,
                }
            )

        # Resolution 57 tasks: plan size, linear completion since 2024-12-22, a few late tasks
        total = 156 if new == TN_NEW else int(rng.integers(70, 220))
        done_at_anchor = 83 if new == TN_NEW else rng.uniform(0.3, 0.7) * total
        rate = done_at_anchor / t_anchor
        late_at_anchor = 1 if new == TN_NEW else int(rng.integers(0, 6))
        total_parts = split_integer(total, rng.uniform(0.6, 1.4, size=len(olds)))
        # R&D staff: density path times population, split with uneven weights
        staff = rd_density[new] * pop_new[new] / 1e4 * (1 + density_growth * (t - t_anchor))
        rd_weights = pop_parts * rng.uniform(0.6, 1.4, size=len(olds))
        # S&T teams and provincial projects: slow linear growth through Thái Nguyên's counts
        teams_anchor = 36 if new == TN_NEW else rng.uniform(8, 60)
        projects_anchor = 131 if new == TN_NEW else rng.uniform(30, 200)
        st_weights = rng.uniform(0.5, 1.5, size=len(olds))
        # 5G: the national path times a province factor; fibre: a rising share, 100% reached
        g5_factor = rng.lognormal(-(0.25**2) / 2, 0.25, size=len(olds))  # mean 1
        fibre_start = rng.uniform(55, 90, size=len(olds))
        fibre_full = t_anchor if new == TN_NEW else rng.uniform(250, 900)

        for q, (label, tq) in enumerate(zip(QUARTERS, t)):
            done = int(round(min(total, rate * tq)))
            late = int(round(min(total - done, late_at_anchor * min(1.0, tq / t_anchor) * 1.0)))
            done_parts = split_integer(done, total_parts.astype(float)) if done else np.zeros(len(olds), int)
            late_parts = (
                split_integer(late, (total_parts - done_parts).astype(float) + 1e-9)
                if late
                else np.zeros(len(olds), int)
            )
            staff_parts = split_integer(int(round(staff[q])), rd_weights)
            teams_parts = split_integer(int(round(teams_anchor * (1 + 0.0004 * (tq - t_anchor)))), st_weights)
            proj_parts = split_integer(int(round(projects_anchor * (1 + 0.0006 * (tq - t_anchor)))), st_weights)
            g5 = np.clip(_national_g5(ends[q]) * g5_factor, 0.0, 100.0)
            fibre = np.minimum(100.0, fibre_start + (100.0 - fibre_start) * tq / fibre_full)
            for i, old in enumerate(olds):
                base = {schema.LAYOUT: schema.LAYOUT_2008, schema.GEO_CODE: old, schema.PERIOD: label}
                values = {
                    "r57_tasks_total": total_parts[i],
                    "r57_tasks_done": done_parts[i],
                    "r57_tasks_late": late_parts[i],
                    "r57_tasks_in_progress": total_parts[i] - done_parts[i] - late_parts[i],
                    "rd_staff": staff_parts[i],
                    "st_teams": teams_parts[i],
                    "st_projects_provincial": proj_parts[i],
                    "g5_population_coverage": round(float(g5[i]), 1),
                    "fibre_households": round(float(fibre[i]), 1),
                }
                for ind, value in values.items():
                    records.append({**base, schema.INDICATOR: ind, schema.VALUE: value})

    old = observations.prepare_observations(_rows(records).astype({schema.VALUE: str}), file_name="synthetic")
    # ratios in the old layout, then everything aggregated to the new layout by the catalogue rules
    old = pd.concat(
        [old]
        + [
            aggregation.derive_ratio(old, ind, schema.LAYOUT_2008)
            for ind in ("r57_tasks_done_share", "rd_staff_per_10k")
        ],
        ignore_index=True,
    )
    new = aggregation.to_new_layout(old)
    new = new[new[schema.INDICATOR] != "population"]  # the 2025 population is reported
    both = pd.concat([old, new], ignore_index=True)
    both[schema.NOTE] = NOTE
    both[schema.NOTE_VI] = NOTE_VI
    both[schema.VALUE] = both[schema.VALUE].round(4)
    return both.sort_values([schema.LAYOUT, schema.INDICATOR, schema.GEO_CODE, schema.DATE]).reset_index(drop=True)


def main() -> None:
    frame = generate()
    columns = [c for c in schema.OBSERVATION_COLUMNS if c not in (schema.UNIT, schema.GRANULARITY, schema.DATE)]
    frame.to_csv(observations.SYNTHETIC_FILE, columns=columns, index=False, lineterminator="\n")
    print(f"wrote {len(frame)} rows to {observations.SYNTHETIC_FILE.name}")


if __name__ == "__main__":
    main()
