"""Grade a class: ``python -m autograder grade FOLDER`` grades every submission in FOLDER.

Each entry of the folder (a ``.py`` or ``.ipynb`` file, or a subfolder holding
one) is one student, named after the entry. ``--jobs`` grader processes
(autograder.coursework.grade_worker) each grade one student at a time, exactly as
``python -m autograder grade ENTRY --format json`` would, each submission in a sandbox
process of its own; a grader that overruns a student's time is killed and replaced. The
grades land in OUT/STUDENT/ (``results.json`` as Gradescope reads it, ``results.txt`` for
people) and in one gradebook CSV for the class.

A run can be interrupted and started again: a student whose results are there and
whose grade's key (autograder.coursework.regrade: the submission's sha256, the kit's
version, the options that change a grade) is the run's is not graded again;
``--force`` and ``--student NAME`` grade again on demand. The gradebook, with the
roster, overrides, late policy and similarity hints on top, is
autograder.coursework.gradebook's.
"""

import argparse
import contextlib
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tqdm import tqdm

from autograder.coursework import gradebook, names, regrade, settings, similarity
from autograder.coursework.bad_input import BadInput
from autograder.coursework.statuses import GRADED, IMPORT_ERROR, Status, status_of
from autograder.files import MAX_SUBMISSION_BYTES, SubmissionFileError, private_folder, read_submission
from autograder.judge import reference, results_file, training_file
from autograder.judge.marks import section_points, total_points
from autograder.judge.report import dumps, plain_output, text_report, write_atomic
from autograder.judge.scores import Scores, TestResult
from autograder.judge.submissions import BLOCKED_ENV, Limits
from autograder.launch import walls
from autograder.sandbox import frames

SUFFIXES = names.SUFFIXES
PREFERRED = ("xor_net.py", "xor_net.ipynb")  # in a student's folder with several files
RESULTS, TEXT, FINGERPRINT, LOG = gradebook.RESULTS, "results.txt", ".sha256", "grader.log"
GRADEBOOK = gradebook.FILE
MAX_REPLY = 1 << 10  # a grader process's reply: its exit status


def configure(group: Any) -> None:
    """The options that only matter for a folder (``group`` is an argparse group)."""
    group.add_argument("--out", metavar="DIR",
                       help="where each student's grades go (default: PATH-grades beside PATH)")
    group.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                       help="how many submissions to grade at once (default: one per CPU)")
    group.add_argument("--student-timeout", type=float, metavar="SECONDS",
                       help="stop a grader that runs longer than this on one submission "
                            "(default: twice --total-timeout, plus two minutes)")
    group.add_argument("--force", action="store_true", help="grade every submission again")
    group.add_argument("--student", action="append", default=[], metavar="NAME",
                       help="grade this student again (repeat for several)")
    settings.configure(group)


@dataclass(frozen=True)
class Entry:
    """One student's submission: the file to grade, or why there is none."""

    student: str
    source: Path | None
    problem: str = ""

    def fingerprint(self) -> str:
        return hashlib.sha256(self.source.read_bytes()).hexdigest() if self.source else ""


def pick_file(folder: Path) -> Path | str:
    """The submission in a student's folder: xor_net.py / xor_net.ipynb, else the only
    .py or .ipynb in it (searched all the way down, names.walk's way); or why there is none."""
    for name in PREFERRED:
        if plain_file(folder / name):
            return folder / name
    found = [p for p in names.walk(folder) if p.suffix in SUFFIXES]
    if len(found) == 1:
        return found[0]
    if not found:
        return f"no .py or .ipynb file in the folder (searched {names.MAX_DEPTH} folders deep)"
    return f"{len(found)} .py/.ipynb files and none named xor_net: " + ", ".join(
        ascii(str(p.relative_to(folder)))[1:-1] for p in found[:5])


def plain_file(path: Path) -> bool:
    """A file, not a symbolic link: a link handed in could point at anything the grader reads."""
    return path.is_file() and not path.is_symlink()


SYMLINK = "a symbolic link, not a file: hand in the file itself"


