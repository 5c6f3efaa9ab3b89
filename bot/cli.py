"""The ``buurtbot`` command: run, console, migrate (features add their own subcommands here)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from bot import export_cli, places_cli
from config.settings import Settings, SettingsError, load_settings
from handlers.types import Msg
from messages.catalog import Catalog, strip_tags

if TYPE_CHECKING:
    from storage.audit import AuditEntry

Command = Callable[[argparse.Namespace, Settings], int]


def _say(key: str, **params: object) -> str:
    return strip_tags(Catalog.load().render(Msg.of(key, **params)))


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    from bot.places_cli import migrate_and_seed

    migrate_and_seed(settings)
    print(f"database up to date: {settings.database_url.split('@')[-1]}")
    return 0


def cmd_console(args: argparse.Namespace, settings: Settings) -> int:
    from bot.adapters.console.session import run_console
    from bot.app import build_app
    from bot.places_cli import migrate_and_seed

    # The console is a chat: keep routine log lines out of it (warnings and errors still show).
    logging.getLogger().setLevel(max(logging.getLogger().level, logging.WARNING))
    migrate_and_seed(settings)

    async def main() -> None:
        from bot.campaign_scheduler import scheduled

        app = build_app(settings)
        try:
            # Posts land in the outbox; the console prints them with the next line.
            with scheduled(app.services):
                await run_console(app)
        finally:
            await app.close()

    asyncio.run(main())
    return 0


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    """Every platform the settings set up, through one ``serve()``; none: the console (or with
    ``--webhook`` the web server alone). Checks the database itself (not in main): a missing
    setting is named in one line before touching it."""
    from bot.adapters import enabled_adapters
    from bot.serve import missing_setting, mode_name
    from bot.serve import run as run_server

    adapters = enabled_adapters(settings)
    if not adapters and not args.webhook:
        if not _database_reachable(settings):
            return 2
        print(_say("cli.no_token"), file=sys.stderr)
        return cmd_console(args, settings)
    missing = missing_setting(adapters, args.webhook)
    if missing is not None:
        print(_say("cli.needs_setting", variable=missing, mode=mode_name(args.webhook)), file=sys.stderr)
        return 2
    if not _database_reachable(settings):
        return 2
    places_cli.migrate_and_seed(settings)
    return run_server(settings, webhook=args.webhook)


def cmd_parse(args: argparse.Namespace, settings: Settings) -> int:
    """One JSON object for the text argument, or one per stdin line, in order (issue 4)."""
    import json
    from datetime import UTC, datetime

    from handlers.reports.parser import parse

    now = datetime.fromisoformat(args.now) if args.now else datetime.now(UTC)
    now = now if now.tzinfo else now.replace(tzinfo=UTC)
    texts = [args.text] if args.text is not None else (line.rstrip("\r\n") for line in sys.stdin)
    for text in texts:
        print(json.dumps(parse(text, now, settings.tz).to_json_dict(), ensure_ascii=False), flush=True)
    return 0


def cmd_train(args: argparse.Namespace, settings: Settings) -> int:
    """Fit the understanding model on the corpus and write its artefact (plain arrays, no pickle)."""
    from pathlib import Path

    from handlers.understanding.corpus import CorpusError
    from handlers.understanding.model import ARTEFACT
    from handlers.understanding.train import train

    output = Path(args.output) if args.output else ARTEFACT
    try:
        model, corpus = train(output, include_shared=not args.repo_only)
    except CorpusError as error:
        print(f"corpus does not match the schema:\n{error}", file=sys.stderr)
        return 1
    print(f"trained on {len(corpus.items)} messages from {', '.join(corpus.files)}")
    if not corpus.shared:
        print("../shared/understanding not found (or --repo-only): trained on the repository corpus alone")
    print(f"{len(model.vocabulary)} features, fingerprint {model.meta['fingerprint'][:12]}; wrote {output}")
    return 0


def cmd_purge(args: argparse.Namespace, settings: Settings) -> int:
    """Erase suspect details older than SUSPECT_DATA_RETENTION_DAYS (the scheduler runs it daily)."""
    from bot.app import build_app
    from handlers.reports.privacy import purge
    from storage.migrate import upgrade

    upgrade(settings.database_url)

    async def main() -> int:
        app = build_app(settings)
        try:
            return await purge(app.services)
        finally:
            await app.close()

    count = asyncio.run(main())
    print(_say("reports.cli.purged", count=count, days=settings.suspect_data_retention_days))
    return 0


def cmd_campaigns(args: argparse.Namespace, settings: Settings) -> int:
    """List every shipped campaign with its default state and next run (no database needed)."""
    from handlers.campaigns.model import load_campaigns
    from handlers.campaigns.schedule import next_run
    from handlers.clock import SystemClock

    now = SystemClock().now()
    print(_say("cli.campaigns_header"))
    for campaign in load_campaigns():
        upcoming = next_run(campaign, now, settings.tz)
        when = (
            upcoming.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M")
            if upcoming
            else _say("campaigns.next_none")
        )
        state = _say("campaigns.state_on" if campaign.enabled_by_default else "campaigns.state_off")
        title = campaign.title.get(settings.default_locale)
        print(_say("cli.campaign_line", id=campaign.id, title=title, state=state, next=when))
    return 0


def _audit_line(entry: AuditEntry, settings: Settings) -> str:
    from storage.outbox import aware

    at = (aware(entry.created_at) or entry.created_at).astimezone(settings.tz)
    return "\t".join((f"{at:%Y-%m-%d %H:%M}", entry.who, entry.action, entry.place, entry.reason))


def cmd_audit(args: argparse.Namespace, settings: Settings) -> int:
    """Print the latest refusals (who = pseudonym, what, where, when, why)."""
    from bot.app import build_app
    from storage.audit import recent_audit
    from storage.migrate import upgrade

    upgrade(settings.database_url)

    async def main() -> list[str]:
        app = build_app(settings)
        try:
            async with app.services.db() as session:
                entries = await recent_audit(session, args.limit)
            return [_audit_line(e, settings) for e in reversed(entries)]
        finally:
            await app.close()

    lines = asyncio.run(main())
    print(_say("audit.cli_header"))
    print("\n".join(lines) if lines else _say("audit.empty"))
    return 0


def cmd_send(args: argparse.Namespace, settings: Settings) -> int:
    from bot.serve import run_sender

    return run_sender(settings)


def cmd_inbox(args: argparse.Namespace, settings: Settings) -> int:
    from bot.inbox_cli import cmd_inbox as inbox

    return inbox(args, settings)


def _add_inbox(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    inbox = sub.add_parser("inbox", help="updates stored for handling: counts, stuck ones, replay")
    actions = inbox.add_subparsers(dest="inbox_action")
    again = actions.add_parser("replay", help="put one stuck update (ID) or all of them (--dead) back")
    again.add_argument("id", nargs="?", type=int, help="the number `buurtbot inbox` shows")
    again.add_argument("--dead", action="store_true", help="every stuck update")
    inbox.set_defaults(func=cmd_inbox)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="buurtbot", description="Buurtbot: buurtpreventie chat bot")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="start the bot (Telegram and/or WhatsApp if set up, else the console)")
    run.add_argument("--webhook", action="store_true", help="serve webhooks instead of long polling")
    run.set_defaults(func=cmd_run, needs_database=False)  # cmd_run checks it after the settings
    sub.add_parser("send", help="run one more outbox sender worker (every platform set up)").set_defaults(
        func=cmd_send
    )
    sub.add_parser("console", help="chat with the bot in this terminal").set_defaults(func=cmd_console)
    sub.add_parser("migrate", help="create or upgrade the database tables").set_defaults(func=cmd_migrate)
    parse = sub.add_parser("parse", help="parse a report text (or stdin lines) into JSON")
    parse.add_argument("text", nargs="?", help="the text; without it, one text per line from stdin")
    parse.add_argument("--now", help="resolve relative times against this ISO time (default: now)")
    parse.set_defaults(func=cmd_parse, needs_database=False)
    train = sub.add_parser("train", help="train the message classifier on the corpus (deterministic)")
    train.add_argument("--output", help="where to write the artefact (default: the shipped one)")
    train.add_argument("--repo-only", action="store_true", help="ignore ../shared/understanding")
    train.set_defaults(func=cmd_train, needs_database=False)
    sub.add_parser("purge", help="erase suspect details past the retention period").set_defaults(
        func=cmd_purge
    )
    sub.add_parser("campagnes", help="list the awareness campaigns and their next run").set_defaults(
        func=cmd_campaigns, needs_database=False
    )
    places_cli.add_parser(sub)
    audit = sub.add_parser("audit", help="list the latest refusals (audit table)")
    audit.add_argument("--limit", type=int, default=50, help="how many rows (default 50)")
    audit.set_defaults(func=cmd_audit)
    _add_inbox(sub)
    export_cli.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(_say("cli.bad_setting", variable=exc.variable, problem=exc.problem), file=sys.stderr)
        return 2
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)
    if getattr(args, "needs_database", True) and not _database_reachable(settings):
        return 2
    func: Command = args.func
    return func(args, settings)


def _database_reachable(settings: Settings) -> bool:
    """Say in one line, naming DATABASE_URL, when the database does not answer (instead of a traceback)."""
    from sqlalchemy.engine import make_url

    from storage.db import unreachable_reason

    reason = unreachable_reason(settings.database_url)
    if reason is None:
        return True
    shown = make_url(settings.database_url).render_as_string(hide_password=True)
    print(_say("robust.database_unreachable", url=shown, reason=reason), file=sys.stderr)
    return False


if __name__ == "__main__":
    sys.exit(main())
