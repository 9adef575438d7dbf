"""The xor section pays for training only: an init_params that returns a network solving XOR
and a train that changes nothing earn no xor points, and the feedback blames train."""

import re

from conftest import ROOT, by_exercise, grade_json

# h1 = relu(x1 + x2), h2 = relu(x1 + x2 - 1), output h1 - 2 h2: XOR, before any training.
SOLVED_START = '''
def init_params(key, input_dims=2, n_hidden=16, output_dims=1, scale=SCALE):
    """A network that already computes XOR (for the XOR sizes)."""
    w1 = jnp.zeros((n_hidden, input_dims)).at[0].set(1.0).at[1].set(1.0)
    b1 = jnp.zeros((n_hidden,)).at[1].set(-1.0)
    w2 = jnp.zeros((output_dims, n_hidden)).at[:, 0].set(1.0).at[:, 1].set(-2.0)
    return {"w1": w1, "b1": b1, "w2": w2, "b2": jnp.zeros((output_dims,))}
'''
NO_TRAINING = '''
def train(params, X, Y, epochs=EPOCHS, step_size=STEP_SIZE):
    """Changes nothing; the loss of the params it was given, once per epoch."""
    mean = jnp.mean(jax.vmap(loss, in_axes=(None, 0, 0))(params, X, Y))
    return params, jnp.full((epochs,), mean)
'''


def replaced(source: str, name: str, new: str) -> str:
    """``source`` with the top-level function ``name`` (its docstring and body) replaced."""
    pattern = re.compile(rf"\ndef {name}\(.*?(?=\n(?:def |@|### BEGIN SOLUTION\n@))", re.S)
    assert pattern.search(source), name
    return pattern.sub(lambda _: new.rstrip("\n") + "\n\n", source, count=1)


def test_a_solved_start_and_no_training_earn_no_xor_points(tmp_path):
    source = (ROOT / "solutions" / "xor_net.py").read_text()
    path = tmp_path / "xor_net.py"
    path.write_text(replaced(replaced(source, "init_params", SOLVED_START), "train", NO_TRAINING))
    result = grade_json(path, tmp_path, "--exercise", "xor")
    assert by_exercise(result)["xor"][0] == 0, [(t["name"], t["status"]) for t in result["tests"]]
    causes = [line for t in result["tests"] for line in t["output"].splitlines()
              if line.startswith("Likely cause: ")]
    assert causes and all(c.startswith("Likely cause: your train") for c in causes), causes
