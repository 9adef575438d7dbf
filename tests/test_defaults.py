"""docs/contract.md: with the defaults, the reference reproduces XOR from every PRNGKey(i), i < 1000."""

import jax
import jax.numpy as jnp
import numpy as np

from autograder.judge import reference


def test_reference_reproduces_xor_for_1000_keys():
    ref = reference.load()

    def learns(key):
        params, losses = ref.train(ref.init_params(key), ref.X, ref.Y)
        return jnp.all((ref.batched_predict(params, ref.X)[:, 0] > 0.5) == (ref.Y > 0.5))

    keys = jnp.stack([jax.random.PRNGKey(i) for i in range(1000)])
    ok = np.asarray(jax.vmap(learns)(keys))
    assert ok.all(), f"keys that fail: {np.flatnonzero(~ok)[:20].tolist()}"


def test_xor_labels_are_true_xor():
    ref = reference.load()
    assert ref.Y.tolist() == [0.0, 1.0, 1.0, 0.0]
    assert ref.X.dtype == jnp.float32 and ref.X.shape == (4, 2)
