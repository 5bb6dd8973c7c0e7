"""Converting many posts: finding them, running a job per post in isolated workers (or on
a Dask cluster), skipping what is up to date, and reporting results as they arrive.

======================  ===============================================================
:mod:`.schedule`        :func:`export_many`: the batch, its jobs and where they run
:mod:`.job`             :class:`PostJob` and :func:`run_job`: one post, all its formats
:mod:`.settings`        :class:`Settings`, the one definition of the settings
:mod:`.results`         :class:`ExportResult`, and results and diagnostics as JSON
:mod:`.discovery`       the posts an input stands for; each post once; name clashes
:mod:`.buildcache`      incremental builds: fingerprints and the manifest
:mod:`.folderlock`      the lock a manifest is merged under
:mod:`.isolation`       worker processes with time and memory limits
:mod:`.cluster`         a Dask executor
:mod:`.remote`          a batch on an executor: each post read here, sent, written here
:mod:`.shipping`        what travels: a post's files out, its outputs' bytes back
:mod:`.progress`        the progress bar of the command line
:mod:`.interrupts`      SIGINT and SIGTERM end a batch cleanly
======================  ===============================================================
"""

from .discovery import Post, discover, find_posts
from .job import PostJob, convert_post, run_job
from .results import ExportResult
from .schedule import export_many
from .settings import Settings, make_settings

__all__ = [
    "ExportResult",
    "Post",
    "PostJob",
    "Settings",
    "convert_post",
    "discover",
    "export_many",
    "find_posts",
    "make_settings",
    "run_job",
]
