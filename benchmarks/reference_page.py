"""Reference page for bench_pages.py: what a typical light dashboard page costs.

One Altair bar chart of 63 bars, one st.dataframe and one st.metric, all from a
cached (st.cache_data) 20,000-row frame generated with numpy seed 0.
"""

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

N_ROWS = 20_000
N_PROVINCES = 63


@st.cache_data
def load_frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    province_idx = np.concatenate([np.arange(N_PROVINCES), rng.integers(0, N_PROVINCES, N_ROWS - N_PROVINCES)])
    return pd.DataFrame(
        {
            "province": [f"P{i:02d}" for i in province_idx],
            "indicator_id": [f"IND{i:02d}" for i in rng.integers(0, 20, N_ROWS)],
            "year": rng.integers(2015, 2025, N_ROWS),
            "value": rng.normal(50.0, 15.0, N_ROWS).round(3),
        }
    )


df = load_frame()
by_province = df.groupby("province", as_index=False)["value"].mean()

st.metric("Mean value", f"{df['value'].mean():.2f}")
st.altair_chart(
    alt.Chart(by_province).mark_bar().encode(x=alt.X("province:N", sort="-y"), y="value:Q"),
    width="stretch",
)
st.dataframe(df)
