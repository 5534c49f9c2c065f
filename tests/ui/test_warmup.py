"""Heavy libraries are imported where they are used, and warmed in the background or, by serve.py, before serving."""

import asyncio
import logging
import subprocess
import sys
import threading
import time

import pytest

from ui import warmup


def _fresh(code: str, **env) -> str:
    """The last line ``code`` prints in a fresh interpreter (``env`` added to this one's, without a chosen Arrow pool)."""
    import os

    clean = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env={**clean, **env})
    return out.stdout.strip().splitlines()[-1]


def test_the_pages_loader_modules_do_not_import_scikit_learn_or_openpyxl():
    code = (
        "import sys, ui.loaders, ui.charts, ui.views, ui.sidebar, data.export, analysis.forecasting\n"
        "print(sorted(m for m in ('sklearn', 'openpyxl') if m in sys.modules))"
    )
    assert _fresh(code) == "[]"


def test_import_heavy_imports_what_it_can_and_skips_what_is_missing():
    assert warmup.import_heavy(("json", "no_such_module_here")) == ["json"]
    assert "openpyxl" not in warmup.HEAVY_MODULES and "sklearn.linear_model" not in warmup.HEAVY_MODULES


def test_the_warm_up_freezes_what_is_loaded_so_collections_skip_it():
    code = (
        "import gc\nfrom ui import warmup\nassert gc.get_freeze_count() == 0\n"
        "print(warmup.import_and_freeze(('json',)), gc.get_freeze_count() > 10000)"
    )
    assert _fresh(code) == "['json'] True"


