"""How often does training reproduce XOR? The kit's settings against the original tutorial's.

For every ``jax.random.PRNGKey(i)``, ``i < N``, each setting draws a fresh 2-16-1 network,
trains it with per-example gradient descent and checks the trained network's truth table.
The table counts the keys that reproduce XOR:

(a) the kit: the reference functions of ``solutions/xor_net.py`` with their defaults;
(b) the tutorial as published: scale 0.01, step 0.01, 500 epochs, one key reused for w1 and
    w2 and another for b1 and b2, XNOR labels ``[1, 0, 0, 1]``, checked as it checks them
    (``output < 0.5`` must print the XOR table);
(c) the tutorial's settings with XOR labels and one key per array;
(d) (c) with only the scale, only the step, or both changed to the kit's 0.1.

Rows (b) to (d) use this file's own short re-implementation of the tutorial's training (the
same maths as the reference), so that the last row also cross-checks row (a). Every row is
one ``jax.jit`` of a ``jax.vmap`` over the keys of a ``jax.lax.scan`` over epochs.

    python benchmarks/convergence.py               # 1000 keys, a few seconds
    python benchmarks/convergence.py --keys 100
    python benchmarks/convergence.py --loop-timing # also time the tutorial's unjitted loop
"""

import argparse
import functools
import importlib.util
import os
import time
from pathlib import Path
from types import ModuleType

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

Params = dict[str, jax.Array]

REFERENCE = Path(__file__).resolve().parent.parent / "solutions" / "xor_net.py"

X = jnp.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], dtype=jnp.float32)
XOR = jnp.array([0.0, 1.0, 1.0, 0.0], dtype=jnp.float32)
XNOR = 1.0 - XOR  # what the tutorial trained on, under the name XOR

TUTORIAL_SCALE, TUTORIAL_STEP, TUTORIAL_EPOCHS = 0.01, 0.01, 500
LONG_EPOCHS = 5000  # for the diagnosis: does (c) get there if it trains longer?


def load_reference() -> ModuleType:
    """Import ``solutions/xor_net.py`` by path (the kit need not be installed)."""
    spec = importlib.util.spec_from_file_location("xor_net_reference", REFERENCE)
    assert spec is not None and spec.loader is not None, f"cannot load {REFERENCE}"
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- Initialisations: the tutorial's key reuse, and one key per array -----------------------


def init_reused_keys(key: jax.Array, scale: float) -> Params:
    """The tutorial's initialisation: w1 and w2 share a key, and so do b1 and b2."""
    w_key, b_key = jax.random.split(key)
    return {
        "w1": scale * jax.random.normal(w_key, (16, 2)),
        "b1": scale * jax.random.normal(b_key, (16,)),
        "w2": scale * jax.random.normal(w_key, (1, 16)),
        "b2": scale * jax.random.normal(b_key, (1,)),
    }


def init_one_key_each(key: jax.Array, scale: float) -> Params:
    """The kit's initialisation: ``split(key, 4)``, one key per array."""
    k_w1, k_b1, k_w2, k_b2 = jax.random.split(key, 4)
    return {
        "w1": scale * jax.random.normal(k_w1, (16, 2)),
        "b1": scale * jax.random.normal(k_b1, (16,)),
        "w2": scale * jax.random.normal(k_w2, (1, 16)),
        "b2": scale * jax.random.normal(k_b2, (1,)),
    }


# --- The tutorial's training, written out once (independent of the reference) -------------


def predict(params: Params, x: jax.Array) -> jax.Array:
    return params["w2"] @ jnp.maximum(params["w1"] @ x + params["b1"], 0.0) + params["b2"]


def loss(params: Params, x: jax.Array, y: jax.Array) -> jax.Array:
    return jnp.mean((predict(params, x) - y) ** 2)


def mean_loss(params: Params, Y: jax.Array) -> jax.Array:
    return jnp.mean(jax.vmap(loss, in_axes=(None, 0, 0))(params, X, Y))


def train(params: Params, Y: jax.Array, step: jax.Array, epochs: int) -> Params:
    """Per-example gradient descent: ``epochs`` passes over the four rows, in order."""

    def one_row(p: Params, xy: tuple[jax.Array, jax.Array]) -> tuple[Params, None]:
        grads = jax.grad(loss)(p, *xy)
        return jax.tree.map(lambda w, g: w - step * g, p, grads), None

    def one_epoch(p: Params, _: None) -> tuple[Params, None]:
        return lax.scan(one_row, p, (X, Y))[0], None

    return lax.scan(one_epoch, params, None, length=epochs)[0]


