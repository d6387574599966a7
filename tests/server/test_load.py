"""A bounded load test: 200 requests, 8 at a time, against ocrframe serve on 127.0.0.1 only."""

from __future__ import annotations

import pytest
from serving import png

from ocrframe.server.launch import LocalServer
from ocrframe.server.load import process_rss_mb, run_load

pytestmark = pytest.mark.engine  # the server answers with its engine


def small_images() -> list[tuple[str, bytes]]:
    """Small pictures, so 200 recognitions take seconds, not minutes (the engine's cost per
    picture of text is benchmarks/serve_load.py's business)."""
    return [("blank.png", png((120, 40))), ("square.png", png((64, 64), "lightgrey"))]


def test_200_requests_8_at_a_time_no_5xx_and_flat_memory():
    with LocalServer("--no-auth") as server:
        memory = process_rss_mb(server.pid())
        url = server.url + "/ocr/general"
        warm = run_load(url, small_images(), n=40, concurrency=8, memory=memory)
        report = run_load(url, small_images(), n=200, concurrency=8, memory=memory)
    assert warm.server_errors() == 0
    assert report.server_errors() == 0, report.statuses
    assert set(report.statuses) <= {200, 429}, report.statuses
    assert report.codes.get(0, 0) + report.statuses.get(429, 0) == 200
    # flat: the peak of the last 100 requests is within 30 MB of the peak of the first 100
    figures = [round(mb) for mb in report.rss_mb]
    assert report.growth_mb() < 30, figures


def test_overload_is_refused_with_429_not_queued_without_bound():
    # each request holds its place for 200 ms, so eight at a time surely exceed two places
    with LocalServer("--no-auth", "--queue", "2", "--latency-ms", "200") as server:
        report = run_load(server.url + "/ocr/general", small_images(), n=60, concurrency=8)
    assert report.server_errors() == 0
    assert report.statuses.get(429, 0) > 0 and report.statuses.get(200, 0) > 0
    assert set(report.statuses) <= {200, 429}
