"""Heavy libraries are imported where they are used, and warmed in the background."""

import subprocess
import sys

from ui import warmup


def test_the_pages_loader_modules_do_not_import_scikit_learn_or_openpyxl():
    code = (
        "import sys, ui.loaders, ui.charts, ui.views, ui.sidebar, data.export, analysis.forecasting\n"
        "print(sorted(m for m in ('sklearn', 'openpyxl') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_import_heavy_imports_what_it_can_and_skips_what_is_missing():
    assert warmup.import_heavy(("json", "no_such_module_here")) == ["json"]
    assert "openpyxl" in warmup.HEAVY_MODULES and "sklearn.linear_model" not in warmup.HEAVY_MODULES


def test_the_warm_up_freezes_what_is_loaded_so_collections_skip_it():
    code = (
        "import gc\nfrom ui import warmup\nassert gc.get_freeze_count() == 0\n"
        "print(warmup.import_and_freeze(('json',)), gc.get_freeze_count() > 10000)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "['json'] True"


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
