"""Helpers that serve single lessons, kept out of the reading path.

- ``big_numbers``: exact counts and durations of exhaustive search (lesson 03)
- ``descent``: the few-weight gradient-descent loop of lesson 03's race and widget
- ``search_race``: lesson 03's least-squares race, random search against descent
- ``mazur_example``: lesson 05's 2-2-2 network (after Matt Mazur's worked example)
- ``mnist_files``: MNIST's IDX file format, and loading MNIST's four files (lesson 10)
- ``catalog``: which lessons exist and which exercise belongs to each
- ``environment_check``: the first lesson's check of installed packages
"""
