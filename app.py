"""Entry point: ``streamlit run app.py``. Navigation, the shared sidebar and the page theme."""

from pathlib import Path

import streamlit as st

from data.store import StoreUnavailable
from ui import present, sidebar, warmup
from ui.i18n import t

# a local icon: a ":material/...:" page icon makes the browser fetch the favicon from Google Fonts
ICON = Path(__file__).parent / "ui" / "assets" / "icon.png"
st.set_page_config(page_title="Resolution 57 · Provinces", page_icon=str(ICON), layout="wide")

selection = sidebar.draw()
pages = [
    st.Page("pages/home.py", title=t("nav_home"), icon=":material/home:", default=True),
    st.Page("pages/map.py", title=t("nav_map"), icon=":material/map:", url_path="map"),
    st.Page("pages/compare.py", title=t("nav_compare"), icon=":material/leaderboard:", url_path="compare"),
    st.Page("pages/profile.py", title=t("nav_profile"), icon=":material/person_pin_circle:", url_path="profile"),
    st.Page("pages/targets.py", title=t("nav_targets"), icon=":material/flag:", url_path="targets"),
    st.Page("pages/present.py", title=t("nav_present"), icon=":material/slideshow:", url_path="present"),
    st.Page("pages/explorer.py", title=t("nav_explorer"), icon=":material/table_view:", url_path="explorer"),
    st.Page("pages/import.py", title=t("nav_import"), icon=":material/upload_file:", url_path="import"),
    st.Page("pages/coverage.py", title=t("nav_coverage"), icon=":material/grid_on:", url_path="coverage"),
    st.Page("pages/tasks.py", title=t("nav_tasks"), icon=":material/checklist:", url_path="tasks"),
]
presenting = present.is_presenting()
if presenting:
    present.apply_chrome()
page = st.navigation(pages, position="hidden" if presenting else "sidebar")
try:
    page.run()
except StoreUnavailable:  # the database server is stopped or restarting: say so; the next rerun tries again
    st.error(t("store_unavailable"), icon=":material/cloud_off:")
warmup.start()  # after the page: the first visitor does not wait for it
