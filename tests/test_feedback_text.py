"""What students read: hidden tests held back, one entry for an import error, the causes named
for errors and for a training that went wrong. On results made up here or on real modules run
in this process (no grading, no sandbox)."""

import types
from pathlib import Path

import numpy as np
import pytest
from conftest import CORPUS, ROOT
from corpus_files import assembled

from autograder.judge import diagnosis
from autograder.judge.checks import indexed
from autograder.judge.feedback import error_hint
from autograder.judge.report import HELD_BACK, TRACER_NOTE, held_back, results_json, text_report
from autograder.judge.scores import Scores
from autograder.judge.scores import TestResult as Result
from autograder.judge.submissions import InProcessSubmission

SECRET_INPUT = "x of shape (2, 1, 3, 1, 2)"


def _scores(*results: Result, printed: str = "") -> Scores:
    return Scores(results=list(results), submission="s.py", printed=printed)


def _hidden_failure() -> Result:
    return Result("relu: empty and five axis inputs", "relu", 1.0, hidden=True,
                      output=f"Called relu(x) with {SECRET_INPUT}\n  got shape: (12,)\n"
                             "Likely cause: a flatten", failure="wrong", details={"cause": "a flatten"})


def test_a_hidden_test_is_shown_by_name_and_points_only_unless_asked():
    scores = _scores(Result("relu: keeps positives", "relu", 2.0, False, passed=True), _hidden_failure())
    text = text_report(scores, 1.0)
    assert "relu: empty and five axis inputs  [0 / 1]" in text and HELD_BACK in text
    assert SECRET_INPUT not in text and "a flatten" not in text
    assert SECRET_INPUT in text_report(scores, 1.0, show_hidden=True)


def test_results_json_marks_hidden_tests_and_the_pages_helper_holds_them_back():
    tests = results_json(_scores(_hidden_failure()), 1.0)["tests"]
    assert tests[0]["visibility"] == "after_published" and SECRET_INPUT in tests[0]["output"]
    shown = held_back(tests[0])
    assert SECRET_INPUT not in shown["output"] and HELD_BACK in shown["output"]
    assert (shown["name"], shown["score"], shown["max_score"]) == (tests[0]["name"], 0.0, 1.0)
    assert held_back(tests[0], show_hidden=True) == tests[0]
    public = dict(tests[0], visibility="visible")
    assert held_back(public) == public


def test_a_module_that_cannot_be_imported_is_one_entry():
    error = "Your module could not be imported, so none of its functions could be graded: SyntaxError"
    results = [Result(f"{e}: t{i}", e, 1.0, False, output=error, failure="import") for i, e in
               enumerate(["relu", "relu", "predict", "loss", "xor"])]
    text = text_report(_scores(*results), 1.0)
    assert text.count("SyntaxError") == 1, text
    assert "every test (5 tests, 5 points)" in text


def test_printed_tracers_get_a_word_on_jax_debug_print():
    for printed in ("relu got JitTracer(float32[3])", "GradTracer(primal=JitTracer(float32[8]))",
                    "Traced<ShapedArray(float32[3])>with<DynamicJaxprTrace>"):
        text = text_report(_scores(printed=printed), 1.0)
        assert TRACER_NOTE in text and "jax.debug.print" in TRACER_NOTE
    assert TRACER_NOTE not in text_report(_scores(printed="epoch 3: 0.25"), 1.0)


@pytest.mark.parametrize(("type_name", "message", "exercise", "words"), [
    ("AttributeError", "module 'jax' has no attribute 'tree_map'", "update", "jax.tree.map"),
    ("AttributeError", "module 'jax' has no attribute 'tree_leaves'", "train", "jax.tree.leaves"),
    ("ConcretizationTypeError", "Abstract tracer value encountered", "train", "static_argnames"),
    ("TracerIntegerConversionError", "The __index__() method was called", "train", "static_argnames"),
    ("NonConcreteBooleanIndexError", "Array boolean indices must be concrete", "relu", "jnp.where"),
])
def test_errors_get_their_cause(type_name, message, exercise, words):
    assert words in error_hint(type_name, message, exercise)


