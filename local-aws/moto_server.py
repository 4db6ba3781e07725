"""shop-stream's local DynamoDB + DynamoDB Streams (and SNS, SQS, S3, SES v2): moto, served on 127.0.0.1.

Two things plain `python -m moto.server` does not do, and the worker's tests need:

* Atomic conditional writes. moto's threaded server runs each request on its own thread with no
  per-operation lock, so a conditional write is a check and then a write in Python: two racing
  `attribute_not_exists` claims can both win. Every DynamoDB API request (X-Amz-Target
  `DynamoDB_20120810.*`) runs under one lock here, response body included. DynamoDB Streams reads
  (`DynamoDBStreams_20120810.*`, a 1,000-record GetRecords takes ~1 s) stay outside it, so they never
  stall a claim.
* Time to live. moto stores a table's TTL setting but never expires items. A reaper thread deletes,
  under the same lock, every item whose TTL attribute is a Number (epoch seconds) at or before now
  (values more than five years in the past are ignored, as DynamoDB does), and marks the stream's
  REMOVE record as DynamoDB's own: userIdentity {Type: Service, PrincipalId: dynamodb.amazonaws.com}.

Usage: moto_server.py --port PORT [--ttl-interval SECONDS] [--no-lock] [--exit-with-stdin]
Binds 127.0.0.1 only. With --exit-with-stdin it exits when its standard input closes (the lifeline
held by the process that started it).
"""

import argparse
import logging
import os
import signal
import sys
import threading
import time

from werkzeug.serving import run_simple

from moto.dynamodb.models import dynamodb_backends
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)

HOST = "127.0.0.1"
DYNAMODB_TARGET_PREFIX = "DynamoDB_20120810."
TTL_IDENTITY = {"Type": "Service", "PrincipalId": "dynamodb.amazonaws.com"}
# DynamoDB ignores TTL values more than five years in the past (they are probably not epoch seconds).
TTL_MAX_AGE_SECONDS = 5 * 365 * 24 * 3600


class DynamoDbLock:
    """WSGI middleware: DynamoDB API requests run one at a time; everything else passes through."""

    def __init__(self, app, lock):
        self.app = app
        self.lock = lock

    def __call__(self, environ, start_response):
        if not environ.get("HTTP_X_AMZ_TARGET", "").startswith(DYNAMODB_TARGET_PREFIX):
            return self.app(environ, start_response)
        with self.lock:
            body = self.app(environ, start_response)
            try:
                # Materialize the response inside the lock: Flask may render it lazily.
                data = b"".join(body)
            finally:
                close = getattr(body, "close", None)
                if close is not None:
                    close()
        return [data]


def expired(item, attribute, now):
    value = item.attrs.get(attribute)
    if value is None or value.type != "N":
        return False
    try:
        expires_at = float(value.value)
    except ValueError:
        return False
    return now - TTL_MAX_AGE_SECONDS <= expires_at <= now


def reap_expired_items(lock, now=None):
    """Deletes every expired item of every TTL-enabled table; returns how many it deleted."""
    now = time.time() if now is None else now
    deleted = 0
    with lock:
        for regions in list(dynamodb_backends.values()):
            for backend in list(regions.values()):
                for table in list(backend.tables.values()):
                    if table.ttl.get("TimeToLiveStatus") != "ENABLED":
                        continue
                    attribute = table.ttl.get("AttributeName")
                    if not attribute:
                        continue
                    for item in table.all_items():
                        if not expired(item, attribute, now):
                            continue
                        if table.delete_item(item.hash_key, item.range_key) is None:
                            continue
                        deleted += 1
                        shard = table.stream_shard
                        if shard is not None and shard.items:
                            record = shard.items[-1].record
                            if record.get("eventName") == "REMOVE":
                                record["userIdentity"] = dict(TTL_IDENTITY)
    return deleted


def start_reaper(lock, interval):
    def run():
        while True:
            time.sleep(interval)
            try:
                count = reap_expired_items(lock)
                if count:
                    logging.getLogger("shop.ttl").info("TTL: deleted %d expired item(s)", count)
            except Exception:  # keep reaping: one bad table must not end TTL for the others
                logging.getLogger("shop.ttl").exception("TTL reaper pass failed")

    threading.Thread(target=run, name="ttl-reaper", daemon=True).start()


def exit_when_stdin_closes():
    def watch():
        try:
            while sys.stdin.buffer.read(1024):
                pass
        finally:
            os._exit(0)

    threading.Thread(target=watch, name="stdin-lifeline", daemon=True).start()


def main(argv=None):
    parser = argparse.ArgumentParser(description="moto on 127.0.0.1 with atomic DynamoDB writes and TTL expiry")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--ttl-interval", type=float, default=1.0,
                        help="seconds between TTL reaper passes (0 turns expiry off; default 1)")
    parser.add_argument("--no-lock", action="store_true",
                        help="serve DynamoDB without the lock (plain moto; for measurements only)")
    parser.add_argument("--exit-with-stdin", action="store_true")
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
    if sys.version_info < (3, 10):
        print("moto_server.py needs Python 3.10 or newer", file=sys.stderr)
        return 2
    os.environ.setdefault("MOTO_PORT", str(args.port))
    # os._exit: a clean interpreter shutdown aborts on the daemon thread blocked reading stdin.
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    signal.signal(signal.SIGINT, lambda *_: os._exit(0))
    if args.exit_with_stdin:
        exit_when_stdin_closes()

    lock = threading.RLock()
    app = DomainDispatcherApplication(create_backend_app)
    if not args.no_lock:
        app = DynamoDbLock(app, lock)
    if args.ttl_interval > 0:
        start_reaper(lock, args.ttl_interval)
    logging.getLogger("shop.moto").info(
        "moto on http://%s:%d (DynamoDB lock %s, TTL reaper every %ss)", HOST, args.port,
        "off" if args.no_lock else "on", args.ttl_interval if args.ttl_interval > 0 else "-")
    run_simple(HOST, args.port, app, threaded=True, request_handler=MotoRequestHandler)
    return 0


if __name__ == "__main__":
    sys.exit(main())
