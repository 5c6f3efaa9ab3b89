"""A :class:`storage.statistics.Statistics` as a short B1 text: a few lines, only what has numbers."""

from __future__ import annotations

from handlers.statistics.period import Period
from handlers.types import Msg, Reply
from messages.catalog import Catalog
from storage.patrols import RoundStats
from storage.statistics import Statistics

TOP_CATEGORIES = 4


def category_label(catalog: Catalog, category: str) -> Msg:
    """The catalog label (``reports.category.<id>``); an id without a label is shown as itself."""
    key = f"reports.category.{category}"
    return Msg.of(key) if catalog.has(key) else Msg.of("statistics.category_unknown", id=category)


def duration(seconds: float) -> Msg:
    minutes = round(seconds / 60)
    if minutes < 120:
        return Msg.of("statistics.duration.minutes", n=max(minutes, 1))
    hours = round(seconds / 3600)
    if hours < 48:
        return Msg.of("statistics.duration.hours", n=hours)
    return Msg.of("statistics.duration.days", n=round(seconds / 86400))


def percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def decimal(value: float) -> str:
    """Dutch decimal comma: 4,1."""
    return f"{value:.1f}".replace(".", ",")


def statistics_reply(
    catalog: Catalog, stats: Statistics, period: Period, rounds: RoundStats | None = None
) -> Reply:
    figures = stats.reports
    period_label = Msg.of(f"statistics.period.{period}")
    lines: list[Msg] = [Msg.of("statistics.title", name=stats.scope.name, period=period_label)]
    if figures.reports == 0:
        lines.append(Msg.of("statistics.no_reports"))
    else:
        rate = stats.per_1000
        lines.append(
            Msg.of("statistics.reports_rate", count=figures.reports, rate=decimal(rate))
            if rate is not None
            else Msg.of("statistics.reports", count=figures.reports)
        )
        top = sorted(figures.by_category.items(), key=lambda item: (-item[1], item[0]))[:TOP_CATEGORIES]
        lines.extend(
            Msg.of("statistics.category_count", category=category_label(catalog, c), count=n) for c, n in top
        )
        if figures.in_progress:
            lines.append(Msg.of("statistics.in_progress", count=figures.in_progress))
        if figures.linked:
            lines.append(Msg.of("statistics.linked", count=figures.linked))
        lines.append(
            Msg.of(
                "statistics.called",
                count=figures.called_112,
                total=figures.reports,
                percent=percent(figures.called_112, figures.reports),
            )
        )
    lines.append(Msg.of("statistics.open_now", count=figures.open_now))
    if figures.median_to_forwarded is not None:
        lines.append(Msg.of("statistics.to_forwarded", time=duration(figures.median_to_forwarded)))
    if figures.median_to_closed is not None:
        lines.append(Msg.of("statistics.to_closed", time=duration(figures.median_to_closed)))
    for name, alert in stats.alerts.items():
        lines.append(
            Msg.of(
                "statistics.alert", type=name, count=alert.sent, reached=alert.delivered, failed=alert.failed
            )
        )
    if rounds is not None and rounds.rounds_walked:
        seen = sum(rounds.observations.values())
        lines.append(
            Msg.of(
                "patrols.stats.rounds", rounds=rounds.rounds_walked, hours=decimal(rounds.hours), seen=seen
            )
        )
    lines.append(
        Msg.of(
            "statistics.reach",
            posts=stats.campaign_posts,
            groups=stats.groups,
            subscribers=stats.subscribers,
        )
    )
    return Reply((Msg.of("statistics.lines", lines=tuple(lines)),))