@functools.partial(jax.jit, static_argnames="epochs")
def train_all(params: Params, Y: jax.Array, step: float, epochs: int) -> Params:
    """``train`` for a batch of networks (a leading key axis on every array) at once."""
    return jax.vmap(train, in_axes=(0, None, None, None))(params, Y, step, epochs)


@jax.jit
def outputs(params: Params) -> jax.Array:
    """The four outputs of every network in the batch: shape ``(keys, 4)``."""
    return jax.vmap(jax.vmap(predict, in_axes=(None, 0)), in_axes=(0, None))(params, X)[..., 0]


def learns(out: jax.Array, labels: jax.Array) -> np.ndarray:
    """Per key: do the outputs, thresholded at 0.5, give ``labels``?"""
    return np.asarray(jnp.all((out > 0.5) == (labels > 0.5), axis=1))


def run_reference(ref: ModuleType, keys: jax.Array) -> np.ndarray:
    """Row (a): the kit's own functions and defaults, vmapped over the keys."""

    def one(key: jax.Array) -> jax.Array:
        params, _ = ref.train(ref.init_params(key), ref.X, ref.Y)
        return ref.batched_predict(params, ref.X)[:, 0]

    out = jax.jit(jax.vmap(one))(keys)
    return learns(out, ref.Y)


# --- Report ----------------------------------------------------------------------------------


def table(rows: list[tuple[str, str, str, float, float, int, np.ndarray]]) -> str:
    line = "{:<34} {:<10} {:<6} {:>5} {:>5} {:>6}  {}"
    lines = [line.format("setting", "keys", "labels", "scale", "step", "epochs", "reproduced")]
    for *settings, ok in rows:
        lines.append(line.format(*settings, f"{ok.sum():>5} / {ok.size} ({100 * ok.mean():5.1f}%)"))
    return "\n".join(lines)


def diagnose(trained: Params, ok: np.ndarray) -> list[str]:
    """Why do the failures of (c) fail? Where their loss stands, and what more epochs do."""
    final = np.asarray(jax.vmap(mean_loss, in_axes=(0, None))(trained, XOR))
    fail = final[~ok]
    lines = [f"(c) fails for {fail.size} keys. Their final mean loss (0.25: output 0.5 for all):"]
    for low, high, meaning in [
        (0.24, 1.0, "still on the plateau"),
        (0.15, 0.24, "on the way down"),
        (0.0, 0.15, "further down"),
    ]:
        n = int(((fail >= low) & (fail < high)).sum())
        lines.append(
            f"    {low:.2f} <= loss < {high:.2f} ({meaning + '):':<22} {n:>4}"
            f" ({100 * n / max(fail.size, 1):.0f}% of the failures)"
        )
    if ok.any():
        lines.append(
            f"    The successes' final loss is at most {final[ok].max():.3f}:"
            " many have only just crossed 0.5."
        )
    # Keep training the same networks, 500 epochs at a time, until all reproduce XOR.
    counts, epochs = [f"{TUTORIAL_EPOCHS}: {ok.sum()}"], TUTORIAL_EPOCHS
    while not ok.all() and epochs < LONG_EPOCHS:
        trained = train_all(trained, XOR, TUTORIAL_STEP, TUTORIAL_EPOCHS)
        epochs += TUTORIAL_EPOCHS
        ok = learns(outputs(trained), XOR)
        counts.append(f"{epochs}: {ok.sum()}")
    lines.append(f"(c) trained on: keys that reproduce XOR after N epochs: {', '.join(counts)}")
    return lines


def gradient_sizes(params: Params) -> tuple[jax.Array, jax.Array]:
    """Size of the full-batch gradient of one network: of w1, b1 and w2 together; of b2."""
    grads = jax.grad(mean_loss)(params, XOR)
    weights = jnp.sqrt(sum(jnp.sum(grads[k] ** 2) for k in ("w1", "b1", "w2")))
    return weights, jnp.abs(grads["b2"][0])


@jax.jit
def first_gradient(params: Params) -> tuple[jax.Array, jax.Array]:
    """The medians of ``gradient_sizes`` over a batch of networks."""
    weights, b2 = jax.vmap(gradient_sizes)(params)
    return jnp.median(weights), jnp.median(b2)


