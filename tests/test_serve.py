"""serve.py is what ``streamlit run`` serves as an ASGI app: app.py's pages behind the warm-up lifespan.

Checked the way ``streamlit run serve.py`` finds it (Streamlit's own discovery reads the file, it does not
import it); tests/browser/test_serve_browser.py starts it for real.
"""

from __future__ import annotations

import ast
from pathlib import Path

from streamlit.web.server.app_discovery import discover_asgi_app

ROOT = Path(__file__).resolve().parents[1]


def test_streamlit_run_finds_the_app_in_serve_py():
    found = discover_asgi_app(ROOT / "serve.py")
    assert (found.is_asgi_app, found.app_name, found.import_string) == (True, "app", "serve:app")


def test_serve_py_serves_app_py_with_the_warm_up_lifespan():
    tree = ast.parse((ROOT / "serve.py").read_text(encoding="utf-8"))
    (assign,) = [n for n in tree.body if isinstance(n, ast.Assign) and n.targets[0].id == "app"]
    call = assign.value
    assert ast.unparse(call.func) == "st.App"
    assert [ast.literal_eval(a) for a in call.args] == ["app.py"]
    assert {k.arg: ast.unparse(k.value) for k in call.keywords} == {"lifespan": "warmup.lifespan"}
    assert (ROOT / "app.py").is_file()
