"""A grader process that grades one submission after another, for ``grade FOLDER``.

Started by the class runner (autograder.coursework.class_folder), one per job. Each
submission is graded exactly as ``python -m autograder grade FILE --format json --output
...`` grades it (the same options and function: autograder.coursework.grade_command), each
in a sandbox process of its own; what the worker saves is starting Python, JAX and pytest,
and compiling the reference's programs, once per student. The judge never runs a
submission's code (what a sandbox sends back is plain data), so one grading cannot reach the
next; the runner kills a worker that overruns a student's time limit and starts another for
the next student. While one student is graded, the worker starts the next one's sandbox, walled
and with JAX imported but holding no submission (autograder.launch.spare).

Protocol: one frame (autograder.sandbox.frames) per submission on stdin, the JSON
``{"argv": [...], "log": PATH}`` (``grade``'s arguments); the grading's output goes to the file
LOG; once the report is written, a frame ``{"code": N}`` (the exit status ``grade`` would have
had) on the descriptor given as the only argument.
"""

import argparse
import json
import os
import sys
import traceback

from autograder.coursework import grade_command
from autograder.launch import spare
from autograder.sandbox import frames

MAX_REQUEST = 1 << 20  # a grading's arguments: a few paths and options


def grade(argv: list[str], log_path: str) -> int:
    """``python -m autograder grade ARGV`` in this process, its output (the file descriptors 1
    and 2, which the sandbox's and pytest's output use too) appended to ``log_path``."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o644)
    try:
        os.dup2(log, 1)
        os.dup2(log, 2)
        try:
            parser = argparse.ArgumentParser(prog="python -m autograder grade")
            grade_command.configure(parser)
            return grade_command.run(parser.parse_args(argv))
        except SystemExit as exit:  # argparse's way of refusing a command line
            return exit.code if isinstance(exit.code, int) else 1
        except Exception:
            traceback.print_exc()
            return 1  # what an uncaught exception makes a Python process exit with
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for descriptor in (*saved, log):
            os.close(descriptor)


def main(reply_descriptor: int) -> int:
    requests = sys.stdin.fileno()
    spare.keep_spares()  # the next student's sandbox starts while one grades (autograder.launch.spare)
    try:
        while True:
            try:
                request = json.loads(frames.read_frame(requests, MAX_REQUEST))
            except EOFError:  # the runner has no more work
                return 0
            code = grade([str(a) for a in request["argv"]], str(request["log"]))
            frames.write_frame(reply_descriptor, json.dumps({"code": code}).encode())
    finally:
        spare.discard()  # killed with the worker, it would end too: its child dies with its judge
        os.close(reply_descriptor)


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1])))
