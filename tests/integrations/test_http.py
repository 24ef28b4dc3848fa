"""The shared HTTP layer to providers."""

from __future__ import annotations

import threading

from integrations import http


def test_each_thread_has_its_own_session_and_keeps_it() -> None:
    seen: dict[str, object] = {}

    def remember(name: str) -> None:
        seen[name] = http.session()
        assert http.session() is seen[name]  # reused between calls on one thread

    threads = [threading.Thread(target=remember, args=(f"t{i}",)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(s) for s in seen.values()}) == 3
