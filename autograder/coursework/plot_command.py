"""``python -m autograder plot [PATH] [--out DIR] [--seed SEED]``: a submission's loss curve and
decision boundary, trained in a sandbox from one key (the drawing is autograder.judge.plots)."""

import argparse
import sys
from pathlib import Path

from autograder import EXERCISE_PATH
from autograder.judge.plots import (
    BOUNDARY,
    LOSS_CURVE,
    SEED,
    PlotError,
    Training,
    draw,
    grid_outputs,
    train_from_key,
)
from autograder.judge.submissions import Limits, SandboxSubmission


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", default=str(EXERCISE_PATH),
                        help="a .py file that defines the exercises (default: exercises/xor_net.py)")
    parser.add_argument("--out", default="xor-plots", metavar="DIR",
                        help=f"the folder for {LOSS_CURVE} and {BOUNDARY} (default: xor-plots)")
    parser.add_argument("--seed", type=int, default=SEED,
                        help=f"train from jax.random.PRNGKey(SEED) (default: {SEED})")


def run(args: argparse.Namespace) -> int:
    path = Path(args.path)
    if not path.is_file():
        print(f"error: no such file: {path}", file=sys.stderr)
        return 2
    if path.suffix != ".py":
        print(f"error: {path} is not a .py file", file=sys.stderr)
        return 2
    print(f"Training {path} from PRNGKey({args.seed}) with its own init_params, train and "
          "batched_predict ...")
    sandbox = SandboxSubmission(path, Limits())
    training, failure = None, None
    try:
        trained, losses = train_from_key(sandbox, args.seed)
        training = Training(args.seed, losses)
        training.grid = grid_outputs(sandbox, trained)
    except PlotError as error:
        failure = error
    finally:
        sandbox.close()
    if training is not None:  # the loss curve, even when the grid could not be computed
        for written in draw(training, Path(args.out)).values():
            print(f"wrote {written}")
    if failure is not None:
        print(f"error: no {'decision boundary' if training else 'plots'}, because "
              f"{failure.function} failed.\n{failure}", file=sys.stderr)
        return 1
    return 0
