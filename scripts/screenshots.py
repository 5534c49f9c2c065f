"""Regenerate the README's screenshots from the current app: ``python -m scripts.screenshots``.

Starts the app as the README does (``streamlit run serve.py``, bundled data, a fresh store in a
temporary folder), opens each view in headless Debian Chromium (``/usr/bin/chromium``) and writes
``docs/<name>.png``. Add a view to :data:`SHOTS` to add a screenshot.
"""

from __future__ import annotations

import argparse

from scripts import live_app

DOCS = live_app.REPO_ROOT / "docs"
#: name -> (URL path and query, viewport width, height)
SHOTS = {
    "home": ("/?lang=en", 1400, 900),
    "explorer": ("/explorer?lang=en&ind=rd_staff_per_10k", 1400, 900),
    "map": ("/map?lang=en&present=1", 1920, 1080),
    "present": ("/present?lang=vi&present=1&province=19", 1920, 1080),
}


def take(names: list[str]) -> list[str]:
    """Write ``docs/<name>.png`` for each name; returns the paths written."""
    written = []
    with live_app.serve() as (base, _proc), live_app.chromium() as browser:
        for name in names:
            path, width, height = SHOTS[name]
            context = browser.new_context(viewport={"width": width, "height": height})
            page = context.new_page()
            page.goto(base + path)
            live_app.wait_for_idle(page)
            page.wait_for_timeout(1500)  # charts and maps draw after the script ends
            out = DOCS / f"{name}.png"
            page.screenshot(path=str(out))
            written.append(str(out.relative_to(live_app.REPO_ROOT)))
            context.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help=f"views to shoot (default: all of {', '.join(SHOTS)})")
    names = parser.parse_args().names or list(SHOTS)
    unknown = sorted(set(names) - set(SHOTS))
    if unknown:
        parser.error(f"unknown views {unknown}; known: {', '.join(SHOTS)}")
    for path in take(names):
        print("wrote", path)


if __name__ == "__main__":
    main()
