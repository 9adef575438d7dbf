"""wrong: relu: uses Python's max(0, x), which cannot compare a whole array with 0.
cause: max()
"""


def relu(x):
    """Rectified linear unit."""
    return max(0.0, x)
