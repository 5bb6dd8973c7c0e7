"""What ``python -m build`` makes installs and works on its own: a fresh venv gets the wheel
(built from the sdist, so the sdist is proved complete too) and converts the sample to every
format through the installed ``export-post`` command."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest

from export_post.registry import all_formats
from export_post.themes import installed_themes

from .support import ROOT, SAMPLE_POST


def _run(command: list[str | Path], cwd: Path) -> str:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"{command[:4]}: {done.stderr[-3000:]}"
    return done.stdout


@pytest.mark.slow
def test_the_built_wheel_installs_and_converts_the_sample_to_every_format(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    # The sdist first, then the wheel from it (build's default); offline, with this venv's hatchling.
    _run([sys.executable, "-m", "build", "--no-isolation", "--outdir", dist, ROOT], tmp_path)
    (sdist,), (wheel,) = dist.glob("*.tar.gz"), dist.glob("*.whl")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {"LICENSE", "CHANGELOG.md", "README.md", "pyproject.toml"} <= names
    with zipfile.ZipFile(wheel) as archive:
        listed = archive.namelist()
        metadata = archive.read(next(n for n in listed if n.endswith(".dist-info/METADATA"))).decode()
    assert "export_post/py.typed" in listed
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in listed)
    assert "License-Expression: AGPL-3.0-or-later" in metadata

    # A venv of its own with the wheel alone; the dependencies come from this test venv's
    # site-packages, listed after it (a .pth line adds the folder, not the .pth files in
    # it: this checkout's editable install stays out).
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv], tmp_path)
    python = venv / "bin" / "python"
    site = Path(
        _run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], tmp_path).strip()
    )
    (site / "zz_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _run([sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps", wheel], tmp_path)

    where = _run([python, "-c", "import export_post; print(export_post.__file__)"], tmp_path)
    assert Path(where.strip()).is_relative_to(venv), "export_post came from outside the venv"
    command = venv / "bin" / "export-post"
    formats = _run([command, "--list-formats"], tmp_path)
    assert [line.split("\t")[0] for line in formats.splitlines()] == sorted(all_formats())
    themes = _run([command, "--list-themes"], tmp_path)
    assert sorted(line.split("\t")[0] for line in themes.splitlines()) == sorted(installed_themes())
    _run([command, SAMPLE_POST, "-f", "all", "-o", f"{tmp_path}/out/", "--theme", "serif"], tmp_path)
    made = sorted(p.suffix for p in (tmp_path / "out").iterdir() if not p.name.startswith("."))
    assert made == [".epub", ".html", ".pdf", ".pptx"]
