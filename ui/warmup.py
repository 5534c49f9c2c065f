"""Import the heavy libraries and compute the heaviest caches once per server: before it answers, or in the background.

openpyxl (XLSX downloads and the template), geopandas (maps) and altair (charts) are imported
where they are used (scikit-learn, for the forecasts' robust trends, never in the server: in a
short-lived child process, :mod:`analysis.robust_fit`), so that a page which does not need them does not pay
for them. A server's first visitor of a page that does need them would pay instead, as would the
first visitor of a page whose cached data is computed from the whole store. :func:`start` runs
:func:`warm` in a daemon thread, once per process, after the first script run, while the visitor
reads the page:

1. :data:`HEAVY_MODULES` and the view modules of the pages (:data:`VIEW_MODULES`: altair and
   the boundaries come with them), and altair's schema validator (built with the first chart);
2. the data that every first visit of the Profile and Targets pages computes with the sidebar's
   default choice (34-province layout, synthetic values off): the national profile's inputs
   (every indicator's national and province series), every target's forecast, and the names
   and units of :func:`ui.loaders.lookups`. These are
   cached per data version and the same in every language; the forecasts' robust trends (targets
   of four or more points: the bundled data has such targets) are fitted in one child process at
   start, which imports scikit-learn and exits, rather than at the first visit of Targets or Profile.

After the imports, every object alive (modules, functions, bundled data: about 300,000 objects,
kept for the life of the process) is moved out of the garbage collector's sight with
:func:`gc.freeze` (:func:`import_and_freeze`), so that later collections only look at what reruns
make.

Served by ``streamlit run serve.py`` (the README's way), all of this happens before the server
answers anything: :func:`lifespan` waits for :func:`start`'s thread in the server's start-up, and
the server answers its health check only after that, so no visitor pays for the warm-up (app.py's
own call then finds the thread finished). ``streamlit run app.py`` still warms in the background.

openpyxl (and lxml with it) and python-calamine are not warmed: they are imported only when a file
is read or written (an uploaded workbook, the template, an XLSX download when it is asked for), so
a server where no one does so never holds them (about 15 MB); the first to do so waits about 0.1 s.

Nothing here is shown: a failure (the store unreachable, say) is logged and the page computes
the same on its first visit, as it would without the warm-up.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import importlib
import threading
import time
from collections.abc import AsyncIterator

import streamlit as st
from streamlit.logger import get_logger

#: Imported in this order; each costs 0.1-0.3 s on the CI machine.
HEAVY_MODULES = ("geopandas",)  # not openpyxl: see the module's docstring
#: The pages' view modules (and with them altair, the boundaries, the forecasting rule).
VIEW_MODULES = ("ui.views", "ui.compare_view", "ui.profile_view", "ui.targets_view", "ui.map_view", "ui.fitted_map")
#: The longest a server start waits for the warm-up (:func:`lifespan`); after it, it serves while warming.
START_WAIT_LIMIT_S = 60.0

#: Streamlit's logger: its lines go to the server's console, at the level of ``logger.level``.
_LOG = get_logger(__name__)


def lean_allocators() -> dict[str, bool]:
    """Memory allocators that give freed memory back, for a long-lived server (``serve.py`` calls it first).

    * pyarrow's default pool (mimalloc) keeps what it freed for reuse; ``ARROW_DEFAULT_MEMORY_POOL=system``
      makes it use the C library's allocator (read when pyarrow is first imported: set here unless
      pyarrow is loaded already or the variable is set by whoever started the server);
    * glibc gives every thread that allocates its own arena, up to eight per CPU, each holding its
      own freed memory; ``mallopt(M_ARENA_MAX, 2)`` (as the ``MALLOC_ARENA_MAX`` variable would)
      shares two among the server's threads.

    Together about 15 MB less after every page was visited (``benchmarks/bench_pages.py``, start
    phase; the pages' speed ratios unchanged). Returns which of the two took effect; neither is
    needed for the app to work (another C library, say).
    """
    import ctypes
    import os
    import sys

    arrow = "pyarrow" not in sys.modules and "ARROW_DEFAULT_MEMORY_POOL" not in os.environ
    if arrow:
        os.environ["ARROW_DEFAULT_MEMORY_POOL"] = "system"
    try:
        arenas = bool(ctypes.CDLL("libc.so.6").mallopt(_M_ARENA_MAX, 2))
    except (OSError, AttributeError):  # not glibc
        arenas = False
    return {"arrow_system_pool": arrow, "malloc_arenas": arenas}


#: glibc's mallopt parameter number for the arena limit (malloc.h).
_M_ARENA_MAX = -8


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


def warm_caches() -> None:
    """Compute the cached data of the Profile and Targets pages' first visit with the sidebar's defaults."""
    from data import schema
    from ui import loaders, profile_view, sidebar

    default = sidebar.Selection(lang="en", layout=schema.LAYOUT_2025, show_synthetic=sidebar.SHOW_SYNTHETIC_DEFAULT)
    loaders.lookups()  # names, units and province names in both languages
    loaders.forecasts.fresh(default.show_synthetic)  # first: about a third of the time of the profile's inputs
    for _ in profile_view.national_inputs(default.layout, default.statuses):
        pass


def warm_altair() -> None:
    """Build and validate one tiny chart: altair loads and compiles its Vega-Lite schema validator on the first one."""
    import altair as alt
    import pandas as pd

    alt.Chart(pd.DataFrame({"x": [1.0]})).mark_point().encode(x="x:Q").to_dict()


def warm() -> None:
    """Import and freeze, then compute (:func:`import_and_freeze`, :func:`warm_caches`); never raises.

    Logs one line when done (how long it took), or a warning with the error.
    """
    began = time.monotonic()
    try:
        import_and_freeze(HEAVY_MODULES + VIEW_MODULES)
        warm_altair()
        warm_caches()
    except Exception:  # noqa: BLE001 - an optimisation only: the page computes it on its first visit
        _LOG.warning("background warm-up of the caches failed", exc_info=True)
    else:
        _LOG.info("warm-up done in %.1f s", time.monotonic() - began)


@st.cache_resource(show_spinner=False)
def start() -> threading.Thread:
    """Start the background warm-up once per server process (a cached resource); returns the thread."""
    thread = threading.Thread(target=warm, name="vn57-warmup", daemon=True)
    thread.start()
    return thread


@contextlib.asynccontextmanager
async def lifespan(_app: object = None) -> AsyncIterator[None]:
    """Warm up before the server answers anything: the lifespan of serve.py's ``st.App``.

    Streamlit's runtime has started (its caches work) and the server answers no request, its health
    check included, until this yields. The wait for :func:`start`'s thread runs in a worker thread,
    so the event loop stays free, and lasts at most :data:`START_WAIT_LIMIT_S` (a store that does
    not answer, say: the warm-up goes on in the background). Never raises: a failure is logged and
    the server starts anyway; the pages then compute on their first visit, as without the warm-up.
    :func:`warm` logs ``warm-up done in ... s`` when it has finished.
    """
    try:
        thread = start()
        await asyncio.to_thread(thread.join, START_WAIT_LIMIT_S)
    except Exception:  # noqa: BLE001 - an optimisation only: never keep the server from starting
        _LOG.warning("warm-up before serving failed; serving anyway", exc_info=True)
    else:
        if thread.is_alive():
            _LOG.warning("warm-up still running after %.0f s; serving while it finishes", START_WAIT_LIMIT_S)
    yield
