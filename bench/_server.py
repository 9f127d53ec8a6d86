"""The server the HTTP benchmarks start: the product's app (``workflow serve``'s app factory and
waitress with the same threads) with one extra trivial endpoint, ``GET /bench/trivial``, so
both are measured on the same stack. Optionally with the scheduler in the process.

    python bench/_server.py PORT [--scheduler]
"""

from __future__ import annotations

import logging
import sys

from web.app import create_app
from workflow.cli.serve import make_server
from workflow.runtime import build_service
from workflow.settings import load_settings


def main() -> None:
    port = int(sys.argv[1])
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # 8 clients queue by design
    settings = load_settings()
    service = build_service(settings)
    app = create_app(settings, service)

    @app.get("/bench/trivial")
    def trivial() -> dict[str, bool]:
        return {"ok": True}

    handle = None
    if "--scheduler" in sys.argv:
        from workflow import scheduler

        handle = scheduler.start_background(settings, service)
    server = make_server(app, "127.0.0.1", port)
    print("ready", flush=True)
    try:
        server.run()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.close()
        if handle is not None:
            handle.shutdown()


if __name__ == "__main__":
    main()