def entry_of(path: Path) -> Entry | None:
    """The student one entry of the class folder stands for; None for what is no submission."""
    student = names.student_of(path.name)
    if path.is_symlink():
        return Entry(student, None, SYMLINK)
    picked: Path | str | None = None
    if path.is_dir():
        picked = pick_file(path)
    elif path.is_file() and path.suffix in SUFFIXES:
        picked = path
    if picked is None:
        return None
    if isinstance(picked, str):
        return Entry(student, None, picked)
    if (size := picked.stat().st_size) > MAX_SUBMISSION_BYTES:  # before any pass reads it
        return Entry(student, None, f"{picked.name} is {size / 2**20:.1f} MiB: a submission may be "
                                    f"{MAX_SUBMISSION_BYTES / 2**20:g} MiB at most")
    return Entry(student, picked)


def find_entries(folder: Path, skip: tuple[Path, ...] = ()) -> list[Entry]:
    """The students in ``folder``, by name (autograder.coursework.names' rule); hidden entries
    and ``skip`` left out. A name the rule refuses, or several entries that are one student
    once it applies, are one row that says why and grades nothing."""
    groups: dict[str, list[tuple[str, Entry]]] = {}
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.name == "__pycache__" or Path(os.path.realpath(path)) in skip:
            continue
        entry = entry_of(path)
        if entry is None:
            continue
        if why := names.problem(entry.student):  # shown escaped, renamed apart from the kit's files
            shown = ascii(entry.student)[1:-1]
            entry = Entry(shown if shown != entry.student else f"{shown} (renamed)", None,
                          f"{ascii(path.name)} {why}: rename it")
        groups.setdefault(names.key(entry.student), []).append((path.name, entry))
    found = []
    for group in groups.values():
        if len(group) == 1:
            found.append(group[0][1])
            continue
        spellings = " and ".join(ascii(name) for name, _ in group)
        found.append(Entry(group[0][1].student, None, f"{spellings} are the same student once the suffix, "
                           "case and Unicode form are ignored: hand in one"))
    return sorted(found, key=lambda e: names.key(e.student))


@dataclass(frozen=True)
class Ungraded:
    """Why a submission has no grade of its own; ``status``: results_file.TIMEOUT when the grader
    ran out of time, else GRADER_ERROR."""

    reason: str
    status: str = results_file.GRADER_ERROR


def scores_from_result(result: dict, submission: str) -> Scores:
    """The Scores behind a results.json, so that the text report is report.text_report's."""
    scores = Scores(submission=submission)
    for test in result.get("tests", []):
        fields = dict(results_file.extra_of(test))
        scores.results.append(TestResult(
            name=test["name"], exercise=results_file.exercise_of(test), points=float(test["max_score"]),
            hidden=test.get("visibility") == "after_published", passed=test["status"] == "passed",
            output=plain_output(test), failure=str(fields.pop("kind", "")),
            details={k: v for k, v in fields.items() if k != "exercise"}))
    if result.get("output"):
        scores.events.append(result["output"])
    scores.wall = wall_of(result)
    extra = result.get("extra_data")
    seed = extra.get("seed") if isinstance(extra, dict) else None
    scores.seed = seed if isinstance(seed, int) and not isinstance(seed, bool) else 0
    return scores


def wall_of(result: dict) -> str:
    extra = result.get("extra_data")
    return str(extra.get("wall", "")) if isinstance(extra, dict) else ""


def text_of(result: dict, submission: str) -> str:
    """results.txt: plain text, the report of a single file's grade (no HTML, no images)."""
    status = status_of(result, submission)
    if status.kind == IMPORT_ERROR:
        return (f"Grade for {submission}: 0 / {result.get('max_score', 0):g} (import-error)\n\n"
                f"Your file could not be imported, so none of the {len(result['tests'])} tests could run:\n"
                f"  {status.message}\nFix that line and every exercise is graded.\n")
    if not result.get("tests"):
        return f"Grade for {submission}: 0 / {result.get('max_score', 0):g}\n\n{result.get('output', '')}\n"
    return text_report(scores_from_result(result, submission), float(result.get("execution_time", 0)))


def max_points(exercise: str | None) -> float:
    """The points the graded suites offer (one exercise's with ``--exercise``)."""
    return section_points().get(exercise, 0.0) if exercise else total_points()


