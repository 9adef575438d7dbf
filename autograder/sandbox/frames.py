"""Length-prefixed frames over pipes, with a deadline and a bound on their size.

One frame: its length (4 bytes, big-endian), then that many bytes. The judge talks to a
sandbox child this way (autograder.sandbox.protocol's messages, autograder.launch.door), and
a class's runner to its grader processes (autograder.coursework.class_folder,
autograder.coursework.grade_worker). A writer never blocks past its deadline (a reader
that stops reading must not hang it); a reader never waits past it, nor takes a frame larger
than it allows. In the sandbox room: every side may import it.
"""

import os
import select
import struct
import time

HEADER = struct.Struct(">I")


class FrameTooLarge(ValueError):
    """The other side announced a frame larger than the reader takes."""

    def __init__(self, size: int, most: int) -> None:
        super().__init__(f"a message of {size} bytes (at most {most})")


def framed(payload: bytes) -> bytes:
    return HEADER.pack(len(payload)) + payload


def write_all(descriptor: int, data: bytes, deadline: float | None = None) -> None:
    """Write ``data``; TimeoutError once ``deadline`` (time.monotonic) passes. A descriptor
    in non-blocking mode writes what fits each time the pipe has room."""
    view = memoryview(data)
    while view:
        left = None if deadline is None else deadline - time.monotonic()
        if left is not None and left <= 0:
            raise TimeoutError
        _, ready, _ = select.select([], [descriptor], [], left)
        if ready:
            view = view[os.write(descriptor, view):]


def read_exact(descriptor: int, size: int, deadline: float | None = None) -> bytes:
    """``size`` bytes; TimeoutError once ``deadline`` passes, EOFError at the pipe's end."""
    data = bytearray()
    while len(data) < size:
        left = None if deadline is None else deadline - time.monotonic()
        if left is not None and left <= 0:
            raise TimeoutError
        ready, _, _ = select.select([descriptor], [], [], left)
        if ready:
            chunk = os.read(descriptor, size - len(data))
            if not chunk:
                raise EOFError
            data += chunk
    return bytes(data)


def write_frame(descriptor: int, payload: bytes, deadline: float | None = None) -> None:
    write_all(descriptor, framed(payload), deadline)


def read_frame(descriptor: int, most: int, deadline: float | None = None) -> bytes:
    """The next frame's payload: FrameTooLarge for one over ``most`` bytes (nothing of it read),
    TimeoutError past ``deadline``, EOFError at the pipe's end."""
    (size,) = HEADER.unpack(read_exact(descriptor, HEADER.size, deadline))
    if size > most:
        raise FrameTooLarge(size, most)
    return read_exact(descriptor, size, deadline)
