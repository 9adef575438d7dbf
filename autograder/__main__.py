"""``python -m autograder COMMAND``: the command table is autograder.cli."""

import sys

from autograder.cli import main

if __name__ == "__main__":
    sys.exit(main())
