"""The docs cannot drift: their examples run, and every public name is documented."""

from __future__ import annotations

import re
from pathlib import Path

import kusanone_tui

DOCS = Path(__file__).resolve().parent.parent / "docs"


def _python_blocks(page: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", (DOCS / page).read_text("utf-8"), re.S)


def test_api_example_runs() -> None:
    blocks = _python_blocks("api.md")
    assert blocks, "docs/api.md should carry a runnable example"
    for block in blocks:
        exec(compile(block, "docs/api.md", "exec"), {})


def test_every_public_name_is_in_the_api_page() -> None:
    page = (DOCS / "api.md").read_text("utf-8")
    missing = [name for name in kusanone_tui.__all__ if f"`{name}" not in page]
    assert not missing, f"document these in docs/api.md: {missing}"


def test_every_core_event_kind_is_in_the_api_page() -> None:
    from kusanone_tui.model.events import CORE_KINDS

    page = (DOCS / "api.md").read_text("utf-8")
    missing = [kind for kind in CORE_KINDS if f"`{kind}`" not in page]
    assert not missing, f"document these event kinds in docs/api.md: {missing}"


def test_every_stage_type_is_in_the_templates_page() -> None:
    from kusanone_tui.model.template import CORE_STAGE_TYPES

    page = (DOCS / "templates.md").read_text("utf-8")
    missing = [kind for kind in CORE_STAGE_TYPES if f"| `{kind}` |" not in page]
    assert not missing, f"document these stage types in docs/templates.md: {missing}"


def test_templates_page_example_is_a_valid_template() -> None:
    from kusanone_tui.model.template import parse_template

    page = (DOCS / "templates.md").read_text("utf-8")
    example = re.findall(r"```toml\n(.*?)```", page, re.S)[0]
    template = parse_template(example, "docs/templates.md")
    assert [stage.type for stage in template.stages] == ["opening", "round"]


def test_the_keys_table_matches_every_binding() -> None:
    from kusanone_tui.i18n import t
    from kusanone_tui.tui.app import KusanoneApp
    from kusanone_tui.tui.screens.facilitator import FacilitatorScreen
    from kusanone_tui.tui.screens.notes import NotesScreen

    page = (DOCS / "meeting.md").read_text("utf-8")
    rows = set(re.findall(r"^\| `([^`]+)` \| ([^|]+) \| ([^|]+) \|$", page, re.M))
    rows = {(key, ja.strip(), en.strip()) for key, ja, en in rows}
    expected = set()
    for cls in (FacilitatorScreen, NotesScreen, KusanoneApp):
        for binding in cls.BINDINGS:
            if binding.description:
                key = binding.key_display or binding.key
                expected.add(
                    (key, t(binding.description, lang="ja"), t(binding.description, lang="en"))
                )
    missing = expected - rows
    assert not missing, f"add these keys to docs/meeting.md: {sorted(missing)}"
    stale = {row for row in rows if row[0] != "ctrl+p"} - expected
    assert not stale, f"these rows of docs/meeting.md no longer match a key: {sorted(stale)}"
