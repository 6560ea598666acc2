"""Socket Mode: Slack's events over a WebSocket the bot opens itself (no
public URL needed).

slack_sdk's websocket-client based client, not its built-in one: when the
connection drops without a close frame, the built-in client spins on the dead
socket for about a minute before it reconnects, while websocket-client
notices at once and the client opens a new connection.
"""

from __future__ import annotations

import logging
import time

from slack_bolt import App
from slack_bolt.adapter.socket_mode.websocket_client import SocketModeHandler

log = logging.getLogger("notesbot.serve")

FIRST_CONNECTION_WAIT_S = 10.0


def connect(app: App, app_token: str) -> SocketModeHandler:
    """A handler connected to Slack (raises SlackApiError when Slack refuses
    the token). It reconnects by itself from then on."""
    handler = SocketModeHandler(app, app_token)
    client = handler.client
    # The client starts its connection monitor with the first connection,
    # whose socket opens a moment later on another thread: the monitor's
    # first look finds no socket and opens a second connection. So the
    # monitor starts here, once the first connection is up.
    client.current_app_monitor_started = True  # connect() then leaves it alone
    try:
        handler.connect()
    except BaseException:
        handler.close()
        raise
    deadline = time.monotonic() + FIRST_CONNECTION_WAIT_S
    while not client.is_connected() and time.monotonic() < deadline:
        time.sleep(0.05)
    if not client.is_connected():
        log.warning("Socket Mode is not connected yet; it keeps trying")
    client.current_app_monitor.start()
    return handler
