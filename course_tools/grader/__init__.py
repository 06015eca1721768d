"""The course's autograder: ``course-grade`` (see FORMAT.md in this folder). One job per module:

- ``spec``: the API grading specs are written in (parts, checks, probes)
- ``source``: the notebook format: an exercise's cells, its student version, reading submissions
- ``catalog``: find an exercise's notebook and spec by id, check they agree, one cache, batch fingerprint
- ``reference``: the solution's values, computed in the grader's process
- ``sandbox``: the isolation layers a kernel gets (limits, uid, namespaces), detected at start
- ``routes``: what each kind of work is, and the library code that does it (one list for grader and instructions)
- ``staging``: the copy of course_lib a kernel imports, with the code doing the exercise's work taken out
- ``kernel``: a learner's kernel in the sandbox, and the runner that restarts and replays it
- ``transport``: plain values between the kernel and the grader (JSON + base64) and the probe cells
- ``grade``: judge and orchestrate one notebook; ``report``: results.json, tables, CSV
- ``cli``: the command; ``gradescope``: the autograder zip and its entry point
"""
