"""What runs inside the walls: the sandbox child and what it shares with the judge.

``child`` is the process that imports a submission, the only place its code runs;
``calls`` carries out one call; ``lent`` holds the reference's stand-ins; ``protocol``
and ``wire`` are the messages and values that cross to the judge; ``confine`` is the
wall the child raises around itself where namespaces cannot start. This folder is all of
the kit a sandbox sees: it imports only the standard library, NumPy, JAX and its own
modules, never another room (``autograder.launch`` builds the walls from outside).
"""
