"""Running a batch on a Dask cluster (``pip install 'export-post[dask]'``).

The scheduler hands each post to a worker as one task, with the files it may read
(:mod:`.remote`, :mod:`.shipping`). Workers need export-post (and the batch's plugins)
installed and no shared disk: they read and write nothing of this machine's; the time and
memory limits apply there as they do locally.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Executor
from contextlib import contextmanager

from ..errors import OptionError

CONNECT_TIMEOUT = "10s"


@contextmanager
def dask_executor(address: str) -> Iterator[Executor]:
    """An executor whose tasks run on the Dask cluster whose scheduler is at ``address``."""
    try:
        from distributed import Client
    except ImportError:
        raise OptionError("--dask-scheduler needs Dask: pip install 'export-post[dask]'") from None
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)  # type: ignore[no-untyped-call]
    except (OSError, ValueError) as err:
        raise OptionError(f"cannot connect to the Dask scheduler at {address}: {err}") from err
    try:
        # pure=False: a conversion writes files, so the same task must never be deduplicated.
        yield client.get_executor(pure=False)  # type: ignore[no-untyped-call]
    finally:
        client.close()  # type: ignore[no-untyped-call]
