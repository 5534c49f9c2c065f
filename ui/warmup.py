"""Import the heavy libraries in the background once the server has started.

scikit-learn (forecasts), openpyxl (XLSX downloads and the template) and geopandas (maps) are
imported where they are used, so that a page which does not need them does not pay for them. A
server's first visitor of a page that does need them would pay instead: :func:`start` imports
openpyxl and geopandas in a daemon thread, once per process, after the first script run, while
the visitor reads the page, then moves every object alive at that moment (modules, functions,
bundled data: about 300,000 objects, kept for the life of the process) out of the garbage
collector's sight with :func:`gc.freeze`, so that later collections only look at what reruns make.
scikit-learn is not warmed: it adds about 75 MB to every server and
only a forecast from four or more points needs it (the robust trend of
:mod:`analysis.forecasting`), which the reported data alone rarely has.
"""

from __future__ import annotations

import gc
import importlib
import threading

import streamlit as st

#: Imported in this order; each costs 0.1-0.3 s on the CI machine.
HEAVY_MODULES = ("openpyxl", "geopandas")


def import_heavy(modules: tuple[str, ...] = HEAVY_MODULES) -> list[str]:
    """Import ``modules`` (those that fail to import are skipped); returns the ones imported."""
    done = []
    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError:  # an optional part missing must not break the app
            continue
        done.append(name)
    return done


def import_and_freeze(modules: tuple[str, ...] = HEAVY_MODULES) -> list[str]:
    """:func:`import_heavy`, then a full collection and :func:`gc.freeze` of what survives it."""
    done = import_heavy(modules)
    gc.collect()
    gc.freeze()
    return done


@st.cache_resource(show_spinner=False)
def start() -> threading.Thread:
    """Start the background import once per server process (a cached resource); returns the thread."""
    thread = threading.Thread(target=import_and_freeze, name="vn57-warmup", daemon=True)
    thread.start()
    return thread
