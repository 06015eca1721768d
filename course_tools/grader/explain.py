"""The mismatch explainer the grader's messages use (it lives with the exercises' self-checks in course_lib)."""
try:
    from course_lib.exercises.checks import CheckFailure, explain_mismatch, kind, show
except ImportError:  # before the library's restructure
    from course_lib.checks import CheckFailure, explain_mismatch, kind, show

__all__ = ["CheckFailure", "explain_mismatch", "kind", "show"]
