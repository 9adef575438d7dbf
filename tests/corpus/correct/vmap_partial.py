"""correct: batched_predict via vmap of functools.partial(predict, params)."""


def batched_predict(params, X):
    """vmap of predict with params bound by functools.partial."""
    return jax.vmap(functools.partial(predict, params))(X)