def loop_timing(ref: ModuleType) -> str:
    """The tutorial's loop (unjitted grad, one example at a time) against the reference train.

    Run it before anything else compiles, so that the first call of ``train`` pays its compile.
    """
    params = jax.block_until_ready(ref.init_params(jax.random.PRNGKey(0)))
    start = time.perf_counter()
    p = params
    for _ in range(TUTORIAL_EPOCHS):
        for x, y in zip(X, XOR, strict=True):
            grads = jax.grad(loss)(p, x, y)
            p = {k: p[k] - TUTORIAL_STEP * grads[k] for k in p}
            loss(p, x, y).block_until_ready()
    loop = time.perf_counter() - start
    times = []
    for _ in range(2):
        start = time.perf_counter()
        jax.block_until_ready(ref.train(params, ref.X, ref.Y))
        times.append(time.perf_counter() - start)
    return (
        f"{TUTORIAL_EPOCHS} epochs x 4 rows, one network: the tutorial's unjitted loop"
        f" {loop:.2f} s; the reference train (jit + lax.scan) {times[0]:.3f} s on its first"
        f" call (compiling included), {times[1] * 1000:.1f} ms on the next:"
        f" {loop / times[0]:.0f}x and {loop / times[1]:.0f}x faster."
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--keys", type=int, default=1000, help="train from PRNGKey(i) for i < KEYS (default: 1000)"
    )
    parser.add_argument(
        "--loop-timing",
        action="store_true",
        help="also time the tutorial's unjitted training loop (about 10 s)",
    )
    args = parser.parse_args(argv)

    ref = load_reference()
    timing = loop_timing(ref) if args.loop_timing else ""
    start = time.perf_counter()
    keys = jax.vmap(jax.random.PRNGKey)(jnp.arange(args.keys))
    scale, step, epochs = TUTORIAL_SCALE, TUTORIAL_STEP, TUTORIAL_EPOCHS
    init_split = jax.jit(jax.vmap(init_one_key_each, in_axes=(0, None)))
    small, big = init_split(keys, scale), init_split(keys, 0.1)
    reused = jax.jit(jax.vmap(init_reused_keys, in_axes=(0, None)))(keys, scale)

    # (b): the tutorial prints `output < 0.5` and reads the XOR table there. For XNOR labels
    # that is the same as learning its own labels (`output > 0.5` gives [1, 0, 0, 1]).
    out_b = outputs(train_all(reused, XNOR, step, epochs))
    ok_b = np.asarray(jnp.all((out_b < 0.5) == (XOR > 0.5), axis=1))
    assert (ok_b == learns(out_b, XNOR)).all()
    trained_c = train_all(small, XOR, step, epochs)
    ok_c = learns(outputs(trained_c), XOR)

    def xor_rate(params: Params, step: float) -> np.ndarray:
        return learns(outputs(train_all(params, XOR, step, epochs)), XOR)

    rows = [
        ("(a) kit: reference, defaults", "split(k,4)", "XOR", ref.SCALE, ref.STEP_SIZE, ref.EPOCHS),
        ("(b) tutorial as published", "reused", "XNOR", scale, step, epochs),
        ("(c) tutorial, XOR, key per array", "split(k,4)", "XOR", scale, step, epochs),
        ("(d) (c) + kit's scale only", "split(k,4)", "XOR", 0.1, step, epochs),
        ("(d) (c) + kit's step only", "split(k,4)", "XOR", scale, 0.1, epochs),
        ("(d) (c) + both (= a, own code)", "split(k,4)", "XOR", 0.1, 0.1, epochs),
    ]
    results = [
        run_reference(ref, keys),
        ok_b,
        ok_c,
        xor_rate(big, step),
        xor_rate(small, 0.1),
        xor_rate(big, 0.1),
    ]
    print(
        f"Keys that reproduce the truth table, over PRNGKey(i) for i < {args.keys}"
        " (2-16-1 ReLU network, MSE, per-example gradient descent):\n"
    )
    print(table([(*row, ok) for row, ok in zip(rows, results, strict=True)]))

    print("\nDiagnosis")
    for line in diagnose(trained_c, ok_c):
        print(line)
    (w_small, b2_small), (w_big, _) = first_gradient(small), first_gradient(big)
    print(
        f"Median size of the first full-batch gradient: w1, b1, w2 together {w_small:.3f}"
        f" at scale {scale}, {w_big:.3f} at scale 0.1; b2 alone {b2_small:.2f}. b2 brings"
        " the output to about 0.5 (loss 0.25) at once; the weights that bend it away from"
        " 0.5 start tiny and grow slowly at step 0.01."
    )
    same = bool(
        jnp.all(reused["w2"][:, 0, :] == reused["w1"].reshape(-1, 32)[:, :16])
        & jnp.all(reused["b2"][:, 0] == reused["b1"][:, 0])
    )
    print(f"Key reuse in (b): w2 is w1.ravel()[:16] and b2 is b1[:1], for every key: {same}.")
    print(
        f"\nWall time: {time.perf_counter() - start:.1f} s (JAX on {jax.default_backend()},"
        f" {os.cpu_count()} CPU cores, compiling included)"
    )

    if timing:
        print(f"\n{timing}")


if __name__ == "__main__":
    main()