def test_the_server_runs_no_full_collection_after_every_script_run():
    import tomllib
    from pathlib import Path

    config = tomllib.loads((Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["postScriptGC"] is False


def test_warm_caches_computes_what_the_first_profile_and_targets_visits_need(monkeypatch):
    """After the warm-up, the national profile's inputs and the forecasts come from the cache: no loader runs again."""
    from analysis import forecasting
    from data import schema
    from ui import loaders, profile_view

    warmup.warm_caches()
    calls = []
    monkeypatch.setattr(forecasting, "forecast_targets", lambda *a, **k: calls.append("forecasts"))
    monkeypatch.setattr(loaders, "_stored", lambda **k: calls.append("stored"))
    statuses = tuple(s for s in schema.STATUSES if s != schema.STATUS_SYNTHETIC)  # the sidebar's default
    inputs = list(profile_view.national_inputs(schema.LAYOUT_2025, statuses))
    forecasts = loaders.forecasts.fresh(False)
    assert calls == []
    assert any(len(national) for _, national, _ in inputs) and len(forecasts) > 0


def test_warm_never_raises_when_the_caches_cannot_be_computed(monkeypatch):
    def broken():
        raise RuntimeError("store unreachable")

    monkeypatch.setattr(warmup, "warm_caches", broken)
    monkeypatch.setattr(warmup, "import_heavy", lambda modules: [])
    warmup.warm()  # logged, not raised


# --- the lifespan of serve.py: warm before serving ----------------------------------------------
@pytest.fixture
def warmup_log(monkeypatch):
    """What ui.warmup logs (Streamlit's logger does not propagate to pytest's caplog)."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append
    monkeypatch.setattr(warmup._LOG, "handlers", [*warmup._LOG.handlers, handler])
    level = warmup._LOG.level
    warmup._LOG.setLevel(logging.INFO)  # setLevel, not the attribute: a logger caches what it may emit
    yield records
    warmup._LOG.setLevel(level)


def _serve_once(lifespan) -> tuple[list[str], int]:
    """Enter and leave ``lifespan`` on an event loop, as the server's start-up does.

    Returns the events in order and how many times a coroutine beside it ran while it waited.
    """
    events: list[str] = []

    async def main():
        ticks = 0
        stop = asyncio.Event()

        async def ticker():
            nonlocal ticks
            while not stop.is_set():
                ticks += 1
                await asyncio.sleep(0.01)

        beside = asyncio.create_task(ticker())
        async with lifespan(None):
            events.append("serving")
        stop.set()
        await beside
        return ticks

    # on a thread of its own, as the server's loop: pytest's thread may hold another test's loop
    ran: dict[str, int] = {}
    loop = threading.Thread(target=lambda: ran.update(ticks=asyncio.run(main())))
    loop.start()
    loop.join()
    return events, ran["ticks"]


def test_the_lifespan_serves_only_after_the_warm_up_and_keeps_the_event_loop_free(monkeypatch, warmup_log):
    events: list[str] = []

    def slow_warm():
        time.sleep(0.3)
        events.append("warmed")

    thread = threading.Thread(target=slow_warm)
    monkeypatch.setattr(warmup, "start", lambda: thread.start() or thread)
    served, ticks = _serve_once(warmup.lifespan)
    assert events + served == ["warmed", "serving"]
    assert ticks >= 5  # the loop went on while the warm-up ran (0.3 s at one tick each 0.01 s)
    assert warmup_log == []  # nothing went wrong: the warm-up itself says when it is done


def test_warm_says_when_it_is_done(monkeypatch, warmup_log):
    monkeypatch.setattr(warmup, "import_heavy", lambda modules: [])
    monkeypatch.setattr(warmup, "warm_caches", lambda: None)
    warmup.warm()
    assert [r.levelname for r in warmup_log] == ["INFO"]
    assert warmup_log[0].getMessage().startswith("warm-up done in ")


def test_a_failed_warm_up_is_logged_and_the_server_still_starts(monkeypatch, warmup_log):
    def broken():
        raise RuntimeError("store unreachable")

    monkeypatch.setattr(warmup, "start", broken)
    served, _ = _serve_once(warmup.lifespan)
    assert served == ["serving"]
    assert [(r.levelname, r.getMessage()) for r in warmup_log] == [
        ("WARNING", "warm-up before serving failed; serving anyway")
    ]
    assert "store unreachable" in str(warmup_log[0].exc_info[1])


def test_a_warm_up_longer_than_the_limit_goes_on_while_the_server_starts(monkeypatch, warmup_log):
    release = threading.Event()
    thread = threading.Thread(target=release.wait, daemon=True)
    monkeypatch.setattr(warmup, "start", lambda: thread.start() or thread)
    monkeypatch.setattr(warmup, "START_WAIT_LIMIT_S", 0.1)
    try:
        served, _ = _serve_once(warmup.lifespan)
        assert served == ["serving"] and thread.is_alive()
        assert [r.levelname for r in warmup_log] == ["WARNING"]
        assert "still running" in warmup_log[0].getMessage()
    finally:
        release.set()


def test_serve_py_makes_pyarrow_use_the_system_allocator_and_limits_malloc_arenas():
    """Imported as the server does, serve.py sets both before pandas or pyarrow is loaded."""
    code = (
        "import sys, serve\n"
        "early = 'pyarrow' in sys.modules\n"
        "import pandas, pyarrow\n"
        "print(pyarrow.default_memory_pool().backend_name, early)"
    )
    assert _fresh(code) == "system False"
    assert _fresh("from ui import warmup; print(warmup.lean_allocators())") == (
        "{'arrow_system_pool': True, 'malloc_arenas': True}"
    )


def test_lean_allocators_leaves_a_loaded_pyarrow_and_a_chosen_pool_alone():
    code = "import pyarrow\nfrom ui import warmup\nprint(warmup.lean_allocators()['arrow_system_pool'])"
    assert _fresh(code) == "False"  # too late: pyarrow read its setting when imported
    code = "import os\nfrom ui import warmup\nprint(warmup.lean_allocators()['arrow_system_pool'], os.environ['ARROW_DEFAULT_MEMORY_POOL'])"
    assert _fresh(code, ARROW_DEFAULT_MEMORY_POOL="jemalloc") == "False jemalloc"  # whoever started the server chose
