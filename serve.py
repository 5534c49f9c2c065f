"""Serve the dashboard warm: ``python -m streamlit run serve.py``.

The same app as ``streamlit run app.py`` (app.py stays the page script), but the server imports the
heavy libraries and computes the first visits' caches (:mod:`ui.warmup`) before it answers anything,
its health check included, so that no visitor pays for them.
"""

import streamlit as st

from ui import warmup

warmup.lean_allocators()  # before pandas and pyarrow are imported
app = st.App("app.py", lifespan=warmup.lifespan)
