"""Drawing a page imports no XLSX library: openpyxl (and lxml) and python-calamine come when a file is read or written.

Nor pyarrow's query engine (pyarrow.acero, with its datasets and file systems: about 12 MB for the
life of the server), which pandas loads for a groupby that aggregates text columns.
"""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PAGES = ("home", "map", "compare", "profile", "targets", "present", "explorer", "import", "coverage", "tasks")


def test_drawing_every_page_leaves_the_xlsx_libraries_unloaded_until_a_workbook_is_asked_for(tmp_path):
    code = textwrap.dedent(
        f"""
        import io, sys
        from tests.app_support import open_page

        xlsx = ("openpyxl", "lxml", "python_calamine")
        for page in {PAGES!r}:
            open_page(f"pages/{{page}}.py")
            assert not [m for m in xlsx if m in sys.modules], (page, [m for m in xlsx if m in sys.modules])
            # a groupby aggregating text (max, nunique of a str column) loads pyarrow's query engine: 12 MB
            assert "pyarrow.acero" not in sys.modules, page

        # asked for: the template and an XLSX download are still whole workbooks
        import pandas as pd
        from data import catalogue, export, importers

        template = importers.template_bytes("2025")
        frame = pd.DataFrame({{"indicator_id": ["rd_staff"], "value": [1.5]}})
        download = export.to_xlsx_bytes(frame, filters={{}}, sources=catalogue.sources(), indicators=catalogue.indicators())
        import openpyxl

        print(openpyxl.load_workbook(io.BytesIO(template)).sheetnames[:2])
        print(openpyxl.load_workbook(io.BytesIO(download))["data"]["B2"].value)
        """
    )
    env = {**os.environ, "VN57_DATA_DIR": str(tmp_path)}  # its own store: the DuckDB file of this session may be open
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip().splitlines()[-2:] == ["['data', 'tasks']", "1.5"]
