"""The Slack side of the wire: requests to the bot signed exactly as Slack
signs them (`v0=` + HMAC-SHA256 of `v0:{timestamp}:{body}` with the signing
secret, in `X-Slack-Signature`, the timestamp in
`X-Slack-Request-Timestamp`)."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import itertools
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from .fake_slack import BOT_USER_ID, TEAM_ID

_ids = itertools.count(1)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def next_ts() -> str:
    return f"{int(time.time())}.{next(_ids):06d}"


@dataclass
class Response:
    status: int
    body: bytes
    seconds: float

    def json(self) -> Any:
        return json.loads(self.body)


class SlackSender:
    def __init__(self, host: str, port: int, signing_secret: str, path: str = "/slack/events"):
        self.host, self.port, self.secret, self.path = host, port, signing_secret, path

    def post(
        self,
        body: bytes,
        content_type: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        headers: dict[str, str | None] | None = None,
        timeout: float = 10.0,
    ) -> Response:
        ts = str(int(time.time()) if timestamp is None else timestamp)
        merged: dict[str, str | None] = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": signature or sign(self.secret, ts, body),
            **(headers or {}),
        }
        all_headers = {k: v for k, v in merged.items() if v is not None}  # None: leave out
        started = time.perf_counter()
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            conn.request("POST", self.path, body=body, headers=all_headers)
            resp = conn.getresponse()
            data = resp.read()
        finally:
            conn.close()
        return Response(resp.status, data, time.perf_counter() - started)

    # ------------------------------------------------------------------ payloads

    def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        **kwargs: Any,
    ) -> Response:
        envelope = event_callback(event, event_id)
        headers = kwargs.pop("headers", {}) or {}
        if retry_num is not None:
            headers = {
                **headers,
                "X-Slack-Retry-Num": str(retry_num),
                "X-Slack-Retry-Reason": "http_timeout",
            }
        body = json.dumps(envelope).encode()
        return self.post(body, "application/json", headers=headers, **kwargs)

    def command(
        self,
        text: str,
        *,
        response_url: str,
        command: str = "/notes",
        user: str = "UASKER1",
        **kwargs: Any,
    ) -> Response:
        form = {
            "token": "legacy-verification-token",
            "team_id": TEAM_ID,
            "team_domain": "fake",
            "channel_id": "CGENERAL1",
            "channel_name": "general",
            "user_id": user,
            "user_name": "asker",
            "command": command,
            "text": text,
            "api_app_id": "A0000001",
            "response_url": response_url,
            "trigger_id": "1.2.3",
        }
        return self.post(urlencode(form).encode(), "application/x-www-form-urlencoded", **kwargs)

    def action(self, payload: dict[str, Any], **kwargs: Any) -> Response:
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return self.post(body, "application/x-www-form-urlencoded", **kwargs)


def event_callback(event: dict[str, Any], event_id: str | None = None) -> dict[str, Any]:
    """What Slack sends for an event: over HTTP as the body, in Socket Mode
    as an envelope's payload."""
    return {
        "token": "legacy-verification-token",
        "team_id": TEAM_ID,
        "api_app_id": "A0000001",
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{next(_ids):08d}",
        "event_time": int(time.time()),
        "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
    }


def mention(
    text: str, *, channel: str = "CGENERAL1", ts: str | None = None, **extra: Any
) -> dict[str, Any]:
    """An `app_mention` event: `text` after the bot's mention."""
    return {
        "type": "app_mention",
        "user": "UASKER1",
        "text": f"<@{BOT_USER_ID}> {text}",
        "ts": ts or next_ts(),
        "channel": channel,
        "event_ts": next_ts(),
        **extra,
    }


def message(
    text: str,
    *,
    channel: str = "CGENERAL1",
    channel_type: str = "channel",
    ts: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "type": "message",
        "user": "UASKER1",
        "text": text,
        "ts": ts or next_ts(),
        "channel": channel,
        "channel_type": channel_type,
        "event_ts": next_ts(),
        **extra,
    }
