"""The untrusted side and the one narrow door to it.

``door`` starts the child process and talks to it; ``child`` is that process, the only
place a submission's code runs; ``calls`` and ``wire`` are what crosses between them.
Imports only the standard library, NumPy, JAX and its own modules: never the judge.
"""
