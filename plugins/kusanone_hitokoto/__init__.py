"""ひとことカード (Hitokoto cards): an example kusanone plugin.

ひとりずつ、やさしいお題のカードを引いて、ひとこと話します。話したくないカードは山に戻して
（パスしてよい）、もう一枚引けます。だれがパスしたかは、どの画面にも出ません。

Each person draws a gentle prompt card and says a few words. A card may be put back (passing is
fine) and another drawn; no screen ever says who put a card back.

The plugin keeps no memory of its own: everything is worked out from its events in the session
log (``deck_state``), so it survives a crash and works the same in every window.
"""

from __future__ import annotations

import random

from rich.text import Text

from kusanone_tui import hookimpl
from kusanone_tui.plugin_types import Command, StageType, TemplateSource

__version__ = "0.1.0"

TITLE = {"ja": "ひとことカード", "en": "Hitokoto cards"}

# カードの山。お題はやさしく、困りごとや診断にはふれないものだけ。
CARDS: list[dict[str, str]] = [
    {"ja": "最近うれしかったこと", "en": "Something that made you glad lately"},
    {"ja": "好きな季節とその理由", "en": "A season you like, and why"},
    {"ja": "子どものころ好きだった遊び", "en": "A game you loved as a child"},
    {"ja": "最近食べておいしかったもの", "en": "Something tasty you ate lately"},
    {"ja": "行ってみたい場所", "en": "A place you would like to visit"},
    {"ja": "好きな飲みもの", "en": "A drink you like"},
    {"ja": "最近見た空や景色", "en": "A sky or a view you saw lately"},
    {"ja": "ほっとする時間", "en": "A time when you feel at ease"},
    {"ja": "好きな音や音楽", "en": "A sound or some music you like"},
    {"ja": "最近くすっと笑ったこと", "en": "Something that made you smile lately"},
    {"ja": "好きな動物", "en": "An animal you like"},
    {"ja": "好きな料理", "en": "A dish you like"},
    {"ja": "ここへ来る道で見たもの", "en": "Something you saw on the way here"},
    {"ja": "好きな本・まんが・映画", "en": "A book, manga or film you like"},
    {"ja": "雨の日の過ごし方", "en": "How you spend a rainy day"},
    {"ja": "最近はじめたこと", "en": "Something you started lately"},
    {"ja": "好きな花や木", "en": "A flower or tree you like"},
    {"ja": "思い出の場所", "en": "A place you remember fondly"},
    {"ja": "朝ごはんに食べたいもの", "en": "What you would like for breakfast"},
    {"ja": "好きなことば", "en": "A word you like"},
    {"ja": "休みの日にしたいこと", "en": "What you like to do on a day off"},
    {"ja": "好きな色", "en": "A colour you like"},
    {"ja": "小さなぜいたく", "en": "A small treat you enjoy"},
    {"ja": "最近「ありがとう」と思ったこと", "en": "Something you felt thankful for lately"},
]

# このプラグインの会のテンプレート: はじめに → ひとことカード 20分 → おわりに
TEMPLATE = """
[template]
id = "hitokoto_kai"
title = { ja = "ひとことカードの会", en = "Hitokoto card meeting" }
description = { ja = "カードのお題で、ひとことずつ。", en = "A few words each, on a prompt card." }
minutes = 30

[[stages]]
id = "opening"
type = "opening"
title = { ja = "はじめに・グラウンドルール", en = "Welcome and ground rules" }
minutes = 5
rules.ja = ["だれも否定しない", "助言は控える", "パスしてよい", "ここで聞いた話はここだけに"]
rules.en = [
  "Nobody is put down", "Hold back advice", "Passing is fine", "What is said here stays here",
]

[[stages]]
id = "cards"
type = "hitokoto"
title = { ja = "ひとことカード", en = "Hitokoto cards" }
minutes = 20
turns = true   # みんなで順番に（t で次の人、s でパス）
rules.ja = ["カードのお題で、ひとことだけ", "話したくないカードは戻してよい", "聞く人は聞くだけで"]
rules.en = ["A few words on the card", "Any card may be put back", "Listeners simply listen"]

[[stages]]
id = "closing"
type = "closing"
title = { ja = "おわりに", en = "Closing" }
minutes = 5
rules.ja = ["おつかれさまでした"]
rules.en = ["Thank you for today"]
"""


def shuffled(seed: int) -> list[int]:
    """The order of the deck for ``seed`` (the same seed always gives the same order)."""
    order = list(range(len(CARDS)))
    random.Random(seed).shuffle(order)
    return order


