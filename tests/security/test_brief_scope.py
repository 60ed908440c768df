"""The Analysis page's situation brief names the area its reader may see, not "All areas"."""

from __future__ import annotations

import re

import pytest

from dashboard.data import Source
from dashboard.screens.exports import brief_download
from queries.access import Scope
from queries.filters import Filters


@pytest.mark.parametrize(("scope", "lang", "named"), [
    (Scope(provinces=["530000"]), "en", "yunnan"),
    (Scope(provinces=["530000"]), "zh", "yunnan"),  # one plain ASCII name in either language
    (Scope(everything=True), "en", "all-areas"),
])
def test_the_page_brief_is_named_after_the_readers_scope(seeded_db, scope, lang, named):
    download = brief_download(Source(str(seeded_db), scope), Filters(), lang, "png")
    assert re.fullmatch(rf"cordon-brief-\d{{4}}-\d\d-\d\d-{named}\.png", download.file_name), download.file_name
    assert download.data.startswith(b"\x89PNG")