def test_an_index_follows_the_call_not_the_words_about_it():
    assert (indexed("update(params, x, y) for sizes (1, 2, 3)", "'b1'")
            == "update(params, x, y)['b1'] for sizes (1, 2, 3)")
    assert indexed("jax.jit(update)(params, x, y, 0.2)", "'b1'") == "jax.jit(update)(params, x, y, 0.2)['b1']"


def _module(path: Path) -> InProcessSubmission:
    """A corpus file (or the reference) as a whole module, run here."""
    module = types.ModuleType(f"feedback_{path.stem}")
    exec(compile(assembled(path), str(path), "exec"), vars(module))
    return InProcessSubmission(vars(module), str(path))


@pytest.mark.parametrize(("path", "blamed"), [
    (CORPUS / "mistakes" / "predict_no_output_bias.py", "predict"),
    (CORPUS / "mistakes" / "relu_leaky.py", "relu"),
    (CORPUS / "mistakes" / "update_gradient_ascent.py", "update"),
    (ROOT / "solutions" / "xor_net.py", "train"),
])
def test_a_training_gone_wrong_blames_the_first_wrong_function(path, blamed):
    rng = np.random.default_rng(5)
    start = {k: (0.5 * rng.standard_normal(s)).astype(np.float32)
             for k, s in {"w1": (16, 2), "b1": (16,), "w2": (1, 16), "b2": (1,)}.items()}
    cause = diagnosis.first_wrong(_module(path), start, start)
    assert cause.startswith(f"your {blamed}"), cause
    if blamed == "update":
        assert "added the gradient" in cause


GUIDE = ROOT / "docs" / "student-guide.md"


def test_the_guide_quotes_only_messages_the_grader_writes():
    """Each message the student guide quotes from a report is in the grader's code."""
    import re

    source = "\n".join(p.read_text() for p in (ROOT / "autograder").rglob("*.py"))
    flat = re.sub(r'" f?"', "", " ".join(source.split()))  # string literals continued on a new line
    guide = " ".join(GUIDE.read_text().split())
    quoted = re.findall(r'^- "([^"]+)"', GUIDE.read_text(), re.M)
    assert len(quoted) >= 5, quoted
    pieces = [p.strip(" ,") for quote in quoted for p in re.split(r"`|\d+ s\b|\bN\b|\.\.\.|: ", quote)]
    missing = [p for p in pieces if p and p not in flat]
    assert not missing, missing
    assert HELD_BACK in guide


def test_the_guide_tells_the_truth_about_seeds_and_stand_ins():
    from autograder import CALLS
    from autograder.judge import seeds

    guide = " ".join(GUIDE.read_text().split())
    assert f"always checks with the inputs of seed {seeds.FIXED}" in guide
    assert seeds.for_submission(b"a", key=b"k") != seeds.for_submission(b"b", key=b"k")
    assert "a correct stand-in replaces the functions an exercise builds on" in guide
    assert CALLS["loss"] == ("predict",)  # the guide's example: loss builds on predict


def test_a_notebook_error_names_the_cell_line_and_the_function():
    import linecache

    from autograder.sandbox.calls import report_error

    cell, name = "import numpy as np\ndef relu(x):\n    return x.nope\n", "/tmp/ipykernel_77/3141.py"
    linecache.cache[name] = (len(cell), None, cell.splitlines(True), name)  # as ipykernel keeps a cell
    namespace: dict = {}
    exec(compile(cell, name, "exec"), namespace)
    try:
        namespace["relu"](1.0)
    except AttributeError as error:
        report = report_error(error, None)
    assert report.where == "line 3, in relu: return x.nope", report.where


