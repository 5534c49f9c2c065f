"""Robust lines fitted in a child process: the same numbers, bit for bit, as in this process; one child a batch.

The expected values come from :func:`reference`, a ``HuberRegressor`` fit written here from
scikit-learn's documented API (y standardised, epsilon 1.35, 500 iterations), not from the module.
"""

from __future__ import annotations

import logging
import subprocess
import sys

import numpy as np
import pytest
from sklearn.linear_model import HuberRegressor

from analysis import robust_fit

#: Awkward series: four points, constant values, an outlier, negative values, large numbers, uneven times.
SERIES = {
    "four points": ([0.0, 0.25, 0.5, 0.75], [1.0, 2.0, 2.5, 4.0]),
    "constant": ([0.0, 1.0, 2.0, 3.0, 4.0], [7.0, 7.0, 7.0, 7.0, 7.0]),
    "outlier": ([0.0, 1.0, 2.0, 3.0, 4.0, 5.0], [1.0, 2.0, 3.0, 40.0, 5.0, 6.0]),
    "negative": ([0.0, 0.3, 0.9, 1.4, 2.2], [-3.5, -2.9, -1.1, -0.4, 1.7]),
    "large": ([0.0, 0.0027, 0.5, 0.99, 1.83], [0.0, 12_345.678, 2.5e6, 4.9e6, 9.1e6]),
    "falling, zero start": ([0.0, 0.8624, 1.1, 1.2567, 1.7], [0.0, -0.1, -0.15, 0.3, -0.7]),
}


def reference(t, y) -> tuple[float, float, float]:
    """HuberRegressor (epsilon 1.35, max_iter 500) on y standardised (std 1 when y is constant), back in y's units."""
    t, y = np.array(t, dtype=float), np.array(y, dtype=float)
    mean, std = y.mean(), y.std()
    std = std if std > 0 else 1.0
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = HuberRegressor(epsilon=1.35, max_iter=500).fit(t[:, None], (y - mean) / std)
    return float(mean + std * model.intercept_), float(std * model.coef_[0]), float(std * model.scale_)


def arrays(name: str) -> tuple[np.ndarray, np.ndarray]:
    t, y = SERIES[name]
    return np.array(t), np.array(y)


@pytest.fixture(autouse=True)
def empty_memo():
    robust_fit.forget()
    yield
    robust_fit.forget()


@pytest.fixture
def children(monkeypatch) -> list[list]:
    """The series sent to each child process started (subprocess.run watched)."""
    import json

    started: list[list] = []
    real = subprocess.run

    def watched(command, *args, **kwargs):
        started.append(json.loads(kwargs.get("input") or "[]"))
        return real(command, *args, **kwargs)

    monkeypatch.setattr(robust_fit.subprocess, "run", watched)
    return started


def test_a_child_gives_the_same_numbers_bit_for_bit_as_this_process(children):
    series = [arrays(name) for name in SERIES]
    expected = [reference(t, y) for t, y in series]
    from_child = robust_fit.huber_lines(series, where="child")
    assert len(children) == 1 and len(children[0]) == len(SERIES)
    assert from_child == expected  # exact equality of every float, not approx
    robust_fit.forget()
    assert robust_fit.huber_lines(series, where="here") == expected
    assert len(children) == 1


def test_the_fits_are_right_on_a_line_and_with_an_outlier():
    a, b, _ = robust_fit.huber_line(np.array([0.0, 1.0, 2.0, 3.0]), np.array([1.0, 3.0, 5.0, 7.0]))
    assert (a, b) == pytest.approx((1.0, 2.0), abs=1e-4)
    a, b, _ = robust_fit.huber_lines([arrays("outlier")], where="child")[0]
    # y = 1 + t apart from the 40 at t = 3: the robust line stays near slope 1 (least squares gives 2.77)
    assert b == pytest.approx(1.0, abs=0.1) and a == pytest.approx(1.0, abs=0.3)


def test_a_memo_hit_starts_no_child(children):
    first = robust_fit.huber_lines([arrays("negative"), arrays("large")], where="child")
    again = robust_fit.huber_lines([arrays("large"), arrays("negative")], where="child")  # new arrays, same bytes
    assert len(children) == 1 and again == first[::-1]


def test_a_batch_of_misses_is_one_child_with_only_the_misses(children):
    robust_fit.huber_lines([arrays("constant")], where="child")
    names = list(SERIES)
    fits = robust_fit.huber_lines([arrays(n) for n in names + names], where="child")  # duplicates asked once
    assert len(children) == 2
    assert len(children[1]) == len(SERIES) - 1  # "constant" came from the memo
    assert fits == [reference(*SERIES[n]) for n in names + names]


def test_nothing_to_fit_starts_no_child(children):
    assert robust_fit.huber_lines([], where="child") == []
    assert children == []


def test_an_unknown_place_is_refused():
    with pytest.raises(ValueError, match="where must be None, 'child' or 'here', not 'there'"):
        robust_fit.huber_lines([arrays("negative")], where="there")


@pytest.mark.parametrize(
    "command",
    [
        ("{python}", "-c", "import sys; sys.exit(3)"),  # fails
        ("{python}", "-c", "print('[[1.0, 2.0]]')"),  # answers something else
        ("{python}", "-c", "print('not json')"),
        ("/no/such/python",),  # cannot start
        ("{python}", "-c", "import time; time.sleep(30)"),  # too slow
    ],
)
def test_a_failed_child_is_logged_and_the_fits_are_done_here_with_the_same_numbers(monkeypatch, caplog, command):
    monkeypatch.setattr(robust_fit, "CHILD_COMMAND", tuple(c.format(python=sys.executable) for c in command))
    monkeypatch.setattr(robust_fit, "CHILD_TIMEOUT", 3.0)
    series = [arrays("four points"), arrays("outlier")]
    with caplog.at_level(logging.WARNING, logger="analysis.robust_fit"):
        fits = robust_fit.huber_lines(series, where="child")
    assert fits == [reference(t, y) for t, y in series]
    assert "fitting them in this process" in caplog.text


def test_without_a_choice_it_fits_here_when_scikit_learn_is_loaded_and_in_a_child_when_not(monkeypatch, children):
    robust_fit.huber_lines([arrays("four points")])
    assert children == []  # the tests import scikit-learn (tests/conftest.py)
    monkeypatch.delitem(sys.modules, "sklearn")
    assert robust_fit.huber_lines([arrays("negative")]) == [reference(*SERIES["negative"])]
    assert len(children) == 1


def test_the_memo_is_bounded(monkeypatch):
    monkeypatch.setattr(robust_fit, "MEMO_SIZE", 2)
    for name in ("four points", "negative", "outlier"):
        robust_fit.huber_lines([arrays(name)], where="here")
    assert len(robust_fit._MEMO) == 2


def test_the_child_reads_json_series_and_writes_json_fits():
    import json

    payload = json.dumps([SERIES["four points"], SERIES["constant"]])
    done = subprocess.run(
        [sys.executable, "-m", "analysis.robust_fit"],
        input=payload,
        capture_output=True,
        text=True,
        check=True,
        cwd=robust_fit._ROOT,
    )
    assert [tuple(f) for f in json.loads(done.stdout)] == [
        reference(*SERIES["four points"]),
        reference(*SERIES["constant"]),
    ]