def deck_state(events) -> tuple[list[int], list[int], int | None]:
    """(order, drawn, current), worked out from this plugin's events alone.

    ``drawn`` event: a card was drawn; with a ``seed``, a fresh deck was shuffled first.
    ``put_back`` event: the card went back to the bottom of the deck.
    """
    order: list[int] = []
    drawn: list[int] = []
    current: int | None = None
    for event in events:
        card = event.data.get("card")
        if type(card) is not int or not 0 <= card < len(CARDS):
            continue  # 知らないデータは無視する (never raise on odd data)
        if event.kind.endswith(":drawn"):
            seed = event.data.get("seed")
            if type(seed) is int:  # 新しい山
                order, drawn = shuffled(seed), []
            if card not in drawn:
                drawn.append(card)
            current = card
        elif event.kind.endswith(":put_back") and card in drawn:
            drawn.remove(card)
            if card in order:  # 山のいちばん下へ
                order.remove(card)
                order.append(card)
            if current == card:
                current = None
    return order, drawn, current


def draw(api, avoid: int | None = None) -> None:
    """Draw the next card for whoever is speaking (or nobody in particular)."""
    state = api.state()
    if state is None:
        return
    order, drawn, _ = deck_state(api.events())
    left = [card for card in order if card not in drawn and card != avoid]
    data: dict = {}
    if not left:  # 山がなくなったら、切りなおす。種 (seed) を記録して、公平さを示せるように
        data["seed"] = random.randrange(1, 1_000_000)
        left = [card for card in shuffled(data["seed"]) if card != avoid]
    data["card"] = left[0]
    data["participant_id"] = state.turn.participant_id if state.turn else None
    api.append("drawn", data, visibility="public")


def skip_card(api) -> None:
    """Put the card back and draw another. Passing is fine: nothing records who passed."""
    _, _, current = deck_state(api.events())
    if current is not None:
        # だれが戻したかは書かない。private なので、映写画面にも議事録にも出ない。
        api.append("put_back", {"card": current}, visibility="private")
    draw(api, avoid=current)


def drawn_by(events) -> str | None:
    """Who had the turn when the last card was drawn: a participant id, or None."""
    draws = [event for event in events if event.kind.endswith(":drawn")]
    return draws[-1].data.get("participant_id") if draws else None


def panel(api, state) -> Text:
    """The facilitator's panel: the card, who drew it, and how many are left."""
    order, drawn, current = deck_state(api.events())
    text = Text()
    if current is None:
        text.append(api.text({"ja": "d でカードを引きます", "en": "Press d to draw a card"}))
    else:
        text.append(api.text(CARDS[current]) + "\n", style="bold")
        person = state.participants.get(drawn_by(api.events()) or "")
        who = person.name if person else "—"
        text.append(api.text({"ja": "引いた人: ", "en": "Drawn by: "}) + who)
    left = len(order) - len(drawn) if order else len(CARDS)
    text.append("\n" + api.text({"ja": f"のこり {left} 枚", "en": f"{left} cards left"}))
    hint = api.text({"ja": "d 引く / w 戻す", "en": "d draw / w put back"})
    text.append("\n" + hint, style="dim")
    return text


def projector(view) -> Text:
    """The room's view: the current card, large-ish. No names, no passes."""
    _, _, current = deck_state(view.events)
    text = Text(justify="center")
    text.append(view.text(TITLE) + "\n\n", style="dim")
    if current is None:
        text.append(view.text({"ja": "まもなくカードを引きます", "en": "A card is coming soon"}))
    else:
        text.append(f"  {view.text(CARDS[current])}  ", style="bold reverse")
    fine = view.text({"ja": "パスしてもだいじょうぶ", "en": "Passing is fine"})
    text.append("\n\n" + fine, style="dim")
    return text


@hookimpl
def register_stage_types(register) -> None:
    register(StageType("hitokoto", TITLE, panel=panel, projector=projector))


DRAW = {"ja": "カードを引く", "en": "Draw a card"}
PUT_BACK = {"ja": "カードを戻す（パス）", "en": "Put the card back"}


@hookimpl
def register_commands(register) -> None:
    register(Command("draw", DRAW, draw, key="d", stage_type="hitokoto"))
    register(Command("skip_card", PUT_BACK, skip_card, key="w", stage_type="hitokoto"))


@hookimpl
def register_templates(register) -> None:
    register(TemplateSource("hitokoto_kai", TEMPLATE))
