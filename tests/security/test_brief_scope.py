"""The Analysis page's situation brief names the area its reader may see, not "All areas"."""

from __future__ import annotations

import pytest

from dashboard.data import Source
from dashboard.screens.exports import brief_download
from queries.access import Scope
from queries.filters import Filters


@pytest.mark.parametrize(("scope", "lang", "named"), [
    (Scope(provinces=["530000"]), "en", "cordon_brief_Yunnan_all_records.png"),
    (Scope(provinces=["530000"]), "zh", "cordon_brief_云南省_全部记录.png"),
    (Scope(everything=True), "en", "cordon_brief_All_areas_all_records.png"),
])
def test_the_page_brief_is_named_after_the_readers_scope(seeded_db, scope, lang, named):
    download = brief_download(Source(str(seeded_db), scope), Filters(), lang, "png")
    assert download.file_name == named and download.data.startswith(b"\x89PNG")
