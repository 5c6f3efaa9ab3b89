"""The services object handed to every handler explicitly (no module globals)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from config.settings import Settings
from handlers.campaigns.model import Campaign, load_campaigns
from handlers.clock import Clock
from handlers.observer import NoObserver, Observer
from handlers.outbox import Outbox
from handlers.places.book import PlaceBook
from messages.catalog import Catalog
from messages.services import Directory, load_directory


@dataclass(frozen=True)
class Services:
    settings: Settings
    catalog: Catalog
    clock: Clock
    db: async_sessionmaker[AsyncSession]
    outbox: Outbox
    # Referrals and campaigns: data files, validated once at start-up (build_app passes them).
    directory: Directory = field(default_factory=load_directory)
    campaigns: tuple[Campaign, ...] = field(default_factory=load_campaigns)
    places: PlaceBook = field(default_factory=PlaceBook)  # wijken/buurten geometry, cached
    # What a platform said about the bot at start-up (Telegram getMe: "username",
    # "can_read_all_group_messages"); filled by the adapter, read by handlers (deep links, privacy mode).
    bot_profile: dict[str, dict[str, object]] = field(default_factory=dict)
    # Monitoring hooks (deliveries, update latency): bot/metrics.py when METRICS_ENABLED, else no-op.
    observer: Observer = field(default_factory=NoObserver)
