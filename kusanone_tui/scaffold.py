"""``kusanone plugin new NAME``: a ready plugin package whose test passes straight away."""

from __future__ import annotations

import re
from pathlib import Path

_NAME = re.compile(r"^[a-z][a-z0-9_]{1,40}$")


class ScaffoldError(ValueError):
    """A name that cannot be a plugin, or a folder that is already there."""


PYPROJECT = """\
[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "kusanone-{dash}"
version = "0.1.0"
description = "A kusanone plugin: {name}"
requires-python = ">=3.11"
dependencies = ["kusanone"]

[project.optional-dependencies]
test = ["pytest", "pytest-asyncio"]

# This line is how kusanone finds the plugin once it is installed (pip install -e .).
[project.entry-points.kusanone_tui]
{name} = "kusanone_{name}"

[tool.setuptools]
packages = ["kusanone_{name}"]

# The template file beside the module is part of the package, in a wheel too.
[tool.setuptools.package-data]
kusanone_{name} = ["*.toml"]

[tool.pytest.ini_options]
pythonpath = ["."]
asyncio_mode = "auto"
asyncio_default_fixture_loop_scope = "function"
"""

MODULE = '''\
"""{name}: a kusanone plugin.

One stage type, "{name}", with a facilitator panel and a projector view, one command on the key
"j", and a template "{name}_kai" that uses the stage. Change what you like; docs/plugins.md in
kusanone explains every hook.
"""

from pathlib import Path

from rich.text import Text

from kusanone_tui import hookimpl
from kusanone_tui.plugin_types import Command, StageType, TemplateSource

__version__ = "0.1.0"
KUSANONE_API = ">=1.0,<2"  # the plugin API versions this plugin works with

# The meeting template is a file beside this module ({name}_kai.toml), installed with it.
TEMPLATE = (Path(__file__).parent / "{name}_kai.toml").read_text("utf-8")


def count(api_or_view):
    """How many times "j" was pressed: worked out from the plugin's own events. Works with the
    API (where ``events`` is a method) and with a view (where it is a tuple)."""
    events = api_or_view.events
    events = events() if callable(events) else events
    return sum(1 for event in events if event.kind.endswith(":pressed"))


def panel(api, state):
    # The facilitator's panel. The facilitator's screen is often the one on the wall: show
    # only what the room may see while api.wall_safe is True (it is, unless in the private view).
    label = api.text({{"ja": "j を押した回数", "en": "Presses of j"}})
    return Text(f"{{label}}: {{count(api)}}")


def projector(view):
    # The room's view: only events appended with visibility="public" are in view.events.
    return Text(f"♪ {{count(view)}}", style="bold")


def press(api):
    api.append("pressed", {{}}, visibility="public")
    api.notify(api.text({{"ja": "押しました", "en": "Pressed"}}))


@hookimpl
def register_stage_types(register):
    register(StageType("{name}", {{"ja": "{name}", "en": "{name}"}}, panel=panel,
                       projector=projector))


@hookimpl
def register_commands(register):
    register(Command("press", {{"ja": "押す", "en": "Press"}}, press, key="j",
                     stage_type="{name}"))


@hookimpl
def register_templates(register):
    register(TemplateSource("{name}_kai", TEMPLATE))
'''

TEMPLATE_TOML = """\
[template]
id = "{name}_kai"
title = { ja = "{name} の会", en = "{name} meeting" }
minutes = 30

[[stages]]
id = "opening"
type = "opening"
title = { ja = "はじめに", en = "Welcome" }
minutes = 5

[[stages]]
id = "main"
type = "{name}"
title = { ja = "{name}", en = "{name}" }
minutes = 20

[[stages]]
id = "closing"
type = "closing"
title = { ja = "おわりに", en = "Closing" }
minutes = 5
"""

TEST = '''\
"""The plugin, driven as a facilitator would. Run: python -m pytest"""

import kusanone_{name}
from kusanone_tui.testing import screen_text


async def test_the_stage_counts_presses(kusanone_pilot):
    async with kusanone_pilot(kusanone_{name}, template="{name}_kai") as pilot:
        await pilot.press("n", "n")  # the opening, then the {name} stage
        await pilot.press("j", "j")
        await pilot.pause()
        assert "j を押した回数: 2" in screen_text(pilot.app)
        log = pilot.app.session_log
        assert [e.kind for e in log.events()].count("{name}:pressed") == 2


def test_the_plugin_says_what_it_is():
    assert kusanone_{name}.__version__


def test_count_reads_the_api_and_a_view(kusanone_session):
    from kusanone_tui.api import PluginAPI

    api = PluginAPI("{name}", kusanone_session)
    api.append("pressed", {{}}, visibility="public")
    assert kusanone_{name}.count(api) == 1
    assert kusanone_{name}.count(api.public_view(None)) == 1
'''

README = """\
# kusanone-{dash}

A plugin for kusanone.

    pip install -e '.[test]' && python -m pytest     # its tests
    kusanone plugins                                  # listed as a package, with its hooks
    kusanone start {name}_kai                         # a meeting that uses its stage
"""


def write_plugin(name: str, where: Path) -> Path:
    """Write ``<where>/kusanone-<name>/`` and return the folder."""
    if not _NAME.match(name):
        raise ScaffoldError(
            f"{name!r}: a plugin name is lower-case letters, digits and _, starting with a letter"
        )
    dash = name.replace("_", "-")
    folder = where / f"kusanone-{dash}"
    if folder.exists():
        raise ScaffoldError(f"{folder} is already there; nothing was written")
    package = folder / f"kusanone_{name}"
    (folder / "tests").mkdir(parents=True)
    package.mkdir()
    values = {"name": name, "dash": dash}
    (folder / "pyproject.toml").write_text(PYPROJECT.format(**values), "utf-8")
    (package / "__init__.py").write_text(MODULE.format(**values), "utf-8")
    (package / f"{name}_kai.toml").write_text(
        TEMPLATE_TOML.replace("{name}", name).lstrip("\n"), "utf-8"
    )
    (folder / "tests" / f"test_{name}.py").write_text(TEST.format(**values), "utf-8")
    (folder / "README.md").write_text(README.format(**values), "utf-8")
    return folder
