"""wrong: batched_predict: uses the default in_axes=0, so vmap also maps over the parameters.
cause: in_axes=(None, 0), params
"""


def batched_predict(params, X):
    """``predict`` for every row of ``X``."""
    return jax.vmap(predict)(params, X)
