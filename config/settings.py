"""Typed settings, read once from the environment and ``.env`` (pydantic-settings)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from messages.catalog import LOCALES

_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")


class SettingsError(ValueError):
    """A setting has a wrong value; ``variable`` names the environment variable."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable}: {problem}")
        self.variable = variable
        self.problem = problem


class Settings(BaseSettings):
    # env_ignore_empty: `cp .env.example .env` leaves optional settings as `NAME=`, which means "not set".
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True
    )

    database_url: str = "sqlite+aiosqlite:///data/buurtbot.db"
    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    timezone: str = "Europe/Amsterdam"
    default_locale: str = "nl"
    # Platform ids of the city-wide administrators, e.g. "telegram:12345,console:ans".
    beheerders: Annotated[tuple[str, ...], NoDecode] = ()
    # Key for reporter pseudonyms; empty means "generate one and keep it in the database".
    pseudonym_secret: SecretStr | None = None
    dialog_timeout_minutes: int = Field(default=30, ge=1, le=24 * 60)
    max_text_length: int = Field(default=4096, ge=100, le=100_000)
    # Reports of one incident filed within this many minutes share one card (issue 4).
    report_link_window_minutes: int = Field(default=30, ge=1, le=24 * 60)
    # ... and only when their places agree: shared locations within this many metres (issue 10).
    report_link_distance_metres: int = Field(default=300, ge=10, le=5000)
    # Suspect details (person, vehicle, plate, direction, free text) are erased after this many days.
    suspect_data_retention_days: int = Field(default=30, ge=1, le=3650)
    log_level: str = "INFO"
    # Web server for webhooks and /healthz (``buurtbot run --webhook``).
    port: int = Field(default=8080, ge=1, le=65535)
    # Address the web server binds: loopback by default, with a reverse proxy in front (README).
    host: str = Field(default="127.0.0.1", min_length=1)
    # GET /metrics in Prometheus text format (bot/metrics.py); off unless asked for.
    metrics_enabled: bool = False
    # When set, /metrics wants "Authorization: Bearer <token>" (compared in constant time).
    metrics_token: SecretStr | None = None
    # Public HTTPS URL Telegram posts updates to, e.g. https://bot.example.nl/webhook/telegram
    webhook_url: str | None = None
    # Echoed by Telegram in X-Telegram-Bot-Api-Secret-Token: 1-256 characters A-Z a-z 0-9 _ -
    telegram_webhook_secret: SecretStr | None = None
    # A municipality's own services file, merged over messages/services.toml (referrals).
    services_file: str | None = None
    # A campaign run missed (e.g. during a restart) is still posted this many minutes late, once.
    campaign_misfire_grace_minutes: int = Field(default=15, ge=0, le=24 * 60)
    # WhatsApp Cloud API (all optional; WhatsApp is on when token, number id and app secret are set).
    whatsapp_token: SecretStr | None = None
    whatsapp_phone_number_id: str = ""
    whatsapp_app_secret: SecretStr | None = Field(default=None, validate_default=True)
    whatsapp_verify_token: SecretStr | None = None
    whatsapp_api_base_url: str = "https://graph.facebook.com/v25.0"
    # Approved template for sends outside the 24 h window, "name:language", one body variable {{1}}.
    whatsapp_alert_template: str = ""
    whatsapp_messaging_limit: int = Field(default=250, ge=1)  # unique template recipients per 24 h
    whatsapp_rate_per_second: float = Field(default=50.0, gt=0, le=1000)
    # What Meta charges per WhatsApp message, in euro (e.g. 0.11): the alert preview estimates the cost.
    whatsapp_price_per_message: float | None = Field(default=None, ge=0, le=10)
    # Signal through signal-cli's JSON-RPC HTTP daemon (README, "Signal"); on when both are set.
    signal_rpc_url: str | None = None  # e.g. http://127.0.0.1:8081 (signal-cli daemon --http)
    signal_number: str = ""  # the bot's own Signal number, +31…, as registered with signal-cli
    # Signal publishes no limits and answers bursts with 413/429 and captchas: keep these low.
    signal_rate_per_second: float = Field(default=1.0, gt=0, le=50)
    signal_per_chat_per_second: float = Field(default=0.5, gt=0, le=10)
    # Private chats the bot may open per hour with people who never wrote to it and it never wrote to.
    signal_new_recipients_per_hour: int = Field(default=20, ge=1, le=1000)
    # Paced outbox sender (Telegram's limits): overall, per chat (with a short burst), per group.
    outbox_rate_per_second: float = Field(default=30.0, gt=0, le=10_000)
    outbox_per_chat_per_second: float = Field(default=1.0, gt=0, le=100)
    outbox_chat_burst: int = Field(default=3, ge=1, le=100)
    outbox_per_group_per_minute: float = Field(default=20.0, gt=0, le=10_000)
    outbox_max_attempts: int = Field(default=5, ge=1, le=100)  # 5xx/timeouts, then the row fails
    # Leases keep a live worker's rows from the others; a dead worker's rows are due again at once
    # (its restart takes its name back; on PostgreSQL others see it is gone), at the latest after this.
    outbox_lease_seconds: float = Field(default=60.0, ge=1, le=3600)
    # Empty: the first free stable name "<host>:<database>:<n>" (storage/worker_names.py).
    outbox_worker_id: str = Field(default="", max_length=40)
    # Durable intake: a failing update is retried with backoff, then parked as dead after this many tries.
    inbox_max_attempts: int = Field(default=5, ge=1, le=100)
    # An update being handled is leased to its process; another takes it over after this (a crash).
    inbox_lease_seconds: float = Field(default=60.0, ge=1, le=3600)
    # How often the coordinator's "verstuurd 120/300" message is updated during an alert.
    alert_progress_seconds: float = Field(default=3.0, ge=0.5, le=600)
    # Places loaded on a fresh install: "dordrecht" (shipped CBS 2025 wijken and buurten), "" (none),
    # or comma-separated GeoJSON files of another municipality's CBS wijken/buurten.
    places_seed: str = "dordrecht"
    # Optional CSV "straat,buurtcode" (CBS BU-code): reports naming a listed street land in that buurt.
    streets_file: str | None = None
    # Metres from a wijk border within which an urgent report is offered to the neighbouring wijken.
    relay_border_metres: float = Field(default=300.0, ge=0, le=10_000)
    # A relay request to a neighbouring wijk's coordinators can be decided for this many minutes.
    relay_expiry_minutes: int = Field(default=120, ge=1, le=7 * 24 * 60)
    # Extra plain words that work as commands on WhatsApp: "woord=commando,…" (STOP always works).
    whatsapp_command_words: Annotated[tuple[str, ...], NoDecode] = ()
    # Statistics, digest and exports (issue 14).
    # Aggregate exports publish a wijk x category x month cell below this count as "<N".
    export_min_cell: int = Field(default=3, ge=1, le=1000)
    # Keys that may read the Open311 GeoReport v2 API (``?api_key=``), comma-separated; none: API off.
    open311_api_keys: Annotated[tuple[str, ...], NoDecode] = ()
    # A municipality's own Open311 service mapping (TOML, like messages/open311.toml), used instead.
    open311_services_file: str | None = None
    # When coordinators get the weekly digest: a cron expression in TIMEZONE (default Monday 08:00).
    digest_schedule: str = "0 8 * * mon"
    # Where digest charts (PNG) are written; senders read them from here.
    chart_dir: str = "data/charts"
    # Web dashboard (issue 15). The address people open; login links are built on it.
    # Empty: http://127.0.0.1:PORT (only useful on the machine itself).
    public_url: str | None = None
    # The session cookie's Secure flag; empty: on when PUBLIC_URL starts with https://.
    dashboard_secure_cookie: bool | None = None
    # A dashboard session ends after this many minutes without a request.
    dashboard_idle_minutes: int = Field(default=30, ge=1, le=24 * 60)

    @field_validator("beheerders", "whatsapp_command_words", "open311_api_keys", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("telegram_webhook_secret")
    @classmethod
    def _webhook_secret_chars(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()):
            raise ValueError("use 1 to 256 characters: letters, digits, _ and -")
        return value

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        # @BotFather's tokens look like 123456:ABC-def_…; anything else is a copy-paste slip.
        if value is not None and not re.fullmatch(r"[0-9]+:[A-Za-z0-9_-]+", value.get_secret_value()):
            raise ValueError("expected the token from @BotFather, like 123456:ABC-def")
        return value

    @field_validator("telegram_api_base_url", "webhook_url", "signal_rpc_url", "public_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"https?://[^\s/]+(/\S*)?", value):
            raise ValueError(f"expected an http(s):// address, not {value[:80]!r}")
        return value

    @field_validator("signal_number")
    @classmethod
    def _signal_number(cls, value: str) -> str:
        compact = value.replace(" ", "")
        if compact and not re.fullmatch(r"\+[1-9]\d{7,14}", compact):
            raise ValueError("expected the number in international form, like +31612345678")
        return compact

    @field_validator("streets_file")
    @classmethod
    def _readable_file(cls, value: str | None) -> str | None:
        if value is not None and not Path(value).is_file():
            raise ValueError(f"no such file: {value[:200]}")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("default_locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        if value not in LOCALES:
            raise ValueError(f"must be one of {', '.join(LOCALES)}")
        return value

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        if value.startswith(("postgres://", "postgresql://")):
            # Accept the common form and pick the async driver we ship.
            return "postgresql+asyncpg://" + value.split("://", 1)[1]
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("use sqlite+aiosqlite:///path or postgresql+asyncpg://user@host/db")
        return value

    @field_validator("whatsapp_app_secret")
    @classmethod
    def _whatsapp_complete(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        # Half a WhatsApp set-up would fail silently (webhooks refused, nothing sent): say what is missing.
        given = {
            "WHATSAPP_TOKEN": info.data.get("whatsapp_token"),
            "WHATSAPP_PHONE_NUMBER_ID": info.data.get("whatsapp_phone_number_id"),
            "WHATSAPP_APP_SECRET": value,
        }
        missing = [name for name, setting in given.items() if not setting]
        if 0 < len(missing) < len(given):
            raise ValueError(f"WhatsApp also needs {', '.join(missing)}")
        return value

    @field_validator("whatsapp_alert_template")
    @classmethod
    def _template_name_language(cls, value: str) -> str:
        if value and (value.count(":") != 1 or not all(part.strip() for part in value.split(":"))):
            raise ValueError("use name:language, e.g. buurtbot_alert:nl")
        return value.strip()

    @field_validator("whatsapp_command_words")
    @classmethod
    def _word_pairs(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for pair in value:
            word, _, command = pair.partition("=")
            if not word.strip() or not command.strip():
                raise ValueError(f"use woord=commando, not {pair!r}")
        return value

    @field_validator("open311_services_file")
    @classmethod
    def _open311_file(cls, value: str | None) -> str | None:
        if value:
            from pathlib import Path

            from messages.open311 import Open311Error, load_services

            try:
                load_services(Path(value))
            except Open311Error as exc:
                raise ValueError(str(exc)) from None
        return value

    @field_validator("digest_schedule")
    @classmethod
    def _crontab(cls, value: str) -> str:
        fields = value.split()
        if len(fields) != 5 or not all(re.fullmatch(r"[0-9*/,\-a-zA-Z]+", f) for f in fields):
            raise ValueError("use a cron expression of 5 fields, e.g. 0 8 * * mon (Monday 08:00)")
        # Cron counts weekdays from Sunday = 0; APScheduler 3 from Monday = 0. Names mean the same in both.
        fields[4] = re.sub(r"(?<![/\d])[0-7](?!\d)", lambda m: _WEEKDAYS[int(m.group())], fields[4])
        return " ".join(fields)

    @property
    def whatsapp_enabled(self) -> bool:
        return bool(self.whatsapp_token and self.whatsapp_phone_number_id and self.whatsapp_app_secret)

    @property
    def signal_enabled(self) -> bool:
        return bool(self.signal_rpc_url and self.signal_number)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def dashboard_url(self) -> str:
        """PUBLIC_URL without a trailing slash, or the loopback address of PORT."""
        return (self.public_url or f"http://127.0.0.1:{self.port}").rstrip("/")

    @property
    def dashboard_cookie_secure(self) -> bool:
        if self.dashboard_secure_cookie is not None:
            return self.dashboard_secure_cookie
        return self.dashboard_url.startswith("https://")

    def is_beheerder(self, platform: str, external_id: str) -> bool:
        return f"{platform}:{external_id}".lower() in {b.lower() for b in self.beheerders}


def load_settings(**overrides: object) -> Settings:
    """Read the settings; a wrong value raises :class:`SettingsError` naming the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else "?"
        message = str(error["msg"]).removeprefix("Value error, ")
        raise SettingsError(field.upper(), message) from None
