"""The embedding example (bindings/python/examples/embed.py), called as a WSGI server calls it."""
import importlib.util
import json

from conftest import LANDERNEAU, REPO

spec = importlib.util.spec_from_file_location("embed", REPO / "bindings" / "python" / "examples" / "embed.py")
embed = importlib.util.module_from_spec(spec)
spec.loader.exec_module(embed)


def call(app, query):
    answer = {}
    body = app({"QUERY_STRING": query}, lambda status, headers: answer.update(status=status, headers=headers))
    return answer["status"], json.loads(b"".join(body))


def test_answers_the_searchers_json(index_dir, searcher):
    app = embed.make_app(index_dir)
    status, body = call(app, f"commune={LANDERNEAU}&text=velo&size=5")
    assert status == "200 OK"
    assert body == searcher.search("velo", commune=LANDERNEAU, size=5).to_dict()
    assert body["count"] > 0


def test_refused_values_are_400(index_dir):
    status, body = call(embed.make_app(index_dir), "commune=99999")
    assert status == "400 Bad Request" and "99999" in body["error"]
