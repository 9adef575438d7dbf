"""Every file of tests/corpus/mistakes and tests/corpus/correct graded as one class; each
file's total and points by exercise, as JSON. Not a test: a record to compare before and
after a change to the corpus or the grader.

    .venv/bin/python benchmarks/corpus_scores.py before.json
    .venv/bin/python benchmarks/corpus_scores.py after.json --compare before.json
    .venv/bin/python benchmarks/corpus_scores.py old.json --rev HEAD~1 --seed 7   # another commit's corpus

The files are graded as the tests grade them, as whole modules (tests/corpus_files.py assembles
them from the reference), with ``grade FOLDER --jobs 2``, by this checkout's grader. A grading
draws its inputs from a seed derived from the file's bytes (and this checkout's secret): a file
rewritten with the same code may score otherwise on a test that depends on its inputs. --seed
grades every file with one seed, to compare what two versions of the corpus compute.
"""

import argparse
import importlib.util
import json
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

KIT = Path(__file__).resolve().parent.parent
KINDS = ("mistakes", "correct")


def write_class(folder: Path, tree: Path) -> list[str]:
    """The corpora's files of the kit at ``tree``, whole, in ``folder``; their names. Assembled
    by that tree's tests/corpus_files.py; a tree without one stores every file whole."""
    assembler = tree / "tests" / "corpus_files.py"
    if not assembler.is_file():
        paths = sorted(p for kind in KINDS for p in (tree / "tests" / "corpus" / kind).glob("*.py"))
        for path in paths:
            (folder / path.name).write_text(path.read_text())
        return [p.name for p in paths]
    spec = importlib.util.spec_from_file_location(f"corpus_files_{abs(hash(tree))}", assembler)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [whole.name for kind in KINDS for whole in module.write_corpus(kind, folder).values()]


def checkout(rev: str, folder: Path) -> Path:
    """The corpus, its assembler and the reference as they are at commit ``rev``, in ``folder``."""
    paths = ["tests/corpus", "solutions/xor_net.py"]
    listed = subprocess.run(["git", "-C", str(KIT), "ls-tree", "--name-only", rev, "tests/corpus_files.py"],
                            capture_output=True, text=True, check=True).stdout.split()
    archive = subprocess.run(["git", "-C", str(KIT), "archive", rev, *paths, *listed],
                             capture_output=True, check=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder


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


def grade_corpora(jobs: int, rev: str | None, seed: int | None) -> dict[str, dict]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "class"
        folder.mkdir()
        names = write_class(folder, checkout(rev, Path(tmp) / "kit") if rev else KIT)
        options = ["--jobs", str(jobs), "--out", str(Path(tmp) / "grades")]
        options += ["--seed", str(seed)] if seed is not None else []
        done = subprocess.run([sys.executable, "-m", "autograder", "grade", str(folder), *options],
                              cwd=KIT, capture_output=True, text=True)
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
    parser.add_argument("--rev", help="grade the corpus as it is at this commit (default: the working tree)")
    parser.add_argument("--seed", type=int, help="grade every file with this seed (default: each file's own)")
    args = parser.parse_args()
    table = grade_corpora(args.jobs, args.rev, args.seed)
    args.output.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n")
    print(f"{len(table)} files graded: {args.output}")
    if args.compare and compare(table, json.loads(args.compare.read_text())):
        sys.exit(1)


if __name__ == "__main__":
    main()
