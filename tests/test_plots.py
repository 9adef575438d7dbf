"""The plots: the plot command on the reference and the stubs, and the plots that grading draws."""

import base64
import io
import re

import numpy as np
import pytest
from conftest import run_grader

from autograder.judge import plots
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

