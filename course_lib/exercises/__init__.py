"""Self-checks for the graded exercises: a failed check says what was expected, what came back, and why.

Used in the exercise notebooks' check cells, and by the autograder to explain a
failed test in the same words.
"""

from .checks import (
    CheckFailure,
    check_close,
    check_gradient,
    check_shape,
    check_training_steps,
    check_true,
    explain_mismatch,
)

__all__ = [
    "CheckFailure",
    "check_close",
    "check_gradient",
    "check_shape",
    "check_training_steps",
    "check_true",
    "explain_mismatch",
]
