import streamlit as st

st.write("hello")  # noqa: E702 - the one-line baseline page for bench_pages.py
