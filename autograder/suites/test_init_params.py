"""init_params(key, ...): one key per array, the right shapes, float32, scaled normals."""

import numpy as np
import pytest

from autograder.judge import diagnosis
from autograder.judge.checks import (
    assert_close,
    assert_dtype,
    assert_same_keys,
    assert_shape,
    key,
    random_key_numbers,
)
from autograder.judge.feedback import Feedback
from autograder.sandbox.exercises import DEFAULT_SIZES, network_shapes

pytestmark = pytest.mark.init_params
KEYS = {"w1": None, "b1": None, "w2": None, "b2": None}
# The XOR network, and a square one: nothing hard-coded survives both, and keys reused
# for two arrays of one shape show up as equal arrays. (Each size compiles new random draws.)
SIZES = [DEFAULT_SIZES, (4, 4, 4)]


def assert_params(got, called: str, sizes: tuple[int, int, int] = DEFAULT_SIZES) -> dict:
    """A dict of w1, b1, w2, b2 with the shapes of ``sizes``; a wrong shape is named."""
    got = assert_same_keys(got, KEYS, called)
    for name, shape in network_shapes(sizes).items():
        assert_shape(got[name], shape, f"{called}[{name!r}]", hint=diagnosis.param_shape(
            name, shape, "use the arguments for the sizes; nothing hard-coded."))
    return got


@pytest.mark.points(2)
def test_returns_a_dict_with_exactly_w1_b1_w2_b2(submission):
    (seed,) = random_key_numbers(300)
    assert_params(submission.run("init_params", key(seed)), f"init_params(PRNGKey({seed}))")


@pytest.mark.points(2)
def test_shapes_follow_the_layer_sizes(submission):
    (seed,) = random_key_numbers(301)
    for d_in, hidden, d_out in SIZES:
        called = (f"init_params(PRNGKey({seed}), input_dims={d_in}, n_hidden={hidden}, "
                  f"output_dims={d_out})")
        assert_params(submission.run("init_params", key(seed), input_dims=d_in, n_hidden=hidden,
                                     output_dims=d_out), called, (d_in, hidden, d_out))


@pytest.mark.points(1)
def test_arrays_are_float32(submission):
    (seed,) = random_key_numbers(302)
    called = f"init_params(PRNGKey({seed}))"
    got = assert_params(submission.run("init_params", key(seed)), called)
    for name in KEYS:
        assert_dtype(got[name], "float32", f"{called}[{name!r}]")


@pytest.mark.points(2)
def test_draws_the_same_numbers_as_the_reference(submission, reference):
    for seed, (d_in, hidden, d_out) in zip(random_key_numbers(303, 2), SIZES, strict=True):
        kwargs = {"input_dims": d_in, "n_hidden": hidden, "output_dims": d_out}
        assert_close(submission.run("init_params", key(seed), **kwargs),
                     reference.run("init_params", key(seed), **kwargs),
                     f"init_params(PRNGKey({seed}), {d_in}, {hidden}, {d_out})",
                     hint=diagnosis.init_params(
                         reference, key(seed), "split the key with jax.random.split(key, 4) into k_w1, "
                         "k_b1, k_w2, k_b2 (in that order) and draw each array with jax.random.normal "
                         "from its own key, times scale.", **kwargs))


@pytest.mark.points(1)
def test_scale_multiplies_every_array(submission, reference):
    (seed,) = random_key_numbers(304)
    for scale in (1.0, 0.25):
        assert_close(submission.run("init_params", key(seed), scale=scale),
                     reference.run("init_params", key(seed), scale=scale),
                     f"init_params(PRNGKey({seed}), scale={scale})",
                     hint=diagnosis.init_params(reference, key(seed), "every array is scale * "
                                                "jax.random.normal(...).", scale=scale))


@pytest.mark.points(2)
def test_every_array_has_its_own_key(submission):
    seed, other = random_key_numbers(305, 2)

    def draw(seed: int) -> tuple[str, dict]:
        called = f"init_params(PRNGKey({seed}), input_dims=4, n_hidden=4, output_dims=4, scale=1.0)"
        return called, assert_params(submission.run("init_params", key(seed), input_dims=4,
                                                    n_hidden=4, output_dims=4, scale=1.0),
                                     called, (4, 4, 4))

    (called, got), (_, elsewhere) = draw(seed), draw(other)
    for name in KEYS:  # the numbers must come from the key: constants are nobody's own key
        if np.allclose(np.asarray(got[name]), np.asarray(elsewhere[name])):
            raise Feedback(f"init_params(PRNGKey({seed})) and init_params(PRNGKey({other})) gave "
                           f"the same {name}: every array must be drawn from the key given.")
    flat = {name: np.asarray(value, dtype=np.float64).ravel()[:3] for name, value in got.items()}
    names = list(flat)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            if flat[a].shape == flat[b].shape and flat[a].size and np.allclose(flat[a], flat[b]):
                raise Feedback(
                    f"Called {called}\n  {a} and {b} start with the same numbers "
                    f"{np.round(flat[a], 5).tolist()}: they were drawn from the same key.",
                    cause="reusing a key. Split once into four keys and give each "
                    "array its own (the tutorial this kit grew from made this mistake).")
