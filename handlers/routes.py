"""The one place where the command table is composed. Nothing registers itself on import."""

from __future__ import annotations

from handlers import alerts, area_links, audit, coordinators, core, plan_later, subscriptions
from handlers.access import Audience
from handlers.campaigns import commands as campaigns
from handlers.dashboard import gemeente as dashboard_gemeente
from handlers.dashboard import login as dashboard_login
from handlers.patrols import buttons as patrol_buttons
from handlers.patrols import observe as patrol_observe
from handlers.patrols import rounds as patrol_rounds
from handlers.patrols import teams as patrol_teams
from handlers.places import attach as places_attach
from handlers.places import commands as places
from handlers.places import prompts as places_prompts
from handlers.places import relay as places_relay
from handlers.referrals import handler as referrals
from handlers.reports import actions as report_actions
from handlers.reports import dialog as report_dialog
from handlers.reports import group_text as report_text
from handlers.reports import privacy as report_privacy
from handlers.router import Command, Routes, Where
from handlers.statistics import command as statistics
from handlers.statistics import digest
from handlers.types import EventKind
from handlers.understanding import fallback as understanding_fallback

ROUTES = Routes(
    commands={
        "start": Command(core.start, "help.start"),
        "help": Command(core.help_, "help.help"),
        "regels": Command(core.rules, "help.regels"),
        "taal": Command(core.language, "help.taal", group_audience=Audience.GROUP_ADMIN),
        "wijk": Command(places.wijk, "help.wijk", Where.ANYWHERE, Audience.BEHEERDER, Audience.GROUP_ADMIN),
        "wijken": Command(places.wijken, "places.help.wijken", Where.PRIVATE),
        "stop": Command(subscriptions.stop, "help.stop"),  # also ends area subscriptions (WhatsApp STOP)
        "aanmelden": Command(subscriptions.aanmelden, "help.aanmelden", Where.PRIVATE),
        "whatsappgroep": Command(
            subscriptions.whatsappgroep, "help.whatsappgroep", Where.PRIVATE, Audience.COORDINATOR
        ),
        "hulp": Command(referrals.hulp, "help.hulp"),
        "campagnes": Command(campaigns.group_switch, "help.campagnes", Where.GROUP, Audience.GROUP_ADMIN),
        "campagne": Command(campaigns.coordinator, "help.campagne", Where.ANYWHERE, Audience.COORDINATOR),
        # Alerts and coordinators (issue 5)
        "alert": Command(alerts.alert, "help.alert", Where.ANYWHERE, Audience.COORDINATOR),
        "bericht": Command(alerts.bericht, "help.bericht", Where.ANYWHERE, Audience.COORDINATOR),
        "coordinator": Command(
            coordinators.coordinator, "help.coordinator", Where.ANYWHERE, Audience.BEHEERDER
        ),
        "audit": Command(audit.audit, "audit.help", Where.PRIVATE, Audience.BEHEERDER),
        # Reports (issue 4)
        "melding": Command(report_dialog.start, "reports.help.melding"),
        "meldingen": Command(
            report_actions.list_open,
            "reports.help.meldingen",
            audience=Audience.COORDINATOR,
            group_audience=Audience.GROUP_ADMIN,  # the group's admins and its area's coordinators
        ),
        "mijngegevens": Command(report_privacy.my_data, "reports.help.mijngegevens"),
        "vergeetmij": Command(report_privacy.forget_me, "reports.help.vergeetmij"),
        # Patrol rounds (issue 16)
        "ronde": Command(patrol_rounds.ronde, "patrols.help.ronde"),
        "rondes": Command(patrol_rounds.rondes, "patrols.help.rondes"),
        "team": Command(patrol_teams.team, "patrols.help.team", audience=Audience.COORDINATOR),
        # Statistics and the weekly digest (issue 14): answered privately, never in a group
        "digest": Command(digest.digest, "statistics.help.digest", Where.PRIVATE, Audience.COORDINATOR),
        "statistiek": Command(
            statistics.statistiek, "statistics.help.statistiek", audience=Audience.COORDINATOR
        ),
        # The web dashboard (issue 15): a one-time login link, privately; the gemeente role
        "dashboard": Command(
            dashboard_login.dashboard, "dashboard.help.dashboard", Where.PRIVATE, Audience.COORDINATOR
        ),
        "gemeente": Command(
            dashboard_gemeente.gemeente, "dashboard.help.gemeente", Where.ANYWHERE, Audience.BEHEERDER
        ),
    },
    callbacks={
        referrals.CALLBACK: referrals.button,
        "ml": report_dialog.on_button,
        "rp": report_actions.on_button,
        "mv": report_text.on_answer,
        "vm": report_privacy.on_forget_answer,
        alerts.CALLBACK: alerts.on_button,
        area_links.CALLBACK: area_links.on_button,
        places_prompts.CALLBACK: places.on_button,
        places_relay.CALLBACK: places_relay.on_button,
        "pr": patrol_buttons.on_button,
    },
    events={
        EventKind.BOT_ADDED: core.bot_added,
        EventKind.BOT_REMOVED: core.bot_removed,
        EventKind.MEMBERS_JOINED: core.members_joined,
        EventKind.CHAT_MIGRATED: core.chat_migrated,
    },
    dialogs={
        report_dialog.DIALOG: report_dialog.on_text,
        report_text.QUESTION: report_text.on_question_text,
        plan_later.DIALOG: plan_later.on_text,
    },
    # Order matters: the reports recogniser goes first; referrals only get text nobody reported.
    # A walker's private text during a started round is an observation of that round (issue 16).
    recognisers=(
        patrol_observe.observe,
        places_attach.attach_location,
        report_text.recognise,
        referrals.recognise_text,
    ),
    aliases={
        "rules": "regels",
        "language": "taal",
        "annuleer": "stop",
        "afmelden": "stop",
        "campaigns": "campagnes",
        "campaign": "campagne",
        "meld": "melding",
        "report": "melding",
        "mydata": "mijngegevens",
        "forgetme": "vergeetmij",
        "coördinator": "coordinator",
        "message": "bericht",
        "statistieken": "statistiek",
        "stats": "statistiek",
        "weekoverzicht": "digest",
    },
    fallback=understanding_fallback.private_fallback,
)
