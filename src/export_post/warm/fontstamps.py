"""The files and folders that say which fonts the machine has, for the server's staleness test.

A server has loaded and measured fonts before it serves (its rehearsal, :mod:`.rehearsal`),
so a font installed or removed after it started must end it, or a served run would draw
with the fonts of before. Fontconfig rescans a font folder when the folder's time changes;
the server watches the same things: every folder fontconfig reads fonts from (subfolders
included), each configured one that does not exist yet (a first font in
``~/.local/share/fonts`` makes it), and fontconfig's configuration files with their
folders. Asked of fontconfig itself, through cffi, once per server.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

_DECLARATIONS = """
typedef struct _FcConfig FcConfig;
typedef struct _FcStrList FcStrList;
typedef unsigned char FcChar8;
FcConfig *FcInitLoadConfigAndFonts(void);
void FcConfigDestroy(FcConfig *config);
FcStrList *FcConfigGetFontDirs(FcConfig *config);
FcStrList *FcConfigGetConfigDirs(FcConfig *config);
FcStrList *FcConfigGetConfigFiles(FcConfig *config);
FcChar8 *FcStrListNext(FcStrList *list);
void FcStrListDone(FcStrList *list);
"""
# Where fonts go when fontconfig is missing or says nothing (the slide exporter looks there).
_USUAL = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.fonts", "~/.local/share/fonts")


@lru_cache(maxsize=1)
def watched() -> tuple[str, ...]:
    """The files and folders to watch, in order (the server stamps them as it stamps its
    modules' files; one that does not exist yet is stamped as missing)."""
    named = [Path(p) for p in _from_fontconfig()] + [Path(p).expanduser() for p in _USUAL]
    data_home = os.environ.get("XDG_DATA_HOME")
    if data_home:
        named.append(Path(data_home) / "fonts")
    found = set(named)  # a folder that does not exist yet is watched for being made
    for path in named:
        if path.is_file():  # a configuration file: a new one beside it counts too
            found.add(path.parent)
    return tuple(sorted(map(os.fspath, found)))


def _from_fontconfig() -> Iterator[str]:
    try:
        from cffi import FFI  # type: ignore[import-untyped]  # WeasyPrint's, to reach fontconfig

        ffi = FFI()
        ffi.cdef(_DECLARATIONS)
        lib: Any = ffi.dlopen("libfontconfig.so.1")
    except (ImportError, OSError, AttributeError):
        return
    config = lib.FcInitLoadConfigAndFonts()
    if config == ffi.NULL:
        return
    try:
        for listing in (lib.FcConfigGetFontDirs, lib.FcConfigGetConfigDirs, lib.FcConfigGetConfigFiles):
            strings = listing(config)
            if strings == ffi.NULL:
                continue
            try:
                while (entry := lib.FcStrListNext(strings)) != ffi.NULL:
                    yield os.fsdecode(ffi.string(entry))
            finally:
                lib.FcStrListDone(strings)
    finally:
        lib.FcConfigDestroy(config)
