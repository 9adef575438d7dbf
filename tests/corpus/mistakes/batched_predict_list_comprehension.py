"""wrong: batched_predict: a list comprehension over the rows, returned as a list.
cause: list, jax.vmap
"""


def batched_predict(params, X):
    """``predict`` for every row of ``X``."""
    return [predict(params, x) for x in X]
