"""Compression: brotli made once for the fingerprinted scripts, flask-compress for the rest."""

from __future__ import annotations

import re

import brotli

from services.compression import accepts_brotli


def test_accept_encoding_is_read_with_its_quality_factors():
    assert accepts_brotli("gzip, deflate, br, zstd") and accepts_brotli("BR;q=0.5")
    assert not accepts_brotli("gzip, deflate") and not accepts_brotli("br;q=0") and not accepts_brotli("")
    assert not accepts_brotli("brotli")


def test_scripts_are_sent_as_brotli_to_browsers_that_take_it_and_as_gzip_otherwise(dash_app):
    client = dash_app.server.test_client()
    html = client.get("/").get_data(as_text=True)
    # Mantine's bundle is listed for assets/lazy_libraries.js (services/lazy_libraries.py), not in a tag.
    script = re.search(r'"(/_dash-component-suites/dash_mantine_components/[^"]+)"', html).group(1)
    plain = client.get(script, headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    first = client.get(script, headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    again = client.get(script, headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert first.headers["Content-Encoding"] == "br" and "Accept-Encoding" in first.headers["Vary"]
    assert brotli.decompress(first.get_data()) == plain.get_data() and again.get_data() == first.get_data()
    assert len(first.get_data()) < 0.25 * len(plain.get_data())
    gz = client.get(script, headers={"Accept-Encoding": "gzip"})
    assert gz.headers["Content-Encoding"] == "gzip" and len(gz.get_data()) > len(first.get_data())


def test_callback_answers_and_pages_are_still_compressed_by_flask_compress(dash_app):
    client = dash_app.server.test_client()
    page = client.get("/?lang=en", headers={"Accept-Encoding": "gzip"})
    assert page.headers.get("Content-Encoding") == "gzip"
