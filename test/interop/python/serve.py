"""Boot the Izana fixture backend for live tests, and nothing else.

Same server as record.py records from (daphne, fixture_project, DEBUG=False primary variant by
default), on a fresh sqlite DB seeded with the fixed users and sessions, with its own Redis:

  * a private `redis-server` on a unix socket in the temp dir (default; needs the binary),
    so parallel test files never share or flush each other's cache;
  * or `--redis URL`: an existing Redis database, FLUSHDBed before the server starts (backends
    started in parallel must then get different databases).

When ready it prints ONE JSON line on stdout:
  {"url": "http://127.0.0.1:<port>", "port": <port>, "redis": <url>, "log": <daphne log>, "pid": <daphne pid>}
and then runs until stdin closes (the parent died or is done) or SIGTERM/SIGINT; either way it
stops daphne and the private Redis and removes the temp dir. It never writes to golden/.

Usage: serve.py [--variant primary|stock] [--mwt-ttl SECONDS] [--redis private|URL]
"""
from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV_BIN = Path(sys.executable).parent
READY_TIMEOUT = 30.0


def die_with_parent() -> None:
    """Children get SIGTERM if serve.py itself is killed (Linux; elsewhere a no-op)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def log(msg: str) -> None:
    print(f"[serve.py] {msg}", file=sys.stderr, flush=True)


def prepare_db(db_path: str) -> None:
    """migrate + seed_fixture, in-process (one interpreter start fewer than manage.py twice)."""
    sys.path.insert(0, str(HERE))
    import django
    from django.core.management import call_command
    from django.db import connections

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("seed_fixture", stdout=io.StringIO())
    connections.close_all()


def wait_until(predicate, what: str, proc: subprocess.Popen | None = None, timeout: float = READY_TIMEOUT) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{what}: process exited early with {proc.returncode}")
        if predicate():
            return
        time.sleep(0.05)
    raise RuntimeError(f"{what}: not ready within {timeout}s")


def start_private_redis(workdir: Path) -> tuple[subprocess.Popen, str]:
    sock = workdir / "redis.sock"
    proc = subprocess.Popen(
        ["redis-server", "--port", "0", "--unixsocket", str(sock), "--unixsocketperm", "700",
         "--save", "", "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=die_with_parent,
    )
    url = f"unix://{sock}?db=0"

    def pong() -> bool:
        if not sock.exists():
            return False
        try:
            import redis

            return bool(redis.from_url(url).ping())
        except Exception:
            return False

    wait_until(pong, "private redis-server", proc)
    return proc, url


def flush_shared_redis(url: str) -> None:
    import redis

    redis.from_url(url).flushdb()


def http_ready(port: int) -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        conn.request("GET", "/api/izana/session/")
        ok = conn.getresponse().status == 200
        conn.close()
        return ok
    except OSError:
        return False


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--variant", default="primary", choices=["primary", "stock", "round2"])
    parser.add_argument("--mwt-ttl", type=int, default=None)
    parser.add_argument("--redis", default="private")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="izana-live-"))
    db_path = str(workdir / "fixture.sqlite3")
    log_path = workdir / "daphne.log"
    redis_proc: subprocess.Popen | None = None
    daphne: subprocess.Popen | None = None
    stop = threading.Event()

    def on_signal(_signum, _frame):
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    try:
        if args.redis == "private":
            if not shutil.which("redis-server"):
                raise RuntimeError("redis-server is not installed: install it, or pass --redis <url> "
                                   "(IZANA_LIVE_REDIS_URL for the TS tests) to use an existing Redis db")
            redis_proc, redis_url = start_private_redis(workdir)
        else:
            redis_url = args.redis
            flush_shared_redis(redis_url)

        env = dict(
            os.environ,
            FIXTURE_DB=db_path,
            FIXTURE_VARIANT=args.variant,
            FIXTURE_REDIS_URL=redis_url,
            DJANGO_SETTINGS_MODULE="fixture_project.live_settings",
            PYTHONHASHSEED="0",
        )
        if args.mwt_ttl is not None:
            env["FIXTURE_MWT_TTL"] = str(args.mwt_ttl)
        os.environ.update({k: env[k] for k in ("FIXTURE_DB", "FIXTURE_VARIANT", "FIXTURE_REDIS_URL", "DJANGO_SETTINGS_MODULE")})

        # Port 0: the kernel picks a free port and daphne logs it; no probe-then-bind race.
        # Daphne boots while the DB is prepared here: the readiness probe (session/) touches no
        # table, and the ready line is printed only once both are done.
        log_file = open(log_path, "wb")
        daphne = subprocess.Popen(
            [str(VENV_BIN / "daphne"), "-b", "127.0.0.1", "-p", "0", "fixture_project.asgi:application"],
            cwd=HERE, env=env, stdout=log_file, stderr=subprocess.STDOUT, preexec_fn=die_with_parent,
        )
        prepare_db(db_path)
        port_box: list[int] = []

        def listening() -> bool:
            if not port_box:
                m = re.search(rb"Listening on TCP address 127\.0\.0\.1:(\d+)", log_path.read_bytes())
                if not m:
                    return False
                port_box.append(int(m.group(1)))
            return http_ready(port_box[0])

        wait_until(listening, "daphne", daphne)
        port = port_box[0]
        print(json.dumps({"url": f"http://127.0.0.1:{port}", "port": port, "redis": redis_url,
                          "log": str(log_path), "pid": daphne.pid}), flush=True)

        # Stdin closing means the parent is gone (or done): never outlive it.
        def watch_stdin():
            try:
                while sys.stdin.buffer.read(4096):
                    pass
            finally:
                stop.set()

        threading.Thread(target=watch_stdin, daemon=True).start()
        while not stop.wait(0.2):
            if daphne.poll() is not None:
                log(f"daphne exited with {daphne.returncode}; see {log_path}")
                return 1
        return 0
    except Exception as exc:  # startup failure: say why, with the server log tail
        tail = log_path.read_bytes()[-3000:].decode("utf-8", "replace") if log_path.exists() else ""
        log(f"startup failed: {exc}\n{tail}")
        return 1
    finally:
        for proc in (daphne, redis_proc):
            if proc is None or proc.poll() is not None:
                continue
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
