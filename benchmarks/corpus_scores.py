"""Every file of tests/corpus/mistakes and tests/corpus/correct graded as one class; each
file's total and points by exercise, as JSON. Not a test: a record to compare before and
after a change to the corpus or the grader.

    .venv/bin/python benchmarks/corpus_scores.py before.json
    .venv/bin/python benchmarks/corpus_scores.py after.json --compare before.json

The files are graded as the tests grade them, as whole modules (tests/corpus_files.py assembles
them from the reference), with ``grade FOLDER --jobs 2``.
"""

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

KIT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(KIT / "tests"))
from corpus_files import ASSEMBLED, write_corpus  # noqa: E402  (the corpus files as whole modules)


def write_class(folder: Path) -> list[str]:
    """The corpora's files, whole, in ``folder``; their names."""
    return [whole.name for kind in ASSEMBLED for whole in write_corpus(kind, folder).values()]


def scores(grades: Path) -> dict[str, dict]:
    """``{file: {"total": points, "exercises": {exercise: points}}}`` from a class's results."""
    table = {}
    for results in sorted(grades.glob("*/results.json")):
        result = json.loads(results.read_text())
        exercises: dict[str, float] = {}
        for test in result["tests"]:
            section = test["name"].split(":")[0]
            exercises[section] = exercises.get(section, 0.0) + test["score"]
        table[f"{results.parent.name}.py"] = {"total": result["score"], "exercises": exercises}
    return table


def grade_corpora(jobs: int) -> dict[str, dict]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "class"
        folder.mkdir()
        names = write_class(folder)
        done = subprocess.run([sys.executable, "-m", "autograder", "grade", str(folder), "--jobs", str(jobs),
                               "--out", str(Path(tmp) / "grades")], cwd=KIT, capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"grading failed:\n{done.stderr[-3000:]}")
        table = scores(Path(tmp) / "grades")
    missing = sorted(set(names) - set(table))
    if missing:
        sys.exit(f"no results for {missing}")
    return table


def compare(now: dict[str, dict], before: dict[str, dict]) -> int:
    """Print the files whose scores differ; how many do."""
    differ = sorted(name for name in set(now) | set(before) if now.get(name) != before.get(name))
    for name in differ:
        print(f"{name}: before {before.get(name)}, now {now.get(name)}")
    print(f"{len(set(now) & set(before)) - len([n for n in differ if n in now and n in before])} files "
          f"score the same, {len(differ)} differ or are in one record only")
    return len(differ)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path, help="the JSON file to write")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--compare", type=Path, help="an earlier record: print the files that differ")
    args = parser.parse_args()
    table = grade_corpora(args.jobs)
    args.output.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n")
    print(f"{len(table)} files graded: {args.output}")
    if args.compare and compare(table, json.loads(args.compare.read_text())):
        sys.exit(1)


if __name__ == "__main__":
    main()
