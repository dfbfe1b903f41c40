"""Run TinyDB's own test suite on kusanone's storage (CI runs this; see ``.ci/run``).

    .venv/bin/python tests/tinydb_contract/run.py [--sdist FILE] [pytest options...]

Fetches the sdist of the TinyDB version pinned in ``pyproject.toml`` with
``pip download --no-binary :all: --no-deps tinydb==<pinned>`` into a temporary folder, unpacks
it, takes out its ``tinydb/`` package (so the tests import the installed TinyDB, the one the app
runs on, which must be that version), and runs its ``tests/`` with our plugin
``kusanone_contract`` instead of its conftest: every test that takes the ``db`` fixture runs on
TinyDB's memory and JSON storages, on ``TinyDB(path, storage=LogStorage)`` and on ``LogDB(path)``,
each followed by a check that the open database equals a fresh open of the file. Nothing of
TinyDB's is copied into this repository. ``--sdist`` uses a downloaded sdist instead.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from importlib import metadata
from pathlib import Path

from packaging.specifiers import SpecifierSet

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def pinned_version() -> str:
    """``X`` from ``tinydb==X`` in pyproject.toml; else the installed version, if it satisfies
    the requirement there (``tinydb>=...``)."""
    text = (ROOT / "pyproject.toml").read_text("utf-8")
    match = re.search(r'"tinydb\s*([^"]*)"', text)
    if not match:
        sys.exit("tinydb_contract: pyproject.toml does not require tinydb")
    spec = SpecifierSet(match.group(1).split(";")[0].strip())
    pinned = [s.version for s in spec if s.operator == "=="]
    if pinned:
        return pinned[0]
    installed = metadata.version("tinydb")
    if installed not in spec:
        sys.exit(f"tinydb_contract: TinyDB {installed} is installed, pyproject wants {spec}")
    return installed


def main(argv: list[str]) -> int:
    sdist = None
    if argv[:1] == ["--sdist"]:
        sdist, argv = Path(argv[1]).resolve(), argv[2:]
    version = pinned_version()
    installed = metadata.version("tinydb")
    if installed != version:
        sys.exit(f"tinydb_contract: TinyDB {installed} is installed, {version} is pinned")
    with tempfile.TemporaryDirectory(prefix="tinydb-contract-") as tmp:
        work = Path(tmp)
        if sdist is None:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "download",
                    "-q",
                    "--no-binary",
                    ":all:",
                    "--no-deps",
                    f"tinydb=={version}",
                    "-d",
                    str(work),
                ],
                check=True,
            )
            found = sorted(work.glob(f"tinydb-{version}.tar.gz"))
            if not found:
                sys.exit(f"tinydb_contract: pip gave no tinydb-{version}.tar.gz")
            sdist = found[0]
        with tarfile.open(sdist) as archive:
            archive.extractall(work, filter="data")
        source = work / f"tinydb-{version}"
        if not (source / "tests" / "conftest.py").is_file():
            sys.exit(f"tinydb_contract: {sdist.name} has no tests/conftest.py")
        shutil.rmtree(source / "tinydb")  # the tests use the installed TinyDB
        env = {**os.environ, "PYTHONPATH": f"{HERE}{os.pathsep}{source}"}
        command = [
            sys.executable, "-m", "pytest", "tests", "--noconftest", "-p", "kusanone_contract",
            "-p", "no:cacheprovider", "-p", "no:kusanone", "-p", "no:asyncio",
            "-q", "-rsxX", *argv,
        ]  # fmt: skip
        print(f"TinyDB {version}'s test suite on kusanone's storage", flush=True)
        return subprocess.run(command, cwd=source, env=env).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
