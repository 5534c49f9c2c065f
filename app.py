"""Entry point: ``streamlit run app.py``. Navigation, the shared sidebar and the page theme."""

from pathlib import Path

import streamlit as st

from ui import present, sidebar
from ui.i18n import t

# a local icon: a ":material/...:" page icon makes the browser fetch the favicon from Google Fonts
ICON = Path(__file__).parent / "ui" / "assets" / "icon.png"
st.set_page_config(page_title="Resolution 57 · Provinces", page_icon=str(ICON), layout="wide")

selection = sidebar.draw()
pages = [
    st.Page("pages/home.py", title=t("nav_home"), icon=":material/home:", default=True),
    st.Page("pages/explorer.py", title=t("nav_explorer"), icon=":material/table_view:", url_path="explorer"),
]
presenting = present.is_presenting()
if presenting:
    present.apply_chrome()
st.navigation(pages, position="hidden" if presenting else "sidebar").run()
