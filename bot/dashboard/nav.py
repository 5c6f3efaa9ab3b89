"""The dashboard's menu: one entry per page, with who sees it. Add a page here and in ``routes.py``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from handlers.dashboard.viewer import Viewer


def everyone(viewer: Viewer) -> bool:
    return True


def report_readers(viewer: Viewer) -> bool:
    return viewer.reads_reports


def beheerders(viewer: Viewer) -> bool:
    return viewer.is_beheerder


@dataclass(frozen=True)
class MenuItem:
    path: str
    label_key: str
    shows: Callable[[Viewer], bool] = everyone


MENU: list[MenuItem] = [
    MenuItem("/dashboard", "dashboard.nav.overview"),
    MenuItem("/dashboard/meldingen", "dashboard.nav.reports", report_readers),
    MenuItem("/dashboard/waarschuwen", "desk.nav.warn", report_readers),
    MenuItem("/dashboard/campagnes", "desk.nav.campaigns", report_readers),
    MenuItem("/dashboard/wijken", "desk.nav.wijken", report_readers),
    MenuItem("/dashboard/export", "dashboard.nav.export"),
    MenuItem("/dashboard/audit", "dashboard.nav.audit", beheerders),
]
