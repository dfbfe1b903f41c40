"""Backstage (ウラ): the encounters before, after and between the formal parts.

A backstage record is a note tagged ``backstage`` and, by its nature, private: it never reaches
the projector or an export unless asked for explicitly. It may name people by display name, or
nobody at all, and say to which group or activity someone was invited.
"""

from __future__ import annotations

BACKSTAGE_TAG = "backstage"

#: Quick kinds of encounter, in the order the panel offers them.
KINDS: tuple[str, ...] = ("greeted", "met_again", "invited", "offered_help", "ibasho_idea", "other")


def kind_tag(kind: str) -> str:
    return f"ura:{kind}"


def record_kind(tags: tuple[str, ...]) -> str | None:
    for tag in tags:
        if tag.startswith("ura:") and tag[4:] in KINDS:
            return tag[4:]
    return None
