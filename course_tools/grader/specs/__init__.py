"""Grading specs, one module per exercise, named by the exercise id (see ../FORMAT.md)."""
