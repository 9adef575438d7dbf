"""The plots: the plot command on the reference and the stubs, and the plots that grading draws."""

import base64
import io
import json
import re

import numpy as np
import pytest
from conftest import run_grader

from autograder.coursework.feedback_bundle import plots as page_plots
from autograder.judge import plots, training_file
from autograder.judge.reference import load
from autograder.judge.report import plain_output
from autograder.judge.submissions import InProcessSubmission

PNG = b"\x89PNG\r\n\x1a\n"


def image(data: bytes) -> np.ndarray:
    """A PNG read back by matplotlib: (height, width, channels)."""
    import matplotlib.image

    assert data.startswith(PNG), "not a PNG file"
    return matplotlib.image.imread(io.BytesIO(data), format="png")


def assert_readable_plot(data: bytes) -> None:
    picture = image(data)
    height, width, channels = picture.shape
    assert 400 <= height <= 1200 and 400 <= width <= 1200 and channels in (3, 4), picture.shape
    assert picture[..., :3].std() > 0.05, "the picture is (almost) one colour"


@pytest.fixture(scope="module")
def reference_plots(tmp_path_factory):
    out = tmp_path_factory.mktemp("plots")
    done = run_grader("plot", "solutions/xor_net.py", "--out", str(out))
    return done, out


def test_plot_writes_both_pngs_for_the_reference(reference_plots):
    done, out = reference_plots
    assert done.returncode == 0, done.stderr
    for name in (plots.LOSS_CURVE, plots.BOUNDARY):
        assert f"wrote {out / name}" in done.stdout
        assert_readable_plot((out / name).read_bytes())


def test_plot_of_the_stubs_names_the_function_that_failed(tmp_path):
    done = run_grader("plot", "exercises/xor_net.py", "--out", str(tmp_path / "plots"))
    assert done.returncode == 1
    assert "no plots, because init_params failed" in done.stderr
    assert "init_params is not implemented yet" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert not (tmp_path / "plots").exists()


def test_plot_of_a_missing_file_is_a_usage_error(tmp_path):
    done = run_grader("plot", str(tmp_path / "nothing.py"))
    assert done.returncode == 2 and "no such file" in done.stderr


def test_the_grid_of_the_reference_answers_xor_at_the_four_corners():
    module = load()
    reference = InProcessSubmission(vars(module), module.__file__, name="reference")
    trained, losses = plots.train_from_key(reference, 0)
    grid = plots.grid_outputs(reference, trained)
    assert grid.shape == (plots.STEPS, plots.STEPS) and losses.shape == (500,)
    axis = plots.grid_axis()
    at = {v: int(np.argmin(abs(axis - v))) for v in (0.0, 1.0)}
    for (x1, x2), label in zip([(0, 0), (0, 1), (1, 0), (1, 1)], [0, 1, 1, 0], strict=True):
        assert (grid[at[x2], at[x1]] > 0.5) == bool(label), (x1, x2, grid[at[x2], at[x1]])


def test_grid_rows_are_x2_and_columns_x1():
    points = plots.grid_points().reshape(plots.STEPS, plots.STEPS, 2)
    axis = plots.grid_axis()
    assert np.array_equal(points[3, 7], [axis[7], axis[3]])


def test_drawing_survives_losses_and_outputs_that_are_not_finite(tmp_path):
    grid = np.where(plots.grid_points()[:, 0] > 0.7, np.nan, 1.0).reshape(plots.STEPS, plots.STEPS)
    losses = np.array([0.3, 0.2, np.inf, np.nan], dtype=np.float32)
    written = plots.draw(plots.Training(5, losses, grid), tmp_path)
    for path in written.values():
        assert_readable_plot(path.read_bytes())


def test_drawing_nothing_removes_the_plots_of_an_earlier_run(tmp_path):
    for name in (plots.LOSS_CURVE, plots.BOUNDARY):
        (tmp_path / f"old.{name}").write_bytes(PNG)
    assert plots.draw(None, tmp_path, "old.") == {}
    assert list(tmp_path.iterdir()) == []


