"""What the graded checks talk to: a submission, behind one interface with three back ends.

``SandboxSubmission`` (the grader's): the submission runs in another process
behind ``autograder.launch.door``; only plain data comes back.
``InProcessSubmission`` (a notebook's, where nbgrader keeps the trust):
the functions run here. ``ReferenceSubmission``: the reference, answered from
its answer book when it can be. The checks call ``Submission.run`` and cannot
tell which one they have.
"""

import contextlib
import os
import sys
import threading
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

# JAX is imported where it is used: `import jax` costs about 1.5 s (1.6-1.8 s against 0.3 s for
# this module, measured), which the commands that never grade (export, feedback, --help) skip.
from autograder import CALLS, KIT_ROOT, PACKAGE_DIR, XLA_CACHE_DIR
from autograder.files import SANDBOX_ROOT, read_submission
from autograder.judge import library_programs, reference
from autograder.judge.answers import (
    ANSWERS_DIR,
    AnswerBook,
    AnswersAhead,
    AskedPrograms,
    answers_file,
    asked_file,
)
from autograder.judge.described import describe
from autograder.judge.seeds import SECRET_DIR
from autograder.launch import spare, walls
from autograder.launch.door import Limits, Recipe, SandboxProcess, SubmissionError
from autograder.sandbox import wire
from autograder.sandbox.calls import Call, perform, report_error

__all__ = ["BLOCKED_ENV", "InProcessSubmission", "Limits", "ReferenceSubmission", "SandboxSubmission",
           "Submission", "SubmissionError", "use_compilation_cache"]


class Submission:
    """What the graded checks talk to."""

    name = "submission"

    def call(self, call: Call) -> Any:
        raise NotImplementedError

    def run(self, function: str, *args: Any, transforms: tuple[str, ...] = (), in_axes: Any = 0,
            with_reference: tuple[str, ...] | None = None, echo_args: bool = False,
            **kwargs: Any) -> Any:
        """``function(*args, **kwargs)``, transformed; the functions it calls are the
        reference's unless ``with_reference`` says otherwise."""
        if with_reference is None:  # a student's release has no reference to lend: its own then
            with_reference = CALLS.get(function, ()) if reference.available() else ()
        return self.call(Call(function, tuple(args), dict(kwargs), tuple(transforms), in_axes,
                              tuple(with_reference), echo_args))

    def printed(self) -> str:
        """What the submission printed so far (capped)."""
        return ""

    def close(self) -> None:
        pass


class InProcessSubmission(Submission):
    """Functions from a namespace in this process; results still go through the wire
    so that both back ends hand the checks the same kinds of values."""

    def __init__(self, namespace: Mapping[str, Any], source_file: str | None = None,
                 name: str = "submission") -> None:
        import jax  # lazy: JAX costs ~1.5 s to import (see the note at the top)

        self.namespace = namespace
        self.source_file = source_file
        self.name = name
        self._jax = jax

    def call(self, call: Call) -> Any:
        references = vars(reference.load()) if call.with_reference else {}
        try:
            value = perform(call, self.namespace, references, self._jax)  # type: ignore[arg-type]
        except Exception as error:
            raise SubmissionError(call, "raised", report_error(error, self.source_file)) from None
        return wire.decode(wire.encode(value))


