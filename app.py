"""Entry point: ``streamlit run app.py``. Navigation, the shared sidebar and the page theme."""

import streamlit as st

from ui import sidebar
from ui.i18n import t

st.set_page_config(page_title="Resolution 57 · Provinces", page_icon="📊", layout="wide")

selection = sidebar.draw()
pages = [
    st.Page("pages/home.py", title=t("nav_home"), icon="🏠", default=True),
    st.Page("pages/explorer.py", title=t("nav_explorer"), icon="🔎", url_path="explorer"),
]
st.navigation(pages).run()
