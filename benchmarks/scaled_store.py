"""A store ``scale`` times the bundled one, for ``bench_pages.py --scale``.

The extra rows are monthly synthetic values from 2019-01 on, for every province of both layouts
and the nation, for every indicator of the catalogue, in that order until the store holds
``scale`` times the bundled rows; they are written as one import batch marked ``synthetic``
(values drawn uniformly inside each indicator's valid range, numpy seed 57). Nothing here is
real data, and nothing of it is kept: the benchmark builds it in a temporary folder.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from data import catalogue, observations, registry, schema, store

SEED = 57


def synthetic_rows(n_rows: int, seed: int = SEED) -> pd.DataFrame:
    """``n_rows`` tidy text rows (the importers' input shape), monthly from 2019-01."""
    inds = catalogue.indicators()
    provinces = registry.provinces()
    geos = [("nation", "", "VN")] + [
        ("province", str(layout), str(code)) for layout, code in zip(provinces["layout"], provinces["code"])
    ]
    months = (f"{y}-{m:02d}" for y in itertools.count(2019) for m in range(1, 13))
    rng = np.random.default_rng(seed)
    rows = []
    for period in months:
        for ind in inds.itertuples(index=False):
            low = 0.0 if pd.isna(getattr(ind, "min", np.nan)) else float(ind.min)
            high = low + 100.0 if pd.isna(getattr(ind, "max", np.nan)) else float(ind.max)
            values = rng.uniform(low, high, len(geos)).round(2)
            for (level, layout, code), value in zip(geos, values):
                rows.append((level, layout, code, ind.indicator_id, period, str(value)))
                if len(rows) == n_rows:
                    frame = pd.DataFrame(
                        rows,
                        columns=[
                            schema.GEO_LEVEL,
                            schema.LAYOUT,
                            schema.GEO_CODE,
                            schema.INDICATOR,
                            schema.PERIOD,
                            schema.VALUE,
                        ],
                    )
                    return frame.assign(**{schema.STATUS: schema.STATUS_SYNTHETIC, schema.SOURCE_ID: "synthetic_demo"})
    raise AssertionError("unreachable")


def build(path, scale: int) -> int:
    """Create the store at ``path`` with ``scale`` times the bundled rows; returns its row count."""
    db = store.open_store(path)
    try:
        bundled = len(db.observations())
        extra = bundled * (scale - 1)
        if extra > 0:
            frame = observations.prepare_observations(synthetic_rows(extra), file_name="scale.csv")
            db.add_batch(frame, kind=store.KIND_IMPORT, file_name=f"benchmark x{scale}", user="benchmark")
        return len(db.observations())
    finally:
        db.close()
