"""The course's autograder: ``course-grade`` (see FORMAT.md in this folder).

- ``spec``: the API grading specs are written in (parts, checks, probes)
- ``source``: an exercise source's cells and its student version
- ``catalog``: find an exercise's source and spec by id, and check they agree
- ``reference``: the solution's values, computed in the grader's process
- ``kernel``: a learner's kernel with time and memory limits
- ``transport``: plain values between the kernel and the grader (JSON + base64)
- ``grade``: grade one notebook; ``report``: results.json, tables, CSV; ``cli``: the command
"""
