"""The judge's side of the wall: which wall this machine builds, and the door through it.

``walls`` chooses the wall (bubblewrap's namespaces, or Landlock and seccomp, or none) and
builds its command line; ``door`` starts a sandbox child behind it, under limits, and
talks to it in the typed messages of ``autograder.sandbox.protocol``. Trusted code: it runs
in the judge, never in a sandbox.
"""