def test_a_notebook_cell_shows_one_error_once():
    from autograder.judge.feedback import Failure
    from autograder.judge.notebook_checks import one_per_cause

    error = "\n  it raised TypeError: bad operand\nIn your code:\n  line 3, in relu: return x.nope"
    failures = [Failure("raised", f"Called relu(x) with x: [{i}]" + error, error="TypeError",
                        mine=("line 3, in relu: return x.nope",)) for i in range(7)]
    failures.append(Failure("wrong", "Called predict(x)\nLikely cause: b2", cause="b2"))
    shown = one_per_cause(failures)
    assert len(shown) == 2 and shown[0].startswith("Called relu(x) with x: [0]")
    assert "The same in 6 more tests" in shown[0]


def test_a_converted_notebook_error_says_cell_and_line(tmp_path):
    from autograder.sandbox.calls import report_error

    source = ("# Converted from hw.ipynb by the XOR kit's grader: its code cells in order.\n\n"
              "# --- cell 2 ---\nimport math\n\n# --- cell 4 ---\ndef relu(x):\n    return x.nope\n")
    path = tmp_path / "hw.py"
    path.write_text(source)
    namespace: dict = {}
    exec(compile(source, str(path), "exec"), namespace)
    try:
        namespace["relu"](1.0)
    except AttributeError as error:
        assert report_error(error, str(path)).where == "cell 4, line 2, in relu: return x.nope"
    path.write_text(source.replace("def relu(x):", "def relu(x)"))
    try:
        compile(path.read_text(), str(path), "exec")
    except SyntaxError as error:
        report = report_error(error, str(path))
    assert report.where == "cell 4, line 1: def relu(x)" and "line 7" not in report.message, report


def test_a_failure_carries_the_parts_its_text_shows():
    """The report groups by these fields, and the class statuses read them: they say what the
    text says, and a student's text in them (a message) is never where a kind comes from."""
    from autograder.judge.feedback import Feedback, failure_of
    from autograder.judge.plugin import failure_for
    from autograder.launch.door import SubmissionError
    from autograder.sandbox.calls import Call, ErrorReport

    call = Call("relu", (np.array([1.0, 2.0], np.float32),))
    where = "line 3, in relu: if x > 0:"
    bool_error = ErrorReport("TracerBoolConversionError", "no", where)
    raised = failure_of(SubmissionError(call, "raised", bool_error), "relu")
    assert (raised.kind, raised.error, raised.mine) == ("raised", "TracerBoolConversionError", (where,))
    assert raised.text.endswith("Likely cause: " + raised.cause) and "jnp.where" in raised.cause
    syntax = ErrorReport("SyntaxError", "invalid syntax (xor_net.py, line 58)", "line 58: def f(:")
    imported = failure_of(SubmissionError(None, "import", syntax), "relu")
    assert (imported.kind, imported.line, imported.summary) == ("import", 58, "SyntaxError: invalid syntax")
    crash = ErrorReport("ValueError", "the grader was stopped after 1 s", "line 9, in <module>: raise")
    assert failure_of(SubmissionError(None, "import", crash), "relu").line == 9
    stub = ErrorReport("NotImplementedError", "relu: not implemented yet", "")
    assert failure_of(SubmissionError(call, "raised", stub), "relu").kind == "not-implemented"
    assert failure_of(SubmissionError(call, "raised", stub), "predict").kind == "not-implemented"
    hung = ErrorReport("TimeoutError", "no answer after 5 s")
    slow = failure_of(SubmissionError(call, "timeout", hung), "relu")
    assert (slow.kind, slow.reason) == ("timeout", "no answer after 5 s")
    wrong = failure_for(Feedback("Called relu(x)\n  got: 1", cause="a flatten"), "relu")
    assert wrong is not None and (wrong.kind, wrong.cause) == ("wrong", "a flatten")
    assert wrong.text == "Called relu(x)\n  got: 1\nLikely cause: a flatten"
    assert failure_for(RuntimeError("a bug of the grader's"), "relu") is None
