"""The docs do what they say: every ```bash and ```python block of README.md and docs/*.md runs.

Each page runs, block by block and in order, in a fresh copy of the kit (its files as git
sees them), so nothing in the checkout changes. In the blocks, ``.venv/bin/`` means the
environment running these tests, and ``python`` on PATH is its Python. Two kinds of command
are left out: setting up an environment (``python3 -m venv``, ``pip install``, ``source
.venv/bin/activate``, ``git clone``, ``tox``), and running the kit's own tests (``pytest``
on anything but ``autograder/suites``: that is what runs this file).

A block that is not meant to run is fenced ```text. An HTML comment on the line just
before a fence says more about the block:

- ``<!-- docs-test: exit N -->``: the block exits with status N (default 0);
- ``<!-- docs-test: append-to PATH -->`` (a python block): added to the end of PATH in the
  copy instead of run on its own, for the blocks after it to use;
- ``<!-- docs-test: output-of COMMAND -->`` (a text block): what COMMAND prints; every
  line of the block must be a line of its output, in the same order.
"""

import argparse
import importlib
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ROOT, shared_caches

from autograder.cli import COMMANDS

pytestmark = pytest.mark.slow

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
RUNNABLE = ("bash", "python")
BIN = Path(os.path.abspath(sys.executable)).parent  # .venv/bin of the docs
BLOCK_SECONDS = 900
FENCE = re.compile(r"^(?P<indent>\s*)```(?P<lang>[\w-]*)\s*$")
DIRECTIVE = re.compile(r"^\s*<!--\s*docs-test:\s*(?P<verb>[\w-]+)\s*(?P<arg>.*?)\s*-->\s*$")
SETUP = [re.compile(p) for p in (
    r"\bpip3?\s+install\b", r"-m\s+pip\s+install\b", r"-m\s+venv\b",
    r"^(source|\.)\s+\S*activate\b", r"^git\s+clone\b", r"^tox\b",
)]
KIT_TESTS = re.compile(r"(^|\s|/)(pytest|-m\s+pytest)\b")


@dataclass(frozen=True)
class Block:
    doc: Path
    line: int  # where the fence opens, 1-based
    lang: str
    code: str
    verb: str = ""  # from the docs-test comment before the fence
    arg: str = ""

    def __str__(self) -> str:
        return f"{self.doc.relative_to(ROOT)}:{self.line} ({self.lang})"


def blocks(doc: Path) -> list[Block]:
    """The fenced blocks of a Markdown page, with the directive just before each."""
    lines = doc.read_text().splitlines()
    found, i = [], 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        indent, start = opening["indent"], i
        i += 1
        body = []
        while i < len(lines) and lines[i].strip() != "```":
            body.append(lines[i].removeprefix(indent))
            i += 1
        directive = DIRECTIVE.match(lines[start - 1]) if start else None
        found.append(Block(doc, start + 1, opening["lang"], "\n".join(body) + "\n",
                           directive["verb"] if directive else "", directive["arg"] if directive else ""))
        i += 1
    return found


def is_left_out(command: str) -> bool:
    """Setting up an environment, or running the kit's own tests (which include this file)."""
    command = command.strip()
    if any(p.search(command) for p in SETUP):
        return True
    return bool(KIT_TESTS.search(command)) and "autograder/suites" not in command


def script(block: Block) -> str:
    """A bash block as it runs here: set-up left out, ``.venv/bin/`` this environment's."""
    joined = re.sub(r"\\\n", " ", block.code)  # continuation lines
    kept = []
    for line in joined.splitlines():
        parts = [p for p in re.split(r"\s*&&\s*", line) if not is_left_out(p)]
        if parts:
            kept.append(" && ".join(parts))
    return with_this_python("\n".join(kept))


def with_this_python(command: str) -> str:
    return re.sub(r"(?<![\w/.])\.venv/bin/", shlex.quote(str(BIN)) + "/", command)


def copy_of_the_kit(target: Path) -> Path:
    """The kit's files as git sees them (tracked, or new and not ignored), and its answer cache."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    answers = ROOT / ".cache" / "reference"
    if answers.is_dir():
        shutil.copytree(answers, target / ".cache" / "reference")
    return target


def environment() -> dict[str, str]:
    """This environment, as if activated; compiled programs shared with the checkout's caches."""
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
               VIRTUAL_ENV=str(BIN.parent), PYTHONWARNINGS="ignore::DeprecationWarning")
    return {**shared_caches(), **env}