class Runner:
    """Runs the graders, each in its own process group, and can stop them all at once."""

    def __init__(self, out: Path, options: list[str], limit: float, max_score: float,
                 env: dict[str, str], key: tuple[str, dict[str, object]]) -> None:
        self.out, self.options, self.limit, self.max_score, self.env = out, options, limit, max_score, env
        self.kit, self.grade_options = key  # what a grade depends on besides the submission
        self.stopping = threading.Event()
        self._workers: set[Worker] = set()
        self._mine = threading.local()  # each thread of the pool has a worker of its own
        self._lock = threading.Lock()

    def key(self, entry: Entry) -> dict[str, object]:
        return regrade.key_of(entry.fingerprint(), self.kit, self.grade_options)

    def stale_because(self, entry: Entry) -> str | None:
        """Why ``entry`` must be graded (again); None when its grade is up to date."""
        if entry.source is None:
            return "nothing to grade"
        regrade.recover(self.out, entry.student)
        return regrade.stale_because(self.out / entry.student, self.key(entry))

    def grade(self, entry: Entry) -> Status | None:
        """Grade one student; its status, or None if the run was stopped meanwhile."""
        regrade.recover(self.out, entry.student)
        folder = regrade.staging(self.out, entry.student)  # the old grade stays until this one is whole
        started = time.monotonic()
        reason, source = Ungraded(entry.problem) if entry.problem else None, b""
        if reason is None:
            try:  # read once: the bytes hashed are the bytes graded, whatever happens to the file
                source = read_submission(entry.source)
            except SubmissionFileError as error:
                reason = Ungraded(str(error))
        fingerprint = hashlib.sha256(source).hexdigest() if entry.source else ""
        key = regrade.key_of(fingerprint, self.kit, self.grade_options)
        reason = reason or self._run_copy(entry, source, folder)
        if reason is None and self.stopping.is_set():
            shutil.rmtree(folder, ignore_errors=True)
            return None
        if reason is None:
            try:
                result = json.loads((folder / RESULTS).read_text())
            except (OSError, ValueError) as error:
                reason = Ungraded(f"the grader wrote no readable results ({type(error).__name__})")
        if reason is not None:
            result = results_file.not_graded(reason.reason, self.max_score, time.monotonic() - started,
                                             reason.status)
            write_atomic(folder / RESULTS, dumps(result))
        write_atomic(folder / TEXT, text_of(result, str(entry.source or self.out / entry.student)))
        write_atomic(folder / FINGERPRINT, fingerprint + "\n")
        regrade.write_key(folder, key)
        regrade.sign(folder)
        regrade.install(folder, self.out / entry.student)
        return status_of(result, entry.source)

    def _run_copy(self, entry: Entry, source: bytes, folder: Path) -> Ungraded | None:
        """Grade ``source`` from a private copy under the submission's own name."""
        assert entry.source is not None
        private = private_folder("xor-class-")
        try:
            copy = private / entry.source.name
            copy.write_bytes(source)
            return self._run(copy, folder)
        finally:
            shutil.rmtree(private, ignore_errors=True)

    def _run(self, source: Path, folder: Path) -> Ungraded | None:
        """Grade ``source`` in this thread's worker; None if it wrote a grade, else why not."""
        argv = [str(source), "--format", "json", "--output", str(folder / RESULTS),
                "--plot-data", str(folder / training_file.NAME), *self.options]  # no PNG: feedback draws
        with self._lock:
            if self.stopping.is_set():
                return None
            worker = getattr(self._mine, "worker", None)
            if worker is None or worker.graded >= Worker.STUDENTS:
                if worker is not None:
                    worker.close()
                    self._workers.discard(worker)
                try:
                    worker = self._mine.worker = Worker(self.env)
                except OSError as error:  # no process to be had (a classmate's flood): this one waits
                    self._mine.worker = None
                    return Ungraded(f"the grader could not start its process ({error.strerror or error}); "
                                    "grade the class again")
                self._workers.add(worker)
        try:
            code = worker.grade(argv, folder / LOG, self.limit)
        except (TimeoutError, EOFError) as error:
            with self._lock:
                self._workers.discard(worker)
                self._mine.worker = None
            code = worker.kill()
            if isinstance(error, TimeoutError):
                return Ungraded(f"the grader was stopped after {self.limit:g} s on this submission",
                                results_file.TIMEOUT)
        if self.stopping.is_set() or code == 0:
            return None
        lines = [line for line in (folder / LOG).read_text(errors="replace").splitlines() if line.strip()]
        last = lines[-1].strip().removeprefix("error: ") if lines else ""
        return Ungraded(f"the grader exited with status {code}" + (f" ({last[:300]})" if last else ""))

    def stop(self) -> None:
        """Stop every grading now (an interrupted run)."""
        with self._lock:
            self.stopping.set()
            workers = list(self._workers)
        for worker in workers:
            worker.kill()

    def close(self) -> None:
        """End the workers once the run is over."""
        with self._lock:
            workers, self._workers = list(self._workers), set()
        for worker in workers:
            worker.close()


