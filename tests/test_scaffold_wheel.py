"""The scaffold's package installs from a wheel with its template file, in a fresh venv, and
kusanone there finds the plugin and its template (issue 14 point 4). Offline: the wheel is built
without build isolation and installed without dependencies; the fresh venv sees this kusanone
(and what it needs) through a ``.pth`` file, as a user's installed kusanone would be seen."""

from __future__ import annotations

import json
import os
import site
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from kusanone_tui.cli import main

pytestmark = pytest.mark.slow


def _run(*args: object, **kwargs) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "KUSANONE_LANG": "en",
        "PIP_NO_INDEX": "1",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    env.pop("PYTHONPATH", None)
    done = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, timeout=600, env=env, **kwargs
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def test_the_scaffold_installs_its_template_from_a_wheel(tmp_path: Path) -> None:
    assert main(["plugin", "new", "kumo", "--dir", str(tmp_path)]) == 0
    folder = tmp_path / "kusanone-kumo"
    assert (folder / "kusanone_kumo" / "kumo_kai.toml").is_file()
    wheels = tmp_path / "wheels"
    _run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "--no-index",
        "-w",
        wheels,
        folder,
    )
    (wheel,) = wheels.glob("kusanone_kumo-*.whl")
    fresh = tmp_path / "fresh"
    venv.EnvBuilder(with_pip=True).create(fresh)
    python = fresh / "bin" / "python"
    # This kusanone and its dependencies, seen from the fresh venv (its own site-packages stay
    # first, so the plugin comes from the wheel and nowhere else).
    fresh_site = Path(
        _run(
            python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"
        ).stdout.strip()
    )
    ours = [p for p in site.getsitepackages() if Path(p).is_dir()]
    (fresh_site / "zz_kusanone_dev.pth").write_text(
        "".join(f"import site; site.addsitedir({p!r})\n" for p in ours), "utf-8"
    )
    _run(python, "-m", "pip", "install", "--no-deps", "--no-index", wheel)
    installed = fresh_site / "kusanone_kumo"
    assert (installed / "kumo_kai.toml").is_file(), sorted(p.name for p in installed.iterdir())
    data = tmp_path / "store"
    listed = json.loads(
        _run(python, "-m", "kusanone_tui", "--data", data, "plugins", "--json").stdout
    )
    (kumo,) = [row for row in listed if row["name"] == "kumo"]
    assert kumo["source"] == "package" and kumo["enabled"], kumo
    # the template, from the installed file, through the API a script uses and through `new`
    found = _run(
        python, "-c", "from kusanone_tui.templates import load; print(load('kumo_kai').id)"
    )
    assert found.stdout.strip() == "kumo_kai"
    _run(python, "-m", "kusanone_tui", "--data", data, "new", "kumo_kai")
