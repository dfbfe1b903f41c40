"""Built-in meeting templates (TOML, shipped as package data) and the loader for any template.

``load("teireikai")`` loads a built-in; ``load("my_meeting.toml")`` loads a user's own file the
same way. Errors are :class:`~kusanone_tui.model.template.TemplateError`, one line naming the
file, the line and the problem.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from ..cache import parse_toml
from ..model.template import Template, TemplateError, parse_template

#: The built-in templates' folder (the package is always unpacked on disk).
HERE = Path(__file__).parent


def builtin_names() -> list[str]:
    """Ids of the templates that ship with kusanone."""
    return sorted(
        entry.name.removesuffix(".toml")
        for entry in HERE.iterdir()
        if entry.name.endswith(".toml")
    )


def load(
    ref: str, extra_types: Iterable[str] = (), extra_templates: Mapping[str, str] | None = None
) -> Template:
    """A template by built-in id, by a plugin's template id, or by path to a TOML file.

    ``extra_types`` are stage types plugins add; ``extra_templates`` maps a plugin template's
    id to its TOML text. Given neither, an id that is not built in is looked for among the
    installed plugins' templates (entry points; loose files never run here).
    """
    path = Path(ref).expanduser()
    is_file = path.suffix == ".toml" or path.exists()
    if extra_templates is None and not extra_types and not is_file and ref not in builtin_names():
        # An id, without a plugin host (a script, docs/api.md's example): the installed
        # plugins' templates and stage types count, as they do for ``kusanone new``/``start``.
        extra_types, extra_templates = _installed_plugins()
    if path.suffix == ".toml" or path.exists():
        try:
            text = path.read_text("utf-8")
        except FileNotFoundError:
            raise TemplateError(str(path), None, "no such file") from None
        except (OSError, UnicodeDecodeError) as error:
            raise TemplateError(str(path), None, f"cannot read: {error}") from None
        return parse_template(text, str(path), extra_types)
    # The templates that ship with kusanone or a plugin: their parsed TOML is cached.
    if extra_templates and ref in extra_templates:
        return parse_template(extra_templates[ref], f"{ref}.toml", extra_types, parse_toml)
    if ref in builtin_names():
        source = HERE / f"{ref}.toml"
        return parse_template(source.read_text("utf-8"), f"{ref}.toml", extra_types, parse_toml)
    known = ", ".join([*builtin_names(), *(extra_templates or {})])
    raise TemplateError(ref, None, f"no such template (built-in: {known}; or give a .toml file)")


def _installed_plugins() -> tuple[tuple[str, ...], dict[str, str]]:
    """The stage types and templates of the installed plugins (entry points; no loose files,
    which run only for commands that run a meeting)."""
    from ..plugin_host import PluginHost

    host = PluginHost.discover((), strict=False)
    return tuple(host.stage_types()), host.templates()
