"""Robust straight lines (scikit-learn's ``HuberRegressor``) fitted in a short-lived child process.

Why: importing ``sklearn.linear_model`` brings scikit-learn, SciPy, joblib and threadpoolctl into
the process, about 76 MB that stay for the life of an app server (measured for issue #12, which
asks that a server hold at most 300 MB). The forecasts need one Huber fit per target with four or
more observations: a handful of tiny fits, not worth holding those libraries for.

How: :func:`huber_lines` answers from a per-process memo keyed on the exact bytes of each series
(bounded, behind a lock: the server runs sessions in threads). The series it has not seen are fitted
together, once per call:

* in this process when ``sklearn`` is already imported here (a script, the tests, a notebook);
* otherwise in ONE child, ``python -m analysis.robust_fit``, which reads the series as JSON on
  stdin, imports scikit-learn, fits them all with :func:`huber_line`, writes the results as JSON on
  stdout and exits, taking scikit-learn's memory with it;
* in this process after all, with a logged warning, when the child cannot start, fails, answers
  something else or takes longer than :data:`CHILD_TIMEOUT` seconds: a page never loses its forecast.

Exactness: a child's result is bit-for-bit the one this process would compute. The series go
to the child and the results come back as JSON numbers, written with Python's ``repr`` of a float,
which reads back as the same float64 (NaN and infinities too, as JSON's ``NaN`` and ``Infinity``); the
child runs the same function on the same numbers with the same libraries.
"""

from __future__ import annotations

import collections
import json
import logging
import os
import subprocess
import sys
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np

HUBER_EPSILON = 1.35
MAX_ITER = 500
#: Seconds a child may take (starting Python and importing scikit-learn take about one on an idle machine).
CHILD_TIMEOUT = 60.0
#: The child: this module run as a script, by the same Python.
CHILD_COMMAND = (sys.executable, "-m", "analysis.robust_fit")
#: Fits kept in the per-process memo (about 100 bytes each with their keys).
MEMO_SIZE = 4096

_ROOT = Path(__file__).resolve().parents[1]  # the folder holding the ``analysis`` package
_LOG = logging.getLogger(__name__)
_MEMO: collections.OrderedDict[tuple[bytes, bytes], tuple[float, float, float]] = collections.OrderedDict()
_LOCK = threading.Lock()

Fit = tuple[float, float, float]


def huber_line(t: np.ndarray, y: np.ndarray) -> Fit:
    """Intercept, slope and scale of scikit-learn's robust ``HuberRegressor`` of ``y`` on ``t``.

    ``y`` is standardised for the fit (mean 0, standard deviation 1, or 1 when ``y`` is constant),
    with epsilon :data:`HUBER_EPSILON`, and the results are given back in ``y``'s units. Imports
    scikit-learn: call it in a child (:func:`huber_lines`) to keep it out of a server.

    Examples
    --------
    >>> a, b, scale = huber_line(np.array([0.0, 1.0, 2.0, 3.0]), np.array([1.0, 3.0, 5.0, 7.0]))
    >>> round(a, 3), round(b, 3)
    (1.0, 2.0)
    """
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import HuberRegressor

    t, y = np.asarray(t, dtype=float), np.asarray(y, dtype=float)
    centre, spread = float(np.mean(y)), float(np.std(y)) or 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = HuberRegressor(epsilon=HUBER_EPSILON, max_iter=MAX_ITER).fit(t.reshape(-1, 1), (y - centre) / spread)
    return centre + spread * float(model.intercept_), spread * float(model.coef_[0]), spread * float(model.scale_)


def _key(t: np.ndarray, y: np.ndarray) -> tuple[bytes, bytes]:
    return np.ascontiguousarray(t, dtype=float).tobytes(), np.ascontiguousarray(y, dtype=float).tobytes()


def huber_lines(series: Sequence[tuple[np.ndarray, np.ndarray]], *, where: str | None = None) -> list[Fit]:
    """:func:`huber_line` of every ``(t, y)`` of ``series``, the unseen ones fitted together (see the module doc).

    Parameters
    ----------
    series : sequence of (numpy.ndarray, numpy.ndarray)
        Times and values, as float64 (other numbers are converted).
    where : {None, "child", "here"}
        Where the unseen series are fitted: ``None`` decides as the module doc says; ``"child"``
        in a child process (still here if it fails); ``"here"`` in this process. The memo answers
        first in every case.

    Returns
    -------
    list of (float, float, float)
        Intercept, slope and scale of each series, in order.
    """
    if where not in (None, "child", "here"):
        raise ValueError(f"where must be None, 'child' or 'here', not {where!r}")
    keys = [_key(t, y) for t, y in series]
    with _LOCK:
        known = {k: _MEMO[k] for k in keys if k in _MEMO}
        for k in known:
            _MEMO.move_to_end(k)
    missing = list(dict.fromkeys(k for k in keys if k not in known))
    if missing:
        arrays = [(np.frombuffer(t), np.frombuffer(y)) for t, y in missing]
        where = where or ("here" if "sklearn" in sys.modules else "child")
        fits = _in_child(arrays) if where == "child" else None
        if fits is None:
            fits = [huber_line(t, y) for t, y in arrays]
        with _LOCK:
            for k, fit in zip(missing, fits):
                _MEMO[k] = known[k] = fit
                _MEMO.move_to_end(k)
            while len(_MEMO) > MEMO_SIZE:
                _MEMO.popitem(last=False)
    return [known[k] for k in keys]


def forget() -> None:
    """Empty the memo (tests)."""
    with _LOCK:
        _MEMO.clear()


def _in_child(arrays: list[tuple[np.ndarray, np.ndarray]]) -> list[Fit] | None:
    """The fits computed by one child process, or None (logged) when it did not give them."""
    payload = json.dumps([[t.tolist(), y.tolist()] for t, y in arrays])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(_ROOT), env.get("PYTHONPATH", "")) if p)
    try:
        done = subprocess.run(
            list(CHILD_COMMAND),
            input=payload,
            capture_output=True,
            text=True,
            cwd=_ROOT,
            env=env,
            timeout=CHILD_TIMEOUT,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"exit code {done.returncode}: {done.stderr.strip()[-500:]}")
        fits = [tuple(float(v) for v in fit) for fit in json.loads(done.stdout)]
        if len(fits) != len(arrays) or any(len(fit) != 3 for fit in fits):
            raise ValueError(f"{len(fits)} answers for {len(arrays)} series")
    except (OSError, subprocess.SubprocessError, RuntimeError, ValueError, TypeError) as exc:
        _LOG.warning("robust fits in a child process failed (%s); fitting them in this process", exc)
        return None
    return fits


def main() -> None:
    """``python -m analysis.robust_fit``: series ``[[t, y], ...]`` as JSON on stdin, fits ``[[a, b, scale], ...]`` on stdout."""
    series = [(np.array(t, dtype=float), np.array(y, dtype=float)) for t, y in json.load(sys.stdin)]
    json.dump([list(huber_line(t, y)) for t, y in series], sys.stdout)


if __name__ == "__main__":
    main()
