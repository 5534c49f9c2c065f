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
