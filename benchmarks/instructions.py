"""Where the first screen's time goes, counted in instructions (issue 17; an analysis aid).

Wall time on this shared machine wanders by 10–20 % from run to run; the number of instructions
a process runs does not (within about 1 %). This script runs ``kusanone demo`` and the bare
Textual hello-world of ``waits.py`` under valgrind (``cachegrind``, no cache simulation) in a
120×40 pseudo-terminal, and stops each one at a chosen point: when Textual is imported, when
kusanone's command line is imported, when ``App.run`` starts, when the app is ready, and when the
first full screen has been written (the key bar's ``もとに戻す``, the marker ``waits.py`` polls
for). The ratio at "written" is the instruction-count twin of the target measured by
``waits.py``; the stops in between say which part grew. It needs valgrind, and takes about 10 s
a stop.

    .venv/bin/python benchmarks/instructions.py [--stops textual,cli,run,ready,written]

The process stops itself through small patches of Textual's ``App.run``, ``App._ready`` and the
Linux driver's ``write`` made before anything else is imported: this is not the real command as
a user starts it (``waits.py`` measures that), only a ruler for comparing two versions of it.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from waits import terminal_env  # beside this script

HERE = Path(__file__).resolve().parent
PY = str(HERE.parent / ".venv" / "bin" / "python")
STOPS = ("textual", "cli", "run", "ready", "written")

HARNESS = r'''
import os, sys
STOP, WHAT = os.environ["STOP"], sys.argv[1]
import textual.app
if STOP == "textual":
    os._exit(0)
import textual.drivers.linux_driver as linux
MARK = "hello world, first screen" if WHAT == "hello" else "もとに戻す"
_write = linux.LinuxDriver.write
def write(self, data):
    if STOP == "written" and MARK in data:
        os._exit(0)
    return _write(self, data)
linux.LinuxDriver.write = write
_run = textual.app.App.run
def run(self, *args, **kwargs):
    if STOP == "run":
        os._exit(0)
    return _run(self, *args, **kwargs)
textual.app.App.run = run
_ready = textual.app.App._ready
async def ready(self):
    if STOP == "ready":
        os._exit(0)
    await _ready(self)
textual.app.App._ready = ready
if WHAT == "hello":
    from textual.app import App
    from textual.widgets import Static
    class Hello(App):
        def compose(self):
            yield Static("hello world, first screen")
    if STOP == "cli":
        os._exit(0)
    Hello().run()
elif STOP == "cli":  # the command line imported, as entry.main imports it (collector off)
    import gc
    gc.disable()
    import kusanone_tui.cli
    os._exit(0)
else:
    from kusanone_tui.entry import main
    main(["demo"])  # what the kusanone script runs
'''


def count(harness: Path, what: str, stop: str, env: dict[str, str]) -> float:
    """Millions of instructions the process ran until ``stop``."""
    command = (
        "stty cols 120 rows 40; valgrind --tool=cachegrind --cache-sim=no "
        f"--cachegrind-out-file=/dev/null {PY} {harness} {what}"
    )
    done = subprocess.run(
        ["script", "-qfc", command, "/dev/null"],
        env={**env, "STOP": stop},
        capture_output=True,
        timeout=600,
    )
    found = re.findall(rb"I\s+refs:\s+([\d,]+)", done.stdout + done.stderr)
    if not found:
        raise RuntimeError(f"{what} at {stop}: no instruction count from valgrind")
    return int(found[-1].replace(b",", b"")) / 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stops", default=",".join(STOPS))
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None or shutil.which("script") is None:
        print("instructions.py: needs valgrind and script (util-linux)", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="kusanone-instructions-"))
    try:
        harness = work / "harness.py"
        harness.write_text(HARNESS, encoding="utf-8")
        env = {**terminal_env(work), "PYTHONHASHSEED": "0"}
        count(harness, "demo", "written", env)  # fills the caches (plugin index, parsed TOML)
        print("| stop | hello-world (M instructions) | kusanone demo | ratio |")
        print("|---|---:|---:|---:|")
        for stop in args.stops.split(","):
            hello, mine = count(harness, "hello", stop, env), count(harness, "demo", stop, env)
            print(f"| {stop} | {hello:.0f} | {mine:.0f} | {mine / hello:.2f}× |")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
