"""wrong: batched_predict: uses out_axes=1, returning shape (output_dims, n).
cause: out_axes
"""


def batched_predict(params, X):
    """``predict`` for every row of ``X``."""
    return jax.vmap(predict, in_axes=(None, 0), out_axes=1)(params, X)
