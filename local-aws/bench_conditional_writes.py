"""What the DynamoDB lock in moto_server.py costs: conditional UpdateItem calls per second from N
client threads, against the launcher with the lock and with --no-lock (plain moto).

Usage: local-aws/.venv/bin/python local-aws/bench_conditional_writes.py [--threads 8] [--seconds 10]
Starts and stops its own servers on free 127.0.0.1 ports.
"""

import argparse
import concurrent.futures
import os
import socket
import subprocess
import sys
import time

import boto3
import botocore.config

HERE = os.path.dirname(os.path.abspath(__file__))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def client(port, threads):
    return boto3.client("dynamodb", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                        aws_access_key_id="x", aws_secret_access_key="x",
                        config=botocore.config.Config(max_pool_connections=threads + 2))


def wait_ready(port):
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            client(port, 1).list_tables()
            return
        except Exception:
            time.sleep(0.1)
    raise SystemExit(f"moto on port {port} did not answer")


def measure(extra_args, threads, seconds):
    port = free_port()
    server = subprocess.Popen([sys.executable, os.path.join(HERE, "moto_server.py"), "--port", str(port)] + extra_args,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_ready(port)
        setup = client(port, 1)
        setup.create_table(TableName="bench", BillingMode="PAY_PER_REQUEST",
                           AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                           KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                           StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})

        def work(worker):
            own = client(port, 1)
            calls = 0
            end = time.time() + seconds
            while time.time() < end:
                own.update_item(TableName="bench", Key={"id": {"S": f"k{worker}-{calls % 50}"}},
                                UpdateExpression="SET v = :v", ConditionExpression="attribute_not_exists(v) OR v < :v",
                                ExpressionAttributeValues={":v": {"N": str(calls)}})
                calls += 1
            return calls

        with concurrent.futures.ThreadPoolExecutor(threads) as pool:
            total = sum(pool.map(work, range(threads)))
        return total / seconds
    finally:
        server.terminate()
        server.wait(10)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    for label, extra in (("with the lock", []), ("without (--no-lock)", ["--no-lock"])):
        rate = measure(extra, args.threads, args.seconds)
        print(f"{label:22s} {args.threads} threads x {args.seconds:.0f} s: {rate:6.0f} conditional UpdateItem/s")


if __name__ == "__main__":
    main()