def run(block: Block, kit: Path, command: list[str]) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(command, cwd=kit, env=environment(), capture_output=True, text=True,
                              timeout=BLOCK_SECONDS)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{block} ran for more than {BLOCK_SECONDS} s")


def check_block(block: Block, kit: Path, scratch: Path) -> None:
    if block.verb == "append-to":
        with (kit / block.arg).open("a") as target:
            target.write("\n\n" + block.code)
        return
    if block.verb == "output-of":
        done = run(block, kit, ["bash", "-c", with_this_python(block.arg)])
        printed = iter(line.strip() for line in done.stdout.splitlines())
        for expected in filter(None, (line.strip() for line in block.code.splitlines())):
            assert any(line == expected for line in printed), (
                f"{block}: the output of {block.arg} has no line {expected!r} (in this order):\n"
                f"{done.stdout[-3000:]}{done.stderr[-2000:]}")
        return
    if block.lang == "python":
        program = scratch / f"block_{block.line}.py"
        program.write_text(block.code)
        done = run(block, kit, [sys.executable, str(program)])
        code = block.code
    else:
        code = script(block)
        if not code.strip():
            return  # set-up only
        done = run(block, kit, ["bash", "-e", "-o", "pipefail", "-c", code])
    expected = int(block.arg) if block.verb == "exit" else 0
    assert done.returncode == expected, (
        f"{block} exited with status {done.returncode}, the page says {expected}:\n{code}\n"
        f"--- stdout ---\n{done.stdout[-3000:]}\n--- stderr ---\n{done.stderr[-3000:]}")


@pytest.mark.parametrize("doc", DOCS, ids=[d.name for d in DOCS])
def test_every_block_of_the_page_runs_as_documented(doc, tmp_path):
    todo = [b for b in blocks(doc) if b.lang in RUNNABLE or b.verb == "output-of"]
    if not todo:
        pytest.skip(f"{doc.name} has no block to run")
    kit = copy_of_the_kit(tmp_path / "kit")
    for block in todo:
        check_block(block, kit, tmp_path)


def test_every_block_says_its_language_and_every_directive_is_known():
    verbs = {"exit": RUNNABLE, "append-to": ("python",), "output-of": ("text",)}
    for doc in DOCS:
        for block in blocks(doc):
            assert block.lang, f"{block}: fence it ```bash, ```python, or ```text if it is not to run"
            if block.verb:
                assert block.lang in verbs.get(block.verb, ()), f"{block}: docs-test {block.verb}?"


def test_the_set_up_commands_are_recognised():
    assert is_left_out("python3 -m venv .venv") and is_left_out(".venv/bin/pip install -q -e .")
    assert is_left_out(".venv/bin/python -m pytest -n auto --dist loadfile")
    assert not is_left_out(".venv/bin/python -m pytest autograder/suites -m relu")
    assert not is_left_out(".venv/bin/python -m autograder grade")
    readme = next(b for b in blocks(ROOT / "README.md") if "venv" in b.code)
    assert script(readme).strip().endswith("-m autograder grade solutions/xor_net.py")


def test_every_relative_link_points_to_a_file():
    for doc in DOCS:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", doc.read_text()):
            if "://" not in target and not target.startswith("mailto:"):
                assert (doc.parent / target).exists(), f"{doc.relative_to(ROOT)} links to {target}"


def test_the_reference_lists_every_command_and_option():
    text = (ROOT / "docs" / "reference.md").read_text()
    for name, (module_name, _) in COMMANDS.items():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError:
            continue  # a command this checkout does not have
        parser = argparse.ArgumentParser(prog=name)
        module.configure(parser)
        assert f"### {name}" in text, f"docs/reference.md has no section for {name}"
        for option in set(re.findall(r"(?<![\w-])--[a-z][\w-]*", parser.format_help())) - {"--help"}:
            assert f"`{option}" in text, f"docs/reference.md does not document {name} {option}"
