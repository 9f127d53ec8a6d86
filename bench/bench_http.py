"""Benchmark: write requests over HTTP against a trivial endpoint on the same server stack.

A server process runs the product's app on waitress (``workflow serve``'s factory and threads,
no scheduler) with one extra endpoint, ``GET /bench/trivial``, that returns ``{"ok": true}``.
Eight client threads, each on a keep-alive connection, then alternate phases: the trivial
endpoint, then the product's writes — each client steps its own cases (``POST
/cases/{id}/transitions`` with ``notify``, then ``PATCH /cases/{id}`` on the same case) — then
the trivial endpoint and the writes again. It prints the throughput of each, their ratio, the
p50/p95/p99 of the writes (eight concurrent writers), and the server's CPU per request.

    python bench/bench_http.py [--database-url postgresql://...] [--cases 40]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _setup import Client, Server, now, percentile, prepare

CLIENTS = 8
TRIVIAL_PER_CLIENT = 400


def run_phase(
    clients: Sequence[Client], work: Callable[[int, Client], list[float]]
) -> tuple[float, list[float]]:
    """Each client runs ``work`` in a thread; returns the wall time and every request's time."""
    times: list[list[float]] = [[] for _ in clients]
    start = threading.Barrier(len(clients) + 1)

    def go(k: int) -> None:
        start.wait()
        times[k] = work(k, clients[k])

    threads = [threading.Thread(target=go, args=(k,)) for k in range(len(clients))]
    for t in threads:
        t.start()
    start.wait()
    began = now()
    for t in threads:
        t.join()
    return now() - began, [x for part in times for x in part]


def trivial(_k: int, client: Client) -> list[float]:
    out = []
    for _ in range(TRIVIAL_PER_CLIENT):
        t0 = now()
        status, _body = client.call("GET", "/bench/trivial")
        out.append(now() - t0)
        if status != 200:
            raise RuntimeError(f"trivial endpoint answered {status}")
    return out


def writes(cases: Sequence[Sequence[int]]) -> Callable[[int, Client], list[float]]:
    def work(k: int, client: Client) -> list[float]:
        out = []
        for case_id in cases[k]:
            step = {"trigger": "notify", "expected_version": 1, "note": "sent", "data": {}}
            t0 = now()
            status, body = client.call("POST", f"/api/v1/cases/{case_id}/transitions", step)
            out.append(now() - t0)
            if status != 200:
                raise RuntimeError(f"the step answered {status}: {body}")
            patch = {"data": {"bench_note": f"k{k}"}, "expected_version": body["version"]}
            t0 = now()
            status, body = client.call("PATCH", f"/api/v1/cases/{case_id}", patch)
            out.append(now() - t0)
            if status != 200:
                raise RuntimeError(f"the change answered {status}: {body}")
        return out

    return work


def ms(x: float) -> str:
    return f"{x * 1000:.1f}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        metavar="URL",
        help="a PostgreSQL database to use "
        "(its public schema is dropped and recreated); default: a new SQLite file",
    )
    parser.add_argument("--cases", type=int, default=40, help="cases per client per phase")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-http-") as tmp:
        folder = Path(tmp)
        bench = prepare(args.database_url, folder)
        ids = bench.cases(2 * CLIENTS * args.cases)
        phases = [ids[i * CLIENTS * args.cases : (i + 1) * CLIENTS * args.cases] for i in (0, 1)]
        server = Server(bench, folder)
        clients = [Client(server.port, bench.token) for _ in range(CLIENTS)]
        try:
            run_phase(clients, trivial)  # warm-up
            results: dict[str, list[tuple[float, list[float], float]]] = {
                "trivial": [],
                "writes": [],
            }
            for phase in phases:
                for name in ("trivial", "writes"):
                    cpu0 = server.cpu_seconds()
                    if name == "trivial":
                        wall, sample = run_phase(clients, trivial)
                    else:
                        mine = [phase[k::CLIENTS] for k in range(CLIENTS)]
                        wall, sample = run_phase(clients, writes(mine))
                    results[name].append((wall, sample, server.cpu_seconds() - cpu0))
        finally:
            for c in clients:
                c.close()
            server.stop()
            bench.service.store.dispose()
    kind = "PostgreSQL" if bench.url.startswith("postgresql") else "SQLite"
    print(
        f"{kind}; {CLIENTS} clients on keep-alive connections; waitress with the product's threads"
    )
    rates = {}
    for name, runs in results.items():
        requests = sum(len(s) for _, s, _ in runs)
        wall = sum(w for w, _, _ in runs)
        cpu = sum(c for _, _, c in runs)
        sample = [x for _, s, _ in runs for x in s]
        rates[name] = requests / wall
        print(
            f"{name:>8}: {requests} requests, {rates[name]:.0f} req/s, "
            f"p50 {ms(percentile(sample, 50))} ms, p95 {ms(percentile(sample, 95))} ms, "
            f"p99 {ms(percentile(sample, 99))} ms, p99/p50 "
            f"{percentile(sample, 99) / percentile(sample, 50):.1f}, "
            f"server CPU {cpu / requests * 1000:.2f} ms a request"
        )
    print(f"writes / trivial throughput: {rates['writes'] / rates['trivial']:.1%} (goal >= 25%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
