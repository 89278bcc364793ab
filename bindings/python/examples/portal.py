#!/usr/bin/python3
"""A tiny aids portal on the standard library: a search form (commune, themes, words) and
the results, plus the same search as JSON at /api/search.

    make demo
    PYTHONPATH=build/python python3 bindings/python/examples/portal.py build/demo-index --port 8000

then open http://127.0.0.1:8000/. With --port 0 a free port is chosen; the first line printed
is the address served.
"""
import argparse
import html
import json
import re
import sys
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import aides

PAGE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Aides aux collectivités</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:auto}} li{{margin:.8em 0}}
.meta{{color:#555;font-size:90%}} mark{{background:#ffe066}} .error{{color:#b00}}</style></head>
<body><h1>Aides aux collectivités</h1>
<form method="get" action="/">
<label>Commune (code INSEE, nom ou code postal) <input name="commune" value="{commune}" required></label>
<label>Mots <input name="q" value="{text}"></label><br>
<label>Thèmes <select name="theme" multiple size="5">{themes}</select></label>
<button>Chercher</button></form>
{body}</body></html>
"""


def esc(value):
    return html.escape(str(value), quote=True)


def snippet_html(snippet):
    """The library's snippet is HTML-escaped with <mark> around matches: keep only those tags,
    and escape everything else again after decoding it, whatever the snippet holds."""
    parts = re.split(r"(</?mark>)", snippet)
    return "".join(p if p in ("<mark>", "</mark>") else esc(html.unescape(p)) for p in parts)


class Portal:
    def __init__(self, db, today=None):
        self.searcher = aides.Searcher(db)
        self.today = today
        # The themes of the catalogue, from the facets of a search of every aid.
        everything = self.searcher.search(facets=True, size=1, today=today, include_expired=True)
        self.themes = sorted(everything.facets.get("themes", {}))

    def search(self, query):
        themes = [t for t in query.get("theme", []) if t]
        return self.searcher.search(query.get("q", [""])[0], commune=query.get("commune", [""])[0],
                                    themes=themes, today=self.today, size=50)

    def page(self, query):
        commune = query.get("commune", [""])[0].strip()
        chosen = set(query.get("theme", []))
        options = "".join(f'<option value="{esc(t)}"{" selected" if t in chosen else ""}>{esc(t)}</option>'
                          for t in self.themes)
        body = ""
        if commune:
            try:
                result = self.search(query)
            except aides.UsageError as e:
                return HTTPStatus.BAD_REQUEST, self.render(query, options, f'<p class="error">{esc(e)}</p>')
            profile = self.searcher.profile(commune)
            body = f"<h2>{result.count} aide{'s' if result.count != 1 else ''} pour {esc(profile.name)} ({esc(profile.code)})</h2>"
            if result.relaxed:
                body += f"<p>Aucune aide n’a tous les mots ; sans : {esc(' '.join(result.missing))}</p>"
            if result.suggestion:
                suggested = dict(query, q=[result.suggestion])
                body += f'<p>Essayez : <a href="/?{esc(urlencode(suggested, doseq=True))}">{esc(result.suggestion)}</a></p>'
            body += "<ol>"
            for hit in result:
                deadline = hit.submission_deadline or ("permanente" if hit.recurrence == "ongoing" else "non précisée")
                title = esc(hit.name)
                if hit.url.startswith(("https://", "http://")):
                    title = f'<a href="{esc(hit.url)}">{title}</a>'
                body += (f'<li class="aid" data-id="{esc(hit.id)}">{title}<div class="meta">{esc(hit.perimeter_name)}'
                         f' · échéance {esc(deadline)} · {esc(", ".join(hit.aid_types))}</div>'
                         f"<div>{snippet_html(hit.snippet)}</div></li>")
            body += "</ol>"
        return HTTPStatus.OK, self.render(query, options, body)

    def render(self, query, options, body):
        return PAGE.format(commune=esc(query.get("commune", [""])[0]), text=esc(query.get("q", [""])[0]),
                           themes=options, body=body)


def handler_for(portal):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            url = urlsplit(self.path)
            query = parse_qs(url.query)
            try:
                if url.path == "/":
                    status, text = portal.page(query)
                    self.reply(status, text, "text/html; charset=utf-8")
                elif url.path == "/api/search":
                    try:
                        self.reply(HTTPStatus.OK, portal.search(query).to_json(), "application/json")
                    except aides.UsageError as e:
                        self.reply(HTTPStatus.BAD_REQUEST, json.dumps({"error": str(e)}, ensure_ascii=False), "application/json")
                else:
                    self.reply(HTTPStatus.NOT_FOUND, "not found", "text/plain; charset=utf-8")
            except aides.Error as e:
                self.reply(HTTPStatus.INTERNAL_SERVER_ERROR, esc(e), "text/plain; charset=utf-8")

        def reply(self, status, text, content_type):
            data = text.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format, *args):
            pass

    return Handler


def main(argv=None):
    parser = argparse.ArgumentParser(description="A tiny aids portal over an aides index.")
    parser.add_argument("db", help="index directory built by aides-index")
    parser.add_argument("--port", type=int, default=8000, help="port (0: any free port), default 8000")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on, default 127.0.0.1")
    parser.add_argument("--today", help="the date used for open aids (default: the real date)")
    args = parser.parse_args(argv)
    try:
        portal = Portal(args.db, args.today)
    except aides.Error as e:
        sys.exit(f"portal: {e}")
    server = ThreadingHTTPServer((args.host, args.port), handler_for(portal))
    print(f"serving on http://{args.host}:{server.server_address[1]}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
