#!/usr/bin/python3
"""Embedding the engine in a Python web application (WSGI: Django, Flask and the like run the
same way). One Searcher for the life of the process, shared by its threads; a request's
parameters become keyword arguments; the answer is the CLI's JSON. For a ready-made HTTP API
and search page, run `aides-serve --db INDEX` instead.

    PYTHONPATH=build/python /usr/bin/python3 bindings/python/examples/embed.py build/demo-index
    curl 'http://127.0.0.1:8000/?commune=29103&text=velo'
"""
import json
import sys
from urllib.parse import parse_qs
from wsgiref.simple_server import make_server

import aides


def make_app(index_dir):
    searcher = aides.Searcher(index_dir)  # sees each new commit of the index by itself

    def application(environ, start_response):
        query = parse_qs(environ.get("QUERY_STRING", ""))
        try:
            result = searcher.search(query.get("text", [""])[0], commune=query.get("commune", [None])[0],
                                     themes=query.get("theme"), size=int(query.get("size", ["20"])[0]))
            status, body = "200 OK", result.to_dict()
        except (aides.UsageError, ValueError) as error:
            status, body = "400 Bad Request", {"error": str(error)}
        start_response(status, [("Content-Type", "application/json")])
        return [json.dumps(body, ensure_ascii=False).encode("utf-8")]

    return application


if __name__ == "__main__":
    make_server("127.0.0.1", 8000, make_app(sys.argv[1])).serve_forever()
