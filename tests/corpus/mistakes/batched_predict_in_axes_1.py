"""wrong: batched_predict: maps over axis 1 of X (the columns) instead of axis 0 (the rows).
cause: in_axes=(None, 0)
"""


def batched_predict(params, X):
    """``predict`` for every row of ``X``."""
    return jax.vmap(predict, in_axes=(None, 1))(params, X)
