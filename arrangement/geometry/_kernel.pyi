"""Type stub of the compiled enumeration kernel (arrangement/geometry/_kernel.c)."""

from collections.abc import Callable

def chambers(
    normals: bytes,
    n: int,
    dim: int,
    fixed: bytes,
    weights: bytes,
    above_inner: int,
    above_top: int,
    progress: Callable[[int], None] | None,
    /,
) -> tuple[bytearray, bytearray, int] | None: ...