class Worker:
    """A grader process (autograder.coursework.grade_worker) that grades the submissions one
    thread of the run hands it, one at a time, in its own process group."""

    STUDENTS = 100  # then a fresh one: whatever a grading leaves in memory stays bounded

    def __init__(self, env: dict[str, str]) -> None:
        replies, reply_end = os.pipe()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "autograder.coursework.grade_worker", str(reply_end)],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=[reply_end], env=env, start_new_session=True)
        os.close(reply_end)
        self._replies = replies
        self.graded = 0

    def grade(self, argv: list[str], log: Path, limit: float) -> int:
        """The exit status of ``grade ARGV`` (its output in ``log``); TimeoutError after ``limit``
        seconds; EOFError if the worker died."""
        log.write_bytes(b"")
        deadline = time.monotonic() + limit
        request = json.dumps({"argv": argv, "log": str(log)}).encode()
        assert self.process.stdin is not None
        try:
            frames.write_frame(self.process.stdin.fileno(), request, deadline)
            reply = frames.read_frame(self._replies, MAX_REPLY, deadline)
        except TimeoutError:  # an OSError too, but the worker is alive: past the student's time
            raise
        except (OSError, frames.FrameTooLarge):  # its end closed, or not the reply it owes
            raise EOFError from None
        self.graded += 1
        return int(json.loads(reply)["code"])

    def kill(self) -> int | None:
        """Stop it now, its sandbox with it; its exit status."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)  # its sandbox follows it (autograder.sandbox.child)
        code = self.process.wait()
        self._close_pipes()
        return code

    def close(self) -> None:
        """Let it finish (no more work: it exits), or stop it."""
        with contextlib.suppress(OSError):
            assert self.process.stdin is not None
            self.process.stdin.close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()
        self._close_pipes()

    def _close_pipes(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self._replies)
        with contextlib.suppress(OSError, ValueError):
            assert self.process.stdin is not None
            self.process.stdin.close()


def why_grade(entries: list[Entry], runner: Runner, force: bool, asked: list[str]) -> dict[str, str]:
    """The students this run grades, each with the reason (regrade.summary prints them)."""
    reasons = {}
    for entry in entries:
        why = runner.stale_because(entry)
        if entry.source is not None and (force or entry.student in asked):
            why = regrade.FORCED if force else regrade.ASKED
        if why:
            reasons[entry.student] = why
    return reasons


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def run(args: argparse.Namespace) -> int:
    from autograder.judge.grading import limit_options  # imports pytest: 0.15 s at every command's start

    folder = Path(args.path).resolve()
    out = Path(args.out).resolve() if args.out else folder.parent / f"{folder.name}-grades"
    book = Path(args.output) if args.output else out / GRADEBOOK
    entries = find_entries(folder, skip=(out,))
    if wrong := refusal_of(args, folder, book, entries):
        print(f"error: {wrong}", file=sys.stderr)
        return 2
    course = settings.merge(settings.load(out), args)
    course.folder, course.students = str(folder), {e.student: str(e.source or "") for e in entries}
    try:
        gradebook.check(course)  # a bad roster, overrides file or policy stops the run before it grades
    except BadInput as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.require_isolation is None:  # a class's work is untrusted: walls by default
        args.require_isolation = True
    if refusal := walls.refusal(args.require_isolation, args.unsafe_without_walls, reference.available()):
        print(f"error: {refusal}", file=sys.stderr)
        return 3
    total = args.total_timeout or Limits.total_seconds
    limit = args.student_timeout or 2 * total + 120
    options = [*(("--exercise", args.exercise) if args.exercise else ()), *limit_options(args)]
    env = dict(os.environ)  # no submission may read its classmates' work or grades
    env[BLOCKED_ENV] = os.pathsep.join(p for p in (env.get(BLOCKED_ENV), str(folder), str(out)) if p)
    runner = Runner(out, options, limit, max_points(args.exercise), env,
                    (regrade.kit_version(), regrade.grade_options(args)))
    reasons = why_grade(entries, runner, args.force, args.student)
    pending = [e for e in entries if e.student in reasons]
    print(f"grading {len(pending)} of {len(entries)} submissions in {folder} "
          f"({len(entries) - len(pending)} unchanged since the last run), {args.jobs} at a time\n  "
          + regrade.summary(reasons, [e.student for e in entries if e.student not in reasons]),
          file=sys.stderr)
    course.finished = False  # until every grade is in (export says so of a student never graded)
    settings.save(out, course)
    if not grade_all(runner, pending, len(entries), args.jobs):
        gradebook.write(book, *gradebook.build(out, course))  # each row old or new, its graded_at says
        print(f"interrupted: run the same command again to grade the rest (grades so far in {out})",
              file=sys.stderr)
        return 130
    course.max_score = runner.max_score
    finish(out, book, course, entries)
    return 0


def grade_all(runner: "Runner", pending: list[Entry], total: int, jobs: int) -> bool:
    """Grade ``pending``, ``jobs`` at a time, with a progress bar; False when interrupted
    (Ctrl-C or SIGTERM), every grader stopped and each student's grade old or new, whole."""
    previous = signal.signal(signal.SIGTERM, _interrupt)
    pool = ThreadPoolExecutor(max_workers=jobs)
    bar = tqdm(total=total, initial=total - len(pending), unit="student", desc="grading", file=sys.stderr)
    try:
        futures = {pool.submit(runner.grade, entry): entry for entry in pending}
        for future in as_completed(futures):
            status = future.result()
            bar.update()
            if status and status.kind != GRADED:
                bar.write(f"{futures[future].student}: {status}", file=sys.stderr)
    except KeyboardInterrupt:
        for number in (signal.SIGINT, signal.SIGTERM):  # a second Ctrl-C: nothing more to stop
            signal.signal(number, signal.SIG_IGN)
        runner.stop()
        pool.shutdown(wait=True, cancel_futures=True)
        bar.close()
        return False
    finally:
        if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:  # interrupted: ignored until the exit
            signal.signal(signal.SIGTERM, previous)
            signal.signal(signal.SIGINT, signal.default_int_handler)
    pool.shutdown()
    runner.close()
    bar.close()
    return True


