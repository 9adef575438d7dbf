"""The package's rooms and the direction of their imports (docs/trust.md opens with the map).

One AST pass over autograder/ that counts every import, those inside functions too.
"""

import ast
import re
from pathlib import Path

import autograder

PACKAGE = Path(autograder.__file__).parent
# room -> the rooms it may import (besides itself and the top-level constants, autograder/__init__)
ALLOWED = {
    "sandbox": set(),  # all a sandbox sees of the kit: it imports no other room
    "files": set(),
    "launch": {"sandbox", "files"},  # the judge's side of the wall speaks the sandbox's protocol
    "judge": {"launch", "sandbox", "suites", "files"},  # notebook_checks runs the suites in a kernel
    "suites": {"judge", "sandbox"},
    "authoring": {"judge"},
    "coursework": {"judge", "launch", "sandbox", "authoring", "files"},
    "cli": {"judge", "authoring", "coursework"},
    "notebook": {"judge"},
    "__main__": {"cli"},
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """The autograder modules ``path`` imports, resolved to module names that exist."""
    found: set[str] = set()
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package.split(".")[: len(package.split(".")) - node.level + 1],
                                 *([base] if base else [])])
            names = [base, *(f"{base}.{a.name}" for a in node.names)]
        else:
            continue
        found |= {n for n in names if n.split(".")[0] == "autograder" and n in MODULES}
    return found


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}
GRAPH = {name: imports_of(path) - {name} for name, path in MODULES.items()}


def room_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_the_graph_sees_imports_inside_functions():
    assert "autograder.judge.report" in GRAPH["autograder.judge.plugin"]
    assert "autograder.sandbox.wire" in GRAPH["autograder.sandbox.calls"]  # imported in a method


def test_no_import_circles():
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> None:
        assert name not in path, "import circle: " + " -> ".join([*path[path.index(name):], name])
        if name in done:
            return
        for target in sorted(GRAPH[name]):
            visit(target, [*path, name])
        done.add(name)

    for name in sorted(GRAPH):
        visit(name, [])


def test_rooms_import_only_in_the_allowed_direction():
    wrong = [f"{source} imports {target}" for source, targets in GRAPH.items() for target in targets
             if room_of(target) not in {room_of(source), "__init__", *ALLOWED.get(room_of(source), ())}
             and room_of(source) != "__init__"]
    assert not wrong, "\n".join(wrong)


def test_the_sandbox_imports_nothing_of_the_kit_outside_its_room():
    outside = {f"{s} imports {t}" for s, ts in GRAPH.items() if room_of(s) == "sandbox"
               for t in ts if room_of(t) != "sandbox"}
    assert not outside


def test_every_room_says_what_it_holds():
    for room in ("judge", "launch", "sandbox", "suites", "authoring", "coursework"):
        doc = ast.get_docstring(ast.parse((PACKAGE / room / "__init__.py").read_text()))
        assert doc and len(doc.splitlines()) >= 2, room


def functions_of(path: Path) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [n for n in ast.walk(ast.parse(path.read_text()))
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]


def test_no_function_is_longer_than_sixty_lines():
    long = [f"{path.relative_to(PACKAGE.parent)}:{f.lineno} {f.name} ({f.end_lineno - f.lineno + 1} lines)"
            for path in MODULES.values() for f in functions_of(path) if f.end_lineno - f.lineno + 1 > 60]
    assert not long, "\n".join(long)


def test_the_grading_run_is_typed_state_not_attributes_on_config():
    """One GradingRun in pytest's stash (judge/plugin.py), never ``config.xor_...``."""
    offenders = [f"{path.relative_to(PACKAGE.parent)}: {line.strip()}" for path in MODULES.values()
                 for line in path.read_text().splitlines()
                 if "config" in line and "type: ignore[attr-defined]" in line or "config.xor_" in line]
    assert not offenders, "\n".join(offenders)


def test_the_exercise_list_is_defined_once():
    """The registry (autograder/sandbox/exercises.py) is the one place that spells them out."""
    registry = PACKAGE / "sandbox" / "exercises.py"
    spelled = []
    for path in MODULES.values():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Tuple | ast.List | ast.Set):  # a dict of texts per exercise: content
                names = {i.value for i in node.elts if isinstance(i, ast.Constant) and type(i.value) is str}
                if len(names & set(autograder.EXERCISES)) >= 5 and path != registry:
                    spelled.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    assert not spelled, "the exercise list spelled out again:\n" + "\n".join(spelled)


