"""wrong: batched_predict: squeezes the result, dropping the output axis when output_dims is 1.
cause: dropped the output axis
"""


def batched_predict(params, X):
    """``predict`` for every row of ``X``."""
    return jax.vmap(predict, in_axes=(None, 0))(params, X).squeeze()