def refusal_of(args: argparse.Namespace, folder: Path, book: Path, entries: list[Entry]) -> str | None:
    """Why ``grade FOLDER`` cannot start, in one line, or None (``args.student`` put in the
    spelling of the folder's names)."""
    if not entries:
        return f"no submissions in {folder} (.py or .ipynb files, or folders of them)"
    if args.jobs < 1:
        return "--jobs must be at least 1"
    graded = {names.key(e.student): e.student for e in entries if e.source is not None}
    if unknown := [name for name in args.student if names.key(name) not in graded]:
        return f"--student {unknown[0]}: no submission of that name in {folder}"
    args.student = [graded[names.key(name)] for name in args.student]
    if book.is_dir():  # an older kit made one for a file handed in as gradebook.csv.py
        return f"{book} is a folder, not the gradebook: remove it (or pass --output FILE)"
    return None


def finish(out: Path, book: Path, course: Any, entries: list[Entry]) -> None:
    """After every grade is in: the similarity hints, the course's record, the gradebook."""
    try:  # hints only: whatever a file holds, the gradebook is written
        pairs = similarity.find_pairs({e.student: e.source for e in entries if e.source is not None})
    except Exception as error:
        print(f"similarity hints skipped: {type(error).__name__}: {str(error)[:200]}", file=sys.stderr)
        pairs = []
    similarity.write_pairs(out / similarity.FILE, pairs)
    course.finished = True
    settings.save(out, course)
    rows, roster = gradebook.build(out, course)
    gradebook.write(book, rows, roster)
    print(f"wrote {book}: {gradebook.counts(rows)}, one folder per student in {out}")
