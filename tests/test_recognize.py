"""``ocrframe.recognize``: every kind of input, failed rows for what cannot be read, the progress
bar. The answers are this run's readings of the samples, replayed: what is tested here is what
recognize does around an engine, not the reading."""

from __future__ import annotations

import socket
import threading
from functools import partial
from http.server import HTTPServer, SimpleHTTPRequestHandler
from pathlib import Path

from PIL import Image

import ocrframe
from ocrframe import schema


def test_batch_with_corrupt_file_and_gif_keeps_every_other_image(tmp_path, replay):
    good = ocrframe.samples()[:2]
    corrupt = tmp_path / "corrupt.png"
    corrupt.write_bytes(b"\x89PNG\r\n\x1a\n" + b"garbage" * 20)
    gif = tmp_path / "animated.gif"
    frames = [Image.new("RGB", (40, 20), c) for c in ("white", "black")]
    frames[0].save(gif, save_all=True, append_images=frames[1:], duration=100, loop=0)
    res = ocrframe.recognize(
        [good[0], str(corrupt), str(gif), good[1]], engine=replay, progress=False
    )
    assert res.images["source"].tolist() == [good[0], str(corrupt), str(gif), good[1]]
    assert res.images["code"].tolist() == [0, -1102, -1400, 0]
    assert "animated GIF" in res.images.loc[2, "message"]
    assert set(res.items["image_id"]) == {0, 3}
    assert res.images.loc[[0, 3], "n_items"].min() > 0
    schema.validate("images", res.images)


def test_empty_file_and_missing_file_are_failed_rows(tmp_path, replay):
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    res = ocrframe.recognize([str(empty), str(tmp_path / "nope.png")], engine=replay)
    assert res.images["code"].tolist() == [-1300, -6]  # empty; no such file
    assert (
        "0 bytes" in res.images.loc[0, "message"] and "no such file" in res.images.loc[1, "message"]
    )


def test_urls_are_fetched_and_unreachable_ones_fail_clearly(tmp_path, replay):
    Path(tmp_path / "card.png").write_bytes(Path(ocrframe.samples()[4]).read_bytes())
    handler = partial(_QuietHandler, directory=str(tmp_path))
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        res = ocrframe.recognize(
            [f"{base}/card.png", f"{base}/missing.png"], engine=replay, progress=False
        )
    finally:
        server.shutdown()
        server.server_close()
    assert res.images["source"].tolist() == [f"{base}/card.png", f"{base}/missing.png"]
    assert res.images["code"].tolist() == [0, -1308]
    assert "HTTP 404" in res.images.loc[1, "message"]
    assert "李明" in res.items["text"].tolist()
    with socket.socket() as refuser:  # bound, not listening: holds a port that refuses
        refuser.bind(("127.0.0.1", 0))
        port = refuser.getsockname()[1]
        closed = ocrframe.recognize(f"http://127.0.0.1:{port}/card.png", engine=replay)
    assert closed.images.loc[0, "code"] == -1308
    assert "ConnectionError" in closed.images.loc[0, "message"]


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def test_progress_bar_is_shown_for_several_images_unless_disabled(capsys, replay):
    paths = ocrframe.samples()[:2]
    ocrframe.recognize(paths, engine=replay, progress=False)
    assert capsys.readouterr().err == ""
    ocrframe.recognize(paths, engine=replay)
    err = capsys.readouterr().err
    assert "2/2" in err and "failed=0" in err
