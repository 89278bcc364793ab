"""Searches from several Python threads at once, and the GIL released while the engine works."""
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import aides
from conftest import LANDERNEAU, TODAY

REQUESTS = [
    dict(commune=LANDERNEAU),
    dict(text="rénovation énergétique", commune=LANDERNEAU, facets=True),
    dict(text="vélo, friche", perimeter="department:29", explain=True),
    dict(themes=["mobilite-transports"], aid_types=["financial_group"], order="deadline"),
    dict(text="centre-bourg -commerce", programs=["petites-villes-de-demain"], size=5, page=2),
    dict(perimeter="region:53", order="published", include_expired=True, facets=True),
    dict(text="rénovation xylophone", strict=True),
    dict(text="rénovation énergétique écoles", include_expired=True),
    dict(like="pvd-155", audiences=["epci"]),
]


def test_eight_threads_give_the_sequential_results(searcher):
    sequential = [searcher.search(today=TODAY, **request).to_dict() for request in REQUESTS]
    assert all(result["count"] > 0 for result in sequential)
    rounds = 6
    start = threading.Barrier(8)

    def worker(n):
        start.wait()  # all eight threads search at the same moment
        out = []
        for r in range(rounds):
            i = (n + r) % len(REQUESTS)
            out.append((i, searcher.search(today=TODAY, **REQUESTS[i]).to_dict()))
        return out

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(worker, range(8)))
    assert sum(len(r) for r in results) == 8 * rounds
    for per_thread in results:
        for i, result in per_thread:
            assert result == sequential[i]


def test_threads_with_their_own_searchers(index_dir, records):
    # One handle per thread, opened and closed concurrently, searching and profiling.
    def worker(_):
        with aides.Searcher(index_dir) as s:
            return (s.search(commune=LANDERNEAU, today=TODAY, size=1000).ids,
                    s.profile(LANDERNEAU).perimeters, len(s))

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(worker, range(16)))
    assert all(o == outcomes[0] for o in outcomes)
    assert outcomes[0][2] == len(records)


def runs_other_threads_during(call):
    """True when another Python thread gets to run while `call()` runs.

    The switch interval is raised far above the length of the test, so the interpreter never
    hands the GIL over on its own: the worker can only run while the main thread has released
    the GIL, i.e. inside the engine. Repeated calls make the outcome independent of scheduling.
    """
    ticks = [0]
    stop = threading.Event()

    def spin():
        while not stop.is_set():
            ticks[0] += 1
            stop.wait(0.0005)  # waits without the GIL

    old = sys.getswitchinterval()
    thread = threading.Thread(target=spin)
    thread.start()
    sys.setswitchinterval(30.0)
    try:
        for _ in range(300):
            before = ticks[0]
            call()
            if ticks[0] != before:
                return True
        return False
    finally:
        sys.setswitchinterval(old)
        stop.set()
        thread.join()


def test_gil_is_released_during_search(searcher):
    assert runs_other_threads_during(lambda: searcher.search("rénovation énergétique", commune=LANDERNEAU,
                                                             today=TODAY, facets=True))


def test_gil_is_released_during_indexing(fresh_index):
    records = [{"id": f"t-{i}", "name": f"Aide numéro {i} pour la rénovation des écoles", "perimeter": "department:29"}
               for i in range(50)]
    assert runs_other_threads_during(lambda: fresh_index.index(records))