def test_code_and_docs_name_no_file_that_is_not_in_the_repository():
    """No cited contract outside the repository, and every kit path a page or a module names exists."""
    root = PACKAGE.parent
    texts = {p: p.read_text() for p in [*root.glob("*.md"), *(root / "docs").glob("*.md"), *MODULES.values()]}
    folders = "autograder|docs|tests|benchmarks|solutions|exercises"
    pattern = re.compile(rf"(?<![\w/.-])((?:{folders})/[\w/.-]*\w\.(?:py|md|ipynb))")
    missing = sorted({f"{p.relative_to(root)} names {m}" for p, text in texts.items()
                      for m in pattern.findall(text) if not (root / m).exists() and "*" not in m})
    outside = sorted(str(p.relative_to(root)) for p, text in texts.items()
                     if re.search(r"\bSPEC\b(?! ?_)|\.\./shared", text))
    assert not missing, "\n".join(missing)
    assert not outside, outside


def test_the_points_are_counted_in_one_place():
    """autograder/judge/marks.py reads the suites' points marks; nothing else counts them again
    (by collecting the suites, walking their syntax trees or reading their marks). The plugin
    reads each running test's own mark, to score it."""
    counting = re.compile(r"--collect-only|pytestmark|get_closest_marker\(\"points\"\)|attr == \"points\""
                          r"|\[\"points\"\]\.args")
    counter = PACKAGE / "judge" / "marks.py"
    scorer = PACKAGE / "judge" / "plugin.py"
    found = [f"{path.relative_to(PACKAGE.parent)}:{number}: {line.strip()}"
             for path in MODULES.values() if path.parent.name != "suites"
             for number, line in enumerate(path.read_text().splitlines(), 1)
             if counting.search(line) and path != counter
             and not (path == scorer and "get_closest_marker" in line)]
    assert not found, "points counted outside autograder/judge/marks.py:\n" + "\n".join(found)
    assert counting.search(counter.read_text())  # the pattern still finds the one counter


def imports_without_a_reason(path: Path) -> list[str]:
    """The imports inside functions with no comment on their line, nor on the line above the
    block of imports they stand in."""
    lines = path.read_text().splitlines()
    found = []
    for function in functions_of(path):
        for node in ast.walk(function):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            first = node.lineno - 1  # the block's first line, 0-based
            while first > 0 and lines[first - 1].lstrip().startswith(("import ", "from ")):
                first -= 1
            block = lines[first:node.end_lineno]
            if not any("#" in line for line in block) and not lines[first - 1].lstrip().startswith("#"):
                where = f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"
                found.append(f"{where}: {lines[node.lineno - 1].strip()}")
    return found


def test_every_import_inside_a_function_says_why():
    """An import belongs at the top of its module; one inside a function (a start-up cost it
    saves, a circle it breaks, an optional package) says why on its line or the line above."""
    unsaid = [f for path in MODULES.values() for f in imports_without_a_reason(path)]
    assert not unsaid, "\n".join(unsaid)


# The modules of coursework/ that may use regular expressions, each with its reason: the rest
# read results.json's fields, never its sentences (autograder.judge.results_file).
REGEX_ALLOWED = {"autograder.coursework.spreadsheet": "tells a number from text in a spreadsheet cell"}


def imports_re(path: Path) -> bool:
    return any(isinstance(node, ast.Import) and any(a.name == "re" for a in node.names)
               or isinstance(node, ast.ImportFrom) and node.module == "re"
               for node in ast.walk(ast.parse(path.read_text())))


def test_coursework_parses_no_report_text_with_regular_expressions():
    users = {name for name, path in MODULES.items() if room_of(name) == "coursework" and imports_re(path)}
    assert users <= set(REGEX_ALLOWED), sorted(users - set(REGEX_ALLOWED))
    assert imports_re(PACKAGE / "coursework" / "spreadsheet.py")  # the check sees an import of re


def test_the_statuses_read_fields_not_messages():
    """A status comes from results.json's fields (kind, status, reason, line): no test's or
    result's output or name is read, and no text is searched, so nothing printed changes it."""
    tree = ast.parse((PACKAGE / "coursework" / "statuses.py").read_text())
    strings = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    searched = {n.func.attr for n in ast.walk(tree) if isinstance(n, ast.Call)
                and isinstance(n.func, ast.Attribute)
                and n.func.attr in ("startswith", "endswith", "removeprefix", "find", "search", "match",
                                    "split", "partition", "splitlines")}
    assert not strings & {"output", "name"} and not searched, (strings & {"output", "name"}, searched)
    assert not imports_re(PACKAGE / "coursework" / "statuses.py")
