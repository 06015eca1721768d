"""``tomllib`` on Python 3.11 and newer; on 3.10, the same parser from PyPI (``tomli``, in the test extra)."""

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

__all__ = ["tomllib"]
