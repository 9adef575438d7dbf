"""correct: init_params zips names, split keys and shapes in one comprehension."""


def init_params(key, input_dims=2, n_hidden=16, output_dims=1, scale=SCALE):
    """Draw the starting parameters, one key per array."""
    names = ("w1", "b1", "w2", "b2")
    shapes = ((n_hidden, input_dims), (n_hidden,), (output_dims, n_hidden), (output_dims,))
    keys = jax.random.split(key, 4)
    return {n: scale * jax.random.normal(k, s) for n, k, s in zip(names, keys, shapes)}