class ReferenceSubmission(Submission):
    """The reference solution; answers come from the answer book when it has them, else from
    those computed ahead (``ahead``), else are computed when asked."""

    name = "reference"

    def __init__(self, book: AnswerBook | None = None, live: bool | None = None,
                 asked: Path | None = None) -> None:
        """``live``: compute what the book lacks (default: when this kit has the reference);
        ``asked``: the file of the programs worth computing ahead (default: ``asked_file()``)."""
        self.book = book if book is not None else AnswerBook(answers_file())
        self.live = reference.available() if live is None else live
        self._module: InProcessSubmission | None = None
        self._loading = threading.Lock()  # the answers thread and the tests may load it at once
        self._ahead = AnswersAhead(self._compute)
        self._asked = AskedPrograms((asked or asked_file()) if self.live else None)
        self.answered = {"book": 0, "ahead": 0, "asked": 0}  # where each answer came from

    def ahead(self, call: Call) -> None:
        """Start computing, in the judge's answers thread, the answer a test will ask for when a
        sandbox is sent ``call``: the same call, run by the reference's own functions and
        without ``jax.jit``, which changes no value (the tests compare with the plain call);
        only for a program the tests asked the reference for in earlier gradings."""
        call = replace(call, with_reference=(), transforms=tuple(t for t in call.transforms if t != "jit"))
        if self.live and self._asked.knows(call) and self.book.get(call) is None:
            self._ahead.start(call)

    def call(self, call: Call) -> Any:
        call = replace(call, with_reference=())
        known = self.book.get(call)
        if known is not None:
            self.answered["book"] += 1
            return known[0]
        if not self.live:
            raise LookupError(f"no recorded reference answer for {describe(call)}")
        self._asked.add(call)
        computed = self._ahead.take(call)
        self.answered["ahead" if computed is not None else "asked"] += 1
        value = computed[0] if computed is not None else self._compute(call)
        self.book.put(call, value)
        return value

    def _compute(self, call: Call) -> Any:
        with self._loading:
            if self._module is None:
                use_compilation_cache()
                module = reference.load()
                self._module = InProcessSubmission(vars(module), module.__file__, name="reference")
        return self._module.call(call)

    def end_grading(self) -> None:
        """Drop the answers computed ahead that no test asked for (one grading's calls)."""
        self._ahead.close()
        self._ahead = AnswersAhead(self._compute)
        self._asked.save()

    def close(self) -> None:
        self.end_grading()
        self.book.save()


SLOW_TRAIN_SECONDS = 10.0  # the reference's train takes about 1 s in all for the same calls


def use_compilation_cache() -> None:
    """Read and write compiled programs in XLA_CACHE_DIR: the judge's own, out of every
    sandbox's reach (a sandbox reads JAX's library programs only: ``child.read_library_programs``)."""
    import jax  # lazy: JAX costs ~1.5 s to import (see the note at the top)

    with contextlib.suppress(OSError):
        XLA_CACHE_DIR.mkdir(parents=True, exist_ok=True)
    if not XLA_CACHE_DIR.is_dir():
        return
    jax.config.update("jax_compilation_cache_dir", str(XLA_CACHE_DIR))
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", -1)
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)


# More paths a submission may not read, separated by os.pathsep: ``grade FOLDER`` names the
# class's folder and its grades here, so that no student reads another's work.
BLOCKED_ENV = "XOR_KIT_BLOCKED"


def _reach(submission: Path | None, home: Path, library: Path | None = None) -> dict[str, list[str]]:
    """What a submission may read (autograder.sandbox.child.Guard). ``blocked``: never (the package,
    the reference and its answers, the kit's tests, this judge's /proc entry). ``private``:
    not, except what is ``allowed`` (its own folder, Python, JAX's library programs): the
    whole kit (its benchmarks and docs hold working code too), the other sandboxes, the
    folder it was handed in from and, in ``grade FOLDER``, the class's work and grades. A
    folder inside the kit or SANDBOX_ROOT is private already and not named again, so that a
    spare's reach, made before its submission is known (``submission`` None), is the same as
    a class's copies', which lie in SANDBOX_ROOT."""
    names = ["solutions", "tests", "source", "notebooks", ".git", "release"]
    extra = [Path(p) for p in os.environ.get(BLOCKED_ENV, "").split(os.pathsep) if p]
    given = [f.resolve() for f in (*([submission.resolve().parent] if submission else []), *extra)]
    roots = [KIT_ROOT, SANDBOX_ROOT.resolve()]
    private = [*roots, *(f for f in given if not home.resolve().is_relative_to(f)
                         and not any(f.is_relative_to(root) for root in roots))]
    allowed = [home, Path(sys.prefix), Path(sys.base_prefix), *([library] if library else [])]
    return {
        "blocked": [*map(str, (PACKAGE_DIR, ANSWERS_DIR, XLA_CACHE_DIR, SECRET_DIR)),
                    f"/proc/{os.getpid()}", *(str(KIT_ROOT / n) for n in names)],
        "private": [str(f) for f in private],  # a folder holding the home (say "/") is not given
        "allowed": [str(p.resolve()) for p in allowed],
    }


