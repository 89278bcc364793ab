#!/usr/bin/python3
"""Sends the first COUNT paths of PATHS (one a line) to an aides-serve, one after the other over
one kept-alive connection, and fails unless each answer is 200. For bench/serve-callgrind.sh:
the same requests for every build compared.

    serve_replay.py http://127.0.0.1:PORT PATHS COUNT
"""
import http.client
import sys
from urllib.parse import urlsplit


def main(url, paths_file, count):
    where = urlsplit(url)
    with open(paths_file, encoding="utf-8") as f:
        paths = [line.strip() for line in f if line.strip()][:count]
    connection = http.client.HTTPConnection(where.hostname, where.port, timeout=600)
    bytes_read = 0
    for path in paths:
        connection.request("GET", path)
        answer = connection.getresponse()
        body = answer.read()
        if answer.status != 200:
            sys.exit(f"serve_replay: {path}: HTTP {answer.status}: {body[:200]!r}")
        bytes_read += len(body)
    connection.close()
    print(f"serve_replay: {len(paths)} answers, {bytes_read} bytes")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