def test_grading_embeds_the_plots_in_the_xor_tests(reference_result):
    illustrated = {"xor: learns xor from key 0": "decision boundary",
                   "xor: loss falls during training": "loss curve"}
    for test in reference_result["tests"]:
        if test["name"] not in illustrated:
            assert test.get("output_format", "text") == "text" and "<img" not in test["output"]
            continue
        assert test["output_format"] == "html"
        found = re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)" alt="([^"]+)">',
                           test["output"])
        assert len(found) == 1 and illustrated[test["name"]] in found[0][1], test["output"][:300]
        assert_readable_plot(base64.b64decode(found[0][0]))
    table = next(t for t in reference_result["tests"] if t["name"] == "xor: learns xor from key 0")
    assert table["output"].startswith("<pre>Trained from PRNGKey(0)")
    assert "&gt; 0.5" in table["output"]  # the text is escaped, not interpreted as HTML
    text = plain_output(table)  # and can be read back, for reports made from results.json
    assert text.startswith("Trained from PRNGKey(0)") and "| > 0.5 |" in text and "<img" not in text


def test_text_report_names_the_plots_it_wrote_beside_the_output(tmp_path):
    report = tmp_path / "alice.txt"
    done = run_grader("grade", "solutions/xor_net.py", "--exercise", "xor", "--output", str(report))
    assert done.returncode == 0, done.stderr
    text = report.read_text()
    for name in (plots.LOSS_CURVE, plots.BOUNDARY):
        path = tmp_path / f"alice.{name}"
        assert str(path) in text
        assert_readable_plot(path.read_bytes())



# -- a class run keeps the plain data; feedback draws from it ------------------------------------


def a_training(grid: bool = True) -> plots.Training:
    """A training as the xor tests keep it: a falling loss and a grid of outputs (XOR-like)."""
    points = plots.grid_points()
    outputs = (np.abs(points[:, 0] - points[:, 1]) > 0.5).astype(np.float64).reshape(plots.STEPS, plots.STEPS)
    return plots.Training(3, np.geomspace(0.3, 1e-3, 200).astype(np.float32), outputs if grid else None)


def test_the_kept_training_reads_back_as_it_was_and_draws_the_same_plots(tmp_path):
    kept = tmp_path / "alice" / training_file.NAME
    for with_grid in (True, False):
        training = a_training(with_grid)
        training_file.save(training, kept)
        back = training_file.load(kept)
        assert back.seed == 3 and np.array_equal(back.losses, training.losses)
        assert (back.grid is None) == (not with_grid)
        if with_grid:
            assert np.array_equal(back.grid, training.grid)
        drawn = plots.draw_in_memory(back)
        assert sorted(drawn) == sorted([plots.LOSS_CURVE, *([plots.BOUNDARY] * with_grid)])
        for png in drawn.values():
            assert_readable_plot(png)
    assert [p.name for p in kept.parent.iterdir()] == [training_file.NAME], "no temporary file left"
    training_file.save(None, kept)  # a later run without a training: nothing of the old one stays
    assert not kept.exists()


def npz_of(path, **arrays) -> None:
    with path.open("wb") as out:
        np.savez(out, **arrays)


def npy_of(path, array) -> None:
    with path.open("wb") as out:
        np.save(out, array)


GARBLED = {
    "empty": lambda path: path.write_bytes(b""),
    "text": lambda path: path.write_text("not numbers\n"),
    "cut short": lambda path: path.write_bytes(path.with_name("whole.npz").read_bytes()[:5000]),
    "one array, not an archive": lambda path: npy_of(path, np.zeros(3)),
    "pickled objects": lambda path: npz_of(path, seed=np.array(0), losses=np.array([{}, 1])),
    "no losses": lambda path: npz_of(path, seed=np.array(0)),
    "a grid of another shape": lambda path: npz_of(path, seed=np.array(0), losses=np.ones(3),
                                                   grid=np.ones((5, 5))),
    "a seed of text": lambda path: npz_of(path, seed=np.array("0"), losses=np.ones(3)),
}


@pytest.mark.parametrize("how", GARBLED)
def test_a_garbled_training_file_is_one_error_that_says_so(tmp_path, how):
    training_file.save(a_training(), tmp_path / "whole.npz")
    GARBLED[how](tmp_path / training_file.NAME)
    with pytest.raises(training_file.TrainingFileError, match=training_file.NAME + "|its "):
        training_file.load(tmp_path / training_file.NAME)


def test_a_feedback_page_draws_the_kept_plots_and_survives_a_garbled_file(tmp_path, capsys):
    training_file.save(a_training(), tmp_path / "alice" / training_file.NAME)
    tags = page_plots(tmp_path, "alice")
    assert [re.search(r'alt="([^"]+)"', tag)[1] for tag in tags] == ["decision boundary", "loss curve"]
    for tag in tags:
        assert_readable_plot(base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)", tag)[1]))
    assert [p.name for p in (tmp_path / "alice").iterdir()] == [training_file.NAME], "drawn in memory"
    (tmp_path / "alice" / training_file.NAME).write_bytes(b"PK\x03\x04 garbled")
    assert page_plots(tmp_path, "alice") == []
    assert "warning: alice's page has no plots (TrainingFileError: training.npz cannot be read" in (
        capsys.readouterr().err)


def test_a_feedback_page_of_an_older_class_run_shows_the_pngs_it_drew(tmp_path):
    old = plots.draw(a_training(), tmp_path / "bob", "results.")  # what a class run drew before
    tags = page_plots(tmp_path, "bob")
    assert len(tags) == 2
    embedded = sorted(base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)", t)[1]) for t in tags)
    assert embedded == sorted(path.read_bytes() for path in old.values())


def test_grading_with_plot_data_keeps_the_data_and_draws_nothing(tmp_path):
    report, kept = tmp_path / "results.json", tmp_path / training_file.NAME
    done = run_grader("grade", "solutions/xor_net.py", "--exercise", "xor", "--format", "json",
                      "--output", str(report), "--plot-data", str(kept))
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.json", training_file.NAME]
    result = json.loads(report.read_text())
    assert result["score"] == result["max_score"] > 0
    assert not any("<img" in t["output"] or t.get("output_format") == "html" for t in result["tests"])
    training = training_file.load(kept)
    assert training.seed == plots.SEED and training.losses.shape == (500,)
    assert training.grid.shape == (plots.STEPS, plots.STEPS)