def hidden_paths() -> list[Path]:
    """What of the kit a sandbox must not see even where the interpreter's folders hold it:
    all but the sandbox room, which is bound in apart. A checkout (a kit cloned into a
    virtual environment's folder, say) is hidden whole, but for a folder that holds the
    interpreter: its tests, .git and benchmarks hold the reference too. An installed kit's
    parent is site-packages, of which only the package is the kit's."""
    kit = [PACKAGE_DIR, KIT_ROOT / "solutions", ANSWERS_DIR, XLA_CACHE_DIR, SECRET_DIR]
    if (KIT_ROOT / "pyproject.toml").is_file():
        prefixes = [Path(p).resolve() for p in (sys.prefix, sys.base_prefix)]
        kit += [entry for entry in sorted(KIT_ROOT.iterdir())
                if not any(prefix.is_relative_to(entry.resolve()) for prefix in prefixes)]
    return list(dict.fromkeys(kit))


class SandboxSubmission(Submission):
    """A submission file graded in a sandbox process; the reference functions a call puts in
    place are stand-ins that the judge answers for (autograder.sandbox.lent)."""

    alongside: ReferenceSubmission | None = None  # the grading's reference, told of every call

    def __init__(self, path: Path, limits: Limits | None = None, require_isolation: bool = False,
                 source: bytes | None = None, unsafe: bool = False) -> None:
        """``source``: the file's bytes, read by the caller (autograder.files.read_submission).
        In a class's grader process, the spare sandbox started during the last grading is
        taken if it was made as this one would be; this one's walls up, the next one starts
        (autograder.launch.spare)."""
        self.path = Path(path)
        self.name = self.path.name
        self.limits = limits or Limits()
        self.train_seconds = 0.0  # the sandbox's time in calls of train (slow_train_note)
        library = library_programs.ready()
        guarded = reference.available()
        wall = walls.available()  # checked by SandboxProcess: a spare made with an equal recipe passed
        recipe = Recipe(self.limits, tuple(hidden_paths()), wall, require_isolation, unsafe, guarded, library)
        reach, lender = (lambda home: _reach(self.path, home, library)), reference.Lender()
        source = read_submission(self.path) if source is None else source
        self.process = spare.take(recipe, self.path, source, reach, lender) or SandboxProcess(
            self.path, self.limits, reach, recipe.hidden, wall, require_isolation, lender, source, library,
            unsafe, guarded)
        self.process.then = lambda: spare.prepare(recipe, lambda home: _reach(None, home, library))

    @property
    def wall(self) -> str:
        return self.process.wall

    @property
    def events(self) -> list[str]:
        return self.process.events

    @property
    def import_error(self) -> SubmissionError | None:
        return self.process.import_error

    @property
    def spent(self) -> float:
        return self.process.spent

    def call(self, call: Call) -> Any:
        if call.with_reference:
            self.process.start()
            missing = tuple(n for n in call.with_reference if n not in self.process.revealed)
            if missing:
                self.process.lend(reference.signatures(missing), call)
        if self.alongside is not None:  # its answer to this call, computed while the child works
            self.alongside.ahead(call)
        spent = self.process.spent
        try:
            return self.process.call(call, describe(call))
        finally:
            if call.function == "train" and self.process.import_error is None:
                self.train_seconds += self.process.spent - spent

    def slow_train_note(self) -> str | None:
        """A note for the report when the student's train took long in all (a Python loop,
        or no jax.jit): it costs no points, but it is the one place where speed shows."""
        if self.train_seconds < SLOW_TRAIN_SECONDS:
            return None
        return (f"your train took {self.train_seconds:.0f} s in all while being graded; a train "
                "compiled with jax.jit (a lax.scan over the epochs and the rows) does the same work "
                "in about a second. Slowness costs no points, within the time limits "
                "(docs/student-guide.md, section 4).")

    def printed(self) -> str:
        return self.process.printed()

    def close(self) -> None:
        self.process.close()
