"""The error helpers every public function relies on."""

import numpy as np
import pytest

from course_lib.validation import (
    CourseError,
    NonFiniteError,
    ShapeError,
    UnknownNameError,
    as_array,
    check_same_shape,
    lookup,
)


def test_lookup_lists_valid_names():
    with pytest.raises(UnknownNameError) as info:
        lookup("c", {"a": 1, "b": 2}, "colour")
    assert str(info.value) == "unknown colour 'c'; valid colour names are: 'a', 'b'"
    assert lookup("a", {"a": 1}, "colour") == 1


def test_lookup_is_also_a_key_error():
    with pytest.raises(KeyError):
        lookup("x", {}, "thing")


def test_as_array_shapes():
    assert as_array([[1, 2]], "A", shape=(None, 2)).shape == (1, 2)
    with pytest.raises(ShapeError, match=r"A has shape \(1, 3\), expected \(any, 2\)"):
        as_array([[1, 2, 3]], "A", shape=(None, 2))
    with pytest.raises(ShapeError, match="must have 2 dimension"):
        as_array([1, 2], "A", ndim=2)


def test_as_array_finite_and_numbers():
    with pytest.raises(NonFiniteError, match=r"first at index \(1,\)"):
        as_array([1.0, np.inf], "v")
    assert np.isnan(as_array([np.nan], "v", finite=False)[0])
    with pytest.raises(CourseError, match="array of numbers"):
        as_array(["a", {}], "v", dtype=float)


def test_check_same_shape_names_both():
    with pytest.raises(ShapeError, match=r"p has shape \(2,\) but q has shape \(3,\)"):
        check_same_shape(np.zeros(2), np.zeros(3), "p", "q")


def test_whole_and_real_numbers():
    from course_lib.validation import real_number, whole_number

    assert whole_number(3, "n") == 3 and isinstance(whole_number(np.int64(3), "n"), int)
    for bad in (True, 2.0, -1, "3"):
        with pytest.raises(CourseError, match=r"n must be a whole number >= 0"):
            whole_number(bad, "n")
    assert real_number(np.float32(0.5), "eta", positive=True) == 0.5
    for bad in (0.0, -1, float("nan"), float("inf"), "0.1", True, None):
        with pytest.raises(CourseError, match="eta must be a positive number"):
            real_number(bad, "eta", positive=True)
    with pytest.raises(CourseError, match="x must be a finite number"):
        real_number(float("nan"), "x")
