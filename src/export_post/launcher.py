"""The ``export-post`` program's front door: the command run by a warm server when one is
listening for this interpreter and environment, else here, leaving a server behind for the
next run (see :mod:`export_post.warm`; ``EXPORT_POST_SERVER=off`` turns it off).

Only the standard library is imported before the decision: a served run costs the start of
Python and one round trip, not the 0.3–0.7 s of importing the exporters.
"""

from __future__ import annotations

import contextlib
import sys

from .warm import place

STOP = "--stop-servers"
_INTERRUPTED = (130, 143)  # 128 + SIGINT, SIGTERM (export_post.batch.interrupts)


def command() -> int:
    try:
        return _command(sys.argv[1:])
    except KeyboardInterrupt:  # Ctrl-C before the command set its own handling up
        sys.stderr.write("export-post: interrupted by SIGINT\n")
        return 130


def _command(argv: list[str]) -> int:
    if STOP in argv[: argv.index("--") if "--" in argv else len(argv)]:
        return _here()  # the command itself stops them, and says how many
    if not place.enabled():
        return _here()
    from .warm import client

    try:
        target = client.locate()
        served = None if target is None else client.run_served(target[0], argv)
    except OSError:  # no working folder any more, say: the command reports what it can
        target = served = None
    if served is not None:
        return served
    code = _here()
    if target is not None and code not in _INTERRUPTED:  # Ctrl-C or SIGTERM: maybe the last run
        with contextlib.suppress(OSError):
            client.start_server(*target)
    return code


def _here() -> int:
    from .cli import command as run

    return run()
