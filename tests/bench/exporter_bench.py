#!/usr/bin/env python3
"""Benchmark of `atol-kkt exporter` (docs/exporter.md; not a CTest test, it asserts nothing about
speed): scrapes per second and latency percentiles at 10,000 registers, and the exporter's RSS
after 1,000 scrapes and after --scrapes (100,000 by default), which should be the same (no
growth per scrape).

usage: tests/bench/exporter_bench.py BUILD_DIR [--registers N] [--scrapes N] [--clients N]
                                     [--identity]

Scrapes ask for gzip as Prometheus does (--identity: the plain text, far more bytes to move);
the registers' part is rendered and compressed once per read, so this measures the per-scrape
cost. The cache TTL is an hour: every scrape after the first is served from memory.
"""
import argparse
import http.client
import os
import re
import subprocess
import sys
import tempfile
import threading
import time


def start(args, env, pattern):
    """Starts a program; returns it and the first match of `pattern` on its output."""
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    stream = proc.stdout if "emulator" in args[0] else proc.stderr
    deadline = time.time() + 60
    while time.time() < deadline:
        line = stream.readline()
        if not line:
            break
        match = re.search(pattern, line)
        if match:
            # Keep draining so the program never blocks on a full pipe.
            threading.Thread(target=lambda: [None for _ in stream], daemon=True).start()
            return proc, match
    proc.kill()
    sys.exit(f"{args[0]} did not start")


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def scrape_batch(port, count, clients, headers, latencies, errors):
    """`count` scrapes spread over `clients` threads, each on its own keep-alive connection."""
    lock = threading.Lock()
    remaining = [count]

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        while True:
            with lock:
                if remaining[0] == 0:
                    break
                remaining[0] -= 1
            started = time.perf_counter()
            try:
                conn.request("GET", "/metrics", headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    errors.append(response.status)
            except (OSError, http.client.HTTPException) as error:
                errors.append(str(error))
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            mine.append(time.perf_counter() - started)
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(p / 100 * len(sorted_values)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build_dir")
    parser.add_argument("--registers", type=int, default=10000)
    parser.add_argument("--scrapes", type=int, default=100000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--identity", action="store_true")
    options = parser.parse_args()
    atol = os.path.join(options.build_dir, "plugin", "atol-kkt")
    emulator_bin = os.path.join(options.build_dir, "tests", "emulator", "atol-kkt-emulator")

    with tempfile.TemporaryDirectory(prefix="atol-exporter-bench.") as work:
        emulator, match = start([emulator_bin, "--registers", str(options.registers)],
                                dict(PATH=os.environ["PATH"]), r"^(http://\S+)")
        env = dict(PATH=os.environ["PATH"], HOME=work, LC_ALL="C.UTF-8",
                   ATOL_KKT_CACHE_DIR=os.path.join(work, "cache"), ATOL_KKT_BASE_URL=match[1])
        exporter, match = start([atol, "exporter", "--web.listen-address", "127.0.0.1:0",
                                 "--cache-ttl", "3600", "--timeout", "60"],
                                env, r"listening on http://127\.0\.0\.1:(\d+)")
        port = int(match[1])
        headers = {"X-Prometheus-Scrape-Timeout-Seconds": "10"}
        if not options.identity:
            headers["Accept-Encoding"] = "gzip"
        try:
            # The first scrape waits for the first read (10,000 registers: 10 list pages).
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            conn.request("GET", "/metrics", headers={"X-Prometheus-Scrape-Timeout-Seconds": "100"})
            body = conn.getresponse().read()
            conn.close()
            print(f"registers: {options.registers}, exposition {len(body) / 2**20:.1f} MiB plain,"
                  f" {'identity' if options.identity else 'gzip'}, {options.clients} clients")

            errors = []
            warm = []
            scrape_batch(port, 1000, options.clients, headers, warm, errors)
            rss_1k = rss_kib(exporter.pid)
            latencies = []
            started = time.perf_counter()
            scrape_batch(port, options.scrapes - 1000, options.clients, headers, latencies, errors)
            took = time.perf_counter() - started
            rss_end = rss_kib(exporter.pid)
            latencies.sort()
            print(f"scrapes: {len(latencies)} in {took:.1f} s = {len(latencies) / took:.0f}/s;"
                  f" latency p50 {percentile(latencies, 50) * 1000:.2f} ms,"
                  f" p99 {percentile(latencies, 99) * 1000:.2f} ms,"
                  f" max {latencies[-1] * 1000:.2f} ms")
            print(f"RSS after 1,000 scrapes: {rss_1k / 1024:.1f} MiB;"
                  f" after {options.scrapes:,}: {rss_end / 1024:.1f} MiB"
                  f" ({(rss_end - rss_1k) / 1024:+.1f} MiB)")
            if errors:
                print(f"errors: {len(errors)} (first: {errors[0]}): these figures are void")
                sys.exit(1)
        finally:
            exporter.terminate()
            emulator.terminate()
            exporter.wait(30)
            emulator.wait(30)


if __name__ == "__main__":
    main()
