"""correct: jax.nn.relu, einsum in predict, batched_predict as vmap of a closure."""


def relu(x):
    """Rectified linear unit from jax.nn."""
    return jax.nn.relu(x)


def predict(params, x):
    """The forward pass for one example, with einsum."""
    hidden = relu(jnp.einsum("hi,i->h", params["w1"], x) + params["b1"])
    return jnp.einsum("oh,h->o", params["w2"], hidden) + params["b2"]


def batched_predict(params, X):
    """vmap of a closure that fixes params."""
    return jax.vmap(lambda row: predict(params, row))(X)
