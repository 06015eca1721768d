"""What a learner sees from the exercises' checks: the message alone, and one-line check cells."""

import sys

import numpy as np
import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

from course_lib.exercises import CheckFailure, check_close, check_training_steps


def test_a_failed_check_shows_its_message_without_a_traceback():
    main = sys.modules["__main__"]  # IPython puts its own __main__ there; multiprocessing in later tests needs ours
    try:
        shell = InteractiveShell.instance()
        with capture_output() as captured:
            shell.run_cell(
                "from course_lib.exercises import check_close\n"
                "check_close('mean_squared_error(y, t)', 0.5, 0.25, hint='divide by n')"
            )
    finally:
        sys.modules["__main__"] = main
    shown = captured.stdout + captured.stderr
    assert "mean_squared_error(y, t) is not right yet." in shown
    assert "hint:     divide by n" in shown
    assert "checks.py" not in shown and "Traceback" not in shown, shown


def test_render_traceback_is_the_message_lines():
    failure = CheckFailure("f(x)", "wrong sign", expected="1", got="-1", hint="flip it")
    assert failure._render_traceback_() == str(failure).splitlines()
    assert failure._render_traceback_()[0] == "f(x) is not right yet."


def _sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))


def signal_step(x, t, W1, b1, W2, b2, rate):
    h = _sigmoid(W1 @ x + b1)
    y = _sigmoid(W2 @ h + b2)
    s_out = (t - y) * y * (1 - y)
    s_hid = (W2.T @ s_out) * h * (1 - h)
    return W1 + rate * np.outer(s_hid, x), b1 + rate * s_hid, W2 + rate * np.outer(s_out, h), b2 + rate * s_out


def delta_step(x, t, W1, b1, W2, b2, rate):
    W1n, b1n, W2n, b2n = signal_step(x, t, W1, b1, W2, b2, rate)
    return W1n, b1n, W2n, b2n


EXAMPLE = (
    np.array([0.05, 0.1]),
    np.array([0.9, 0.1]),
    np.array([[0.15, 0.2], [0.25, 0.3]]),
    np.array([0.35, 0.35]),
    np.array([[0.4, 0.45], [0.5, 0.55]]),
    np.array([0.6, 0.6]),
    0.5,
)


def test_training_steps_check_passes_correct_steps(capsys):
    check_training_steps(signal_step, delta_step, *EXAMPLE)
    assert capsys.readouterr().out.startswith("passed: signal_step and delta_step")


def test_training_steps_check_names_the_wrong_step_and_hints():
    def delta_step(x, t, W1, b1, W2, b2, rate):  # adds where it must subtract
        W1n, b1n, W2n, b2n = signal_step(x, t, W1, b1, W2, b2, -rate)
        return W1n, b1n, W2n, b2n

    with pytest.raises(CheckFailure) as failure:
        check_training_steps(signal_step, delta_step, *EXAMPLE)
    assert "delta_step(...) W1_new against numerical gradients" in str(failure.value)
    assert "SUBTRACT rate * delta * input" in str(failure.value)


def test_training_steps_check_catches_in_place_updates_and_wrong_returns():
    def in_place(x, t, W1, b1, W2, b2, rate):
        new = signal_step(x, t, W1, b1, W2, b2, rate)
        W1 += 0.0 * W1  # touches the caller's array
        b1[:] = new[1]
        return new

    with pytest.raises(CheckFailure, match="must not change|numerical gradients"):
        check_training_steps(in_place, delta_step, *EXAMPLE)
    with pytest.raises(CheckFailure, match="expected 4 arrays"):
        check_training_steps(lambda *args: signal_step(*args)[:3], delta_step, *EXAMPLE)


def test_check_close_still_prints_passed(capsys):
    check_close("x", 1.0, 1.0)
    assert capsys.readouterr().out == "passed: x\n"


def test_unsolved_stubs_name_their_part_and_function():
    import json
    from pathlib import Path

    from course_tools.exercises import with_stub_messages

    code = "def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()\n\n\ndef g():\n    raise NotImplementedError()"
    done = with_stub_messages(code, "Part 2")
    assert "raise NotImplementedError('Part 2: f() is still to write." in done
    assert "raise NotImplementedError('Part 2: g() is still to write." in done
    namespace = {}
    exec(done, namespace)
    with pytest.raises(NotImplementedError, match=r"Part 2: f\(\) is still to write\. Replace this line"):
        namespace["f"](1)
    # Every released exercise's stubs say which part they belong to.
    root = Path(__file__).resolve().parents[2]
    for path in sorted((root / "exercises").glob("ex*.ipynb")):
        code = "".join("".join(c["source"]) for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code")
        assert "raise NotImplementedError()" not in code, f"{path.name}: a stub without a message"
