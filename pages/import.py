"""Import: upload a file, see what was detected and every problem, import on confirmation, undo a batch."""

import streamlit as st

from ui import auth, importing, sidebar
from ui.i18n import t

# 1. title, help and who may edit
sel = sidebar.selection()
st.title(t("import_title"))
st.caption(t("import_intro"))
access = auth.access()
auth.draw(access)
importing.show_message()
importing.template_button(sel.layout)

# 2. upload and check (editors only: viewers never send data to the server)
if access.editor is not None:
    limits = importing.limits()
    uploaded = importing.upload(limits)
    options = importing.reading_options(sel.lang)
    if uploaded is not None:
        report = importing.analyse_upload(uploaded, options, limits)
        importing.show_report(report, sel.lang)
        importing.import_controls(report, access.editor, sel.lang)

# 3. what the store holds: batches, undo, audit trail
importing.batches_panel(access.editor)
