"""The judge computes the reference's answers while the sandbox works, not after: an answer a
test asks for was started, in the judge's answers thread, when the same call went to the child
(autograder.judge.answers.AnswersAhead), for the programs the tests asked in earlier gradings."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT, corpus, shared_caches

from autograder.judge.answers import AnswerBook
from autograder.judge.submissions import ReferenceSubmission, SubmissionError
from autograder.sandbox.calls import Call


def relu(x: np.ndarray, transforms: tuple[str, ...] = ()) -> Call:
    return Call("relu", (x,), {}, transforms, 0, (), False)


def test_an_answer_asked_in_an_earlier_grading_is_computed_ahead(tmp_path):
    asked = tmp_path / "asked.json"
    first = ReferenceSubmission(AnswerBook(None), live=True, asked=asked)
    first.ahead(relu(np.ones(3, np.float32)))  # nothing learnt yet: nothing computed ahead
    first.call(relu(np.ones(3, np.float32)))
    first.close()
    assert first.answered == {"book": 0, "ahead": 0, "asked": 1}

    second = ReferenceSubmission(AnswerBook(None), live=True, asked=asked)
    x = np.array([-1.0, 2.0, -3.0], np.float32)
    second.ahead(relu(x, ("jit",)))  # what the sandbox is sent: jit changes no value
    second.ahead(relu(np.ones((2, 2), np.float32)))  # another program: not asked before
    np.testing.assert_array_equal(second.call(relu(x)), [0.0, 2.0, 0.0])
    second.call(relu(np.ones((2, 2), np.float32)))
    second.close()
    assert second.answered == {"book": 0, "ahead": 1, "asked": 1}


def test_a_failing_answer_computed_ahead_fails_as_it_does_when_asked(tmp_path):
    asked = tmp_path / "asked.json"
    bad = Call("relu", ("not an array",), {}, (), 0, (), False)
    first = ReferenceSubmission(AnswerBook(None), live=True, asked=asked)
    with pytest.raises(SubmissionError) as when_asked:
        first.call(bad)
    first.close()
    second = ReferenceSubmission(AnswerBook(None), live=True, asked=asked)
    second.ahead(bad)
    with pytest.raises(SubmissionError) as after_ahead:
        second.call(bad)
    second.close()
    assert str(after_ahead.value.report) == str(when_asked.value.report)


GRADE_TWICE = """
import json, sys
from pathlib import Path
from autograder.judge.answers import AnswerBook
from autograder.judge.grading import grade_file
from autograder.judge.submissions import ReferenceSubmission
out = []
for path, seed in zip(sys.argv[1:3], ("11", "12")):  # the first grading learns what the tests ask
    reference = ReferenceSubmission(AnswerBook(None))
    scores, _, code = grade_file(Path(path), ("--seed", seed), reference=reference)
    reference.close()
    out.append({"answered": reference.answered, "code": code, "passed": [r.passed for r in scores.results]})
print(json.dumps(out))
"""


@pytest.mark.slow
def test_an_official_grading_computes_its_answers_while_the_sandbox_works(tmp_path, whole_corpus):
    """Two gradings in one judge process, with a fresh record of what the tests ask: the second
    reads nearly every reference answer from the answers thread, and still passes everything."""
    (correct,) = [whole_corpus[p] for p in corpus("correct") if p.name == "where_relu_dot_predict.py"]
    env = {**os.environ, **shared_caches(), "XOR_KIT_ANSWERS": str(tmp_path / "answers")}
    done = subprocess.run([sys.executable, "-c", GRADE_TWICE, str(ROOT / "solutions" / "xor_net.py"),
                           str(correct)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    first, second = json.loads(done.stdout.strip().splitlines()[-1])
    for grading in (first, second):
        assert grading["code"] == 0 and all(grading["passed"]) and len(grading["passed"]) >= 50
    # The first learns as it goes (a program asked once is computed ahead the next time).
    assert first["answered"]["ahead"] < second["answered"]["ahead"], (first, second)
    # The few asked after the reply came: calls the sandbox never gets (a start the judge draws).
    assert second["answered"]["ahead"] >= 50 and second["answered"]["asked"] <= 10, (first, second)
    assert Path(tmp_path / "answers" / "asked-programs.json").is_file()
