"""``kusanone games plan FILE`` and ``kusanone games sample``: planning an evening at home."""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import replace

from kusanone_tui.api import PluginAPI
from kusanone_tui.plugin_types import CliCommand

from . import explain
from .catalogue import sample_text
from .evening_file import load_evening
from .planner import plan_evening

PLUGIN = "games"


# -- the command line ----------------------------------------------------------------------------
def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="games_command", metavar="plan|sample", required=True)
    plan = sub.add_parser("plan", help="plan the tables of an evening from a file")
    plan.add_argument("file", help="the evening file (.toml or .json; docs/games.md)")
    plan.add_argument("--rounds", type=int, help="number of rounds (default: the file's, or 3)")
    plan.add_argument("--seconds", type=float, default=2.0, help="time budget (default 2)")
    plan.add_argument("--seed", type=int, help="the same seed gives the same plan")
    plan.add_argument("--json", action="store_true", help="machine-readable output")
    sample = sub.add_parser(
        "sample",
        help="print the sample catalogue of games; with --evening, an evening file for plan",
    )
    sample.add_argument(
        "--evening",
        action="store_true",
        help="a whole evening (games and attendees) that `kusanone games plan` accepts",
    )


def run(args: argparse.Namespace) -> int:
    if args.games_command == "sample":
        if getattr(args, "evening", False):
            from importlib import resources

            sys.stdout.write(
                resources.files(__package__).joinpath("sample_evening.toml").read_text("utf-8")
            )
        else:
            sys.stdout.write(sample_text())
        return 0
    return cli_plan(args)


#: Why the search stopped, as the text output says it (``stopped`` in the JSON).
_STOPPED = {
    "clock": ("時間いっぱい考えました", "stopped: clock"),
    "optimal": ("これ以上よい組み合わせはありません", "stopped: optimal"),
    "no improvement": ("これ以上よくなりませんでした", "stopped: no improvement"),
    "steps": ("決めた手数で止まりました", "stopped: steps"),
    "cancelled": ("取り消しました", "stopped: cancelled"),
}


def cli_plan(args: argparse.Namespace) -> int:
    loaded = load_evening(args.file)  # FileError is a ValueError: one line, exit 2
    evening = loaded.evening
    if args.rounds is not None:
        if not 1 <= args.rounds <= 20:
            raise ValueError("--rounds must be from 1 to 20")
        evening = replace(evening, rounds=args.rounds)
    if args.seconds is None or not 0.05 <= args.seconds <= 600:
        raise ValueError("--seconds must be from 0.05 to 600")
    seed = args.seed if args.seed is not None else random.randrange(1, 1_000_000)
    result = plan_evening(evening, seconds=args.seconds, seed=seed)
    numbers = explain.figures(evening, result.plan)
    lang = PluginAPI(PLUGIN).lang
    if args.json:
        document = {
            "title": loaded.title,
            "seed": seed,
            "seconds": round(result.seconds, 3),
            "budget_seconds": args.seconds,
            "stopped": result.stopped,
            "rounds": [
                {
                    "round": number,
                    "tables": [
                        {
                            **table.to_dict(),
                            "reasons": explain.reasons(evening, result.plan, number, table, lang),
                        }
                        for table in result.plan.round(number)
                    ],
                    "resting": explain.resting(evening, number),
                }
                for number in result.plan.numbers
            ],
            "figures": numbers.to_dict(),
            "warnings": result.warnings,
        }
        sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
        return 0
    out = sys.stdout
    ja = lang == "ja"
    head = loaded.title or ("ゲーム会" if ja else "Game night")
    out.write(
        f"{head} — {evening.rounds}{'回' if ja else ' rounds'}・"
        f"{len(evening.attendees)}{'人' if ja else ' people'}・"
        f"{len(evening.games)}{'ゲーム' if ja else ' games'}"
        f"  (seed {seed}, {result.seconds:.1f}s / {args.seconds:g}s, "
        f"{_STOPPED[result.stopped][0 if ja else 1]})\n"
    )
    games = {g.name: g for g in evening.games}
    for number in result.plan.numbers:
        out.write(f"\n{'第' + str(number) + '回' if ja else 'Round ' + str(number)}\n")
        for table in result.plan.round(number):
            game = games.get(table.game)
            title = game.label(lang) if game else table.game
            minutes_text = f" ({game.minutes}{'分' if ja else ' min'})" if game else ""
            out.write(f"  {table.tid}. {title}{minutes_text}  {'・'.join(table.players)}\n")
            for reason in explain.reasons(evening, result.plan, number, table, lang):
                out.write(f"       - {reason}\n")
        resting = explain.resting(evening, number)
        if resting:
            out.write(f"  {'ひと休み' if ja else 'Resting'}: {'、'.join(resting)}\n")
    out.write("\n" + " / ".join(explain.figure_lines(numbers, lang)) + "\n")
    for problem in numbers.violations:
        out.write(f"! {problem}\n")
    for warning in result.warnings:
        out.write(f"({warning})\n")
    return 0


COMMAND = CliCommand("games", "plan game-night tables: games plan FILE", configure, run)
