"""Shared fixtures. Every test session gets its own store folder, so tests never touch .data/."""

import os
import tempfile

# Set before any test module imports the store: the app and loaders read it at open time.
os.environ.setdefault("VN57_DATA_DIR", tempfile.mkdtemp(prefix="vn57-tests-"))
