"""The Home page's "how much is real" section (pages/home.py only calls it)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data import schema
from ui import loaders
from ui.i18n import format_date, format_number, localized, t


def how_much_is_real(sel, by_status: pd.Series, catalogue: pd.DataFrame, sources: pd.DataFrame) -> None:
    """Reported values per indicator and source, the newest reported date, and the synthetic share when shown.

    ``by_status``: observations shown per status (the Home page's counts); ``catalogue`` indexed by indicator.
    """
    st.subheader(t("home_real"))
    real = loaders.reported_by_source(sel.show_doubtful)
    n_real = int(real["n_values"].sum()) if len(real) else 0
    newest = str(real["newest"].max()) if len(real) else ""
    st.caption(
        t(
            "home_real_summary",
            n=format_number(n_real, 0, sel.lang),
            indicators=format_number(real[schema.INDICATOR].nunique(), 0, sel.lang),
            sources=format_number(real[schema.SOURCE_ID].nunique(), 0, sel.lang),
            newest=format_date(newest, sel.lang) if newest else "–",
        )
    )
    if sel.show_synthetic and schema.STATUS_SYNTHETIC in by_status.index and by_status.sum():
        share = by_status[schema.STATUS_SYNTHETIC] / by_status.sum()
        st.caption(t("home_real_synthetic_share", share=format_number(100 * share, 1, sel.lang)))
    names_of = localized(catalogue, "name", sel.lang)
    producers = localized(sources.set_index(schema.SOURCE_ID), schema.SOURCE_PRODUCER, sel.lang)
    st.dataframe(
        real.assign(
            indicator=real[schema.INDICATOR].map(names_of),
            source=real[schema.SOURCE_ID].map(producers),
            newest=real["newest"].map(lambda d: format_date(d, sel.lang)),
        )[["indicator", "source", "n_values", "n_places", "newest"]],
        hide_index=True,
        width="stretch",
        height=280,
        key="home_real_table",
        column_config={
            "indicator": t("col_indicator"),
            "source": t("col_source"),
            "n_values": st.column_config.NumberColumn(t("home_real_values")),
            "n_places": st.column_config.NumberColumn(t("home_real_places")),
            "newest": t("home_real_newest"),
        },
    )
    st.page_link("pages/coverage.py", label=t("home_real_coverage_link"), icon=":material/grid_on:")
