"""Partitioned and distributed execution: chambers enumerated cone by cone, on many cores.

What lives here
---------------
The split of an arrangement into independent cones (the chambers of a small sub-arrangement),
the per-cone tasks, and their execution on ``dask.distributed`` (a local cluster or a remote
scheduler), with one output shard per task.

What it may use
---------------
:mod:`arrangement.core`, :mod:`arrangement.geometry` and :mod:`arrangement.certificates`; never
training, pictures or the CLI. ``dask.distributed`` and pyarrow are imported only where used.
"""
