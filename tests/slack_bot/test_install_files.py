"""The files a workspace admin installs from: the Slack app manifest and
`.env.example`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def test_the_manifest_asks_for_exactly_the_scopes_and_events_the_bot_uses() -> None:
    yaml = pytest.importorskip("yaml")
    manifest = yaml.safe_load((ROOT / "slack-manifest.yml").read_text())
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert scopes == {
        "app_mentions:read",  # mentions
        "chat:write",  # answers, chat.update, chat.postEphemeral
        "commands",  # the slash command
        "im:history",  # DMs
        "channels:history",  # follow-ups in threads
        "groups:history",
        "mpim:history",
    }
    settings = manifest["settings"]
    assert set(settings["event_subscriptions"]["bot_events"]) == {
        "app_mention",
        "message.im",
        "message.channels",
        "message.groups",
        "message.mpim",
    }
    assert settings["interactivity"]["is_enabled"] is True  # the buttons
    [command] = manifest["features"]["slash_commands"]
    assert command["command"] == Settings(_env_file=None).command
    assert manifest["features"]["app_home"]["messages_tab_enabled"] is True  # DMs
    urls = [
        command["url"],
        settings["event_subscriptions"]["request_url"],
        settings["interactivity"]["request_url"],
    ]
    assert all(u.startswith("https://") and u.endswith("/slack/events") for u in urls)


def test_env_example_documents_every_setting_and_loads_as_the_defaults() -> None:
    text = (ROOT / ".env.example").read_text()
    named = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE))
    for name, field in Settings.model_fields.items():
        variable = name.upper() if name.startswith("slack_") and name != "slack_api_url" else None
        variable = variable or f"NOTESBOT_{name.upper()}"
        assert variable in named, f"{variable} ({field.description or name}) not in .env.example"
    loaded = Settings(_env_file=ROOT / ".env.example")
    defaults = Settings(_env_file=None)
    for name in Settings.model_fields:
        if not name.startswith("slack_") or name == "slack_api_url":
            assert getattr(loaded, name) == getattr(defaults, name), name
