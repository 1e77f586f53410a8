"""Start the four fake networks and print where they listen, for trying the app offline.

    python -m tests.fakes [--port-base 8701] [--latency 0.02] [--grow 30]

Prints one `NAME=value` line per setting (URLs, the demo apps' credentials, the demo Bluesky
app password), then serves until interrupted. With --port-base the ports are fixed
(Mastodon, Bluesky, LinkedIn, X in that order); without, free ports are picked.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from tests.fakes.base import FakeNetwork
from tests.fakes.bluesky import FakeBluesky
from tests.fakes.linkedin import FakeLinkedIn
from tests.fakes.mastodon import FakeMastodon
from tests.fakes.x import FakeX

DEMO_APP_PASSWORD = "demo-demo-demo-demo"


def start_all(*, port_base: int = 0, latency: float = 0.0) -> dict[str, FakeNetwork]:
    """The four fakes, started and seeded with a demo account each (and the LinkedIn and X
    apps an admin would register; they accept any redirect back to this machine)."""
    classes = {
        "mastodon": FakeMastodon,
        "bluesky": FakeBluesky,
        "linkedin": FakeLinkedIn,
        "x": FakeX,
    }
    fakes = {}
    for offset, (name, cls) in enumerate(classes.items()):
        port = port_base + offset if port_base else 0
        fakes[name] = cls(port=port, latency=latency).start()
    fakes["mastodon"].add_account("demo", display_name="Demo Employee", followers=120)
    fakes["bluesky"].add_account(
        "demo.bsky.test", display_name="Demo Employee", followers=85, app_password=DEMO_APP_PASSWORD
    )
    fakes["linkedin"].add_account("demo@example.test", display_name="Demo Employee")
    fakes["linkedin"].register_app(
        redirect_uris=[], client_id="demo-linkedin", client_secret="demo-linkedin-secret"
    )
    fakes["x"].add_account("demo_employee", display_name="Demo Employee", followers=240)
    fakes["x"].register_app(redirect_uris=[], client_id="demo-x", client_secret="demo-x-secret")
    return fakes


def settings(fakes: dict[str, FakeNetwork]) -> dict[str, str]:
    lines = {f"FAKE_{name.upper()}_URL": fake.base_url for name, fake in fakes.items()}
    for name in ("linkedin", "x"):
        app = next(iter(fakes[name].apps.values()))
        lines[f"FAKE_{name.upper()}_CLIENT_ID"] = app.client_id
        lines[f"FAKE_{name.upper()}_CLIENT_SECRET"] = app.client_secret
    lines["FAKE_BLUESKY_HANDLE"] = "demo.bsky.test"
    lines["FAKE_BLUESKY_APP_PASSWORD"] = DEMO_APP_PASSWORD
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tests.fakes", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--port-base", type=int, default=0, help="first of four fixed ports")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every answer")
    parser.add_argument(
        "--grow", type=float, default=0.0, help="every N seconds, posts gain engagement"
    )
    args = parser.parse_args(argv)
    fakes = start_all(port_base=args.port_base, latency=args.latency)
    for name, value in settings(fakes).items():
        print(f"{name}={value}")
    sys.stdout.flush()
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    while not stop.wait(args.grow or None):
        for fake in fakes.values():
            fake.grow_engagement()
    for fake in fakes.values():
        fake.stop()


if __name__ == "__main__":
    main()
