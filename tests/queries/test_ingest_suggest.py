"""Unknown values of the enumerations that matter (issue 17 item 5): each shown once with its rows and a
suggestion, accepted all or some, the file checked again with them, and the mapping kept for the next
file from the same post; the same on the command line (--accept-suggestions, --write-mapping)."""

from __future__ import annotations

import pytest

from queries.__main__ import main
from queries.ingest import KINDS, IngestError, check, known_places, load_mapping, read_path, read_upload
from queries.ingest.mapping import read_mapping
from queries.ingest.suggest import Accepted, accept, suggested, unknown_values
from queries.store import Store
from tests.queries.ingest_fixtures import NOW, geography, places_store, rules, seizure_row, write_csv  # noqa: F401

SEIZURES = KINDS["seizures"]
CHANNELS = ["unofficial border path", "Unofficial  Border Path", "边境小路", "陆路口岸", "unofficial border path"]


def _file(tmp_path, name: str = "东兴海关_2025-03.csv", **columns):
    """A seizures CSV of five rows whose channel (and any other column given as a list) varies by row."""
    values = {"channel": CHANNELS, **columns}
    rows = [seizure_row(i, **{field: column[i] for field, column in values.items()}) for i in range(5)]
    return write_csv(tmp_path / name, rows)


def test_each_unknown_value_is_listed_once_with_its_rows_and_suggestion(tmp_path):
    parsed = read_path(_file(tmp_path, agency=["凭祥海关", "xyz police", "海关", "海关", "xyz police"]))
    unknown = unknown_values(parsed.fields(), rules())
    assert unknown.to_dict("records") == [
        # two spellings that normalise alike are one value, shown as the file first writes it
        {"field": "channel", "value": "unofficial border path", "rows": 3, "suggestion": "unofficial_path"},
        {"field": "channel", "value": "边境小路", "rows": 1, "suggestion": None},
        {"field": "agency", "value": "xyz police", "rows": 2, "suggestion": "public_security"}]
    assert suggested(unknown) == [Accepted("channel", "unofficial border path", "unofficial_path"),
                                  Accepted("agency", "xyz police", "public_security")]


def test_a_file_without_unknown_values_lists_none(tmp_path):
    parsed = read_path(_file(tmp_path, channel=["陆路口岸"] * 5))
    assert unknown_values(parsed.fields(), rules()).empty


def test_accepted_values_land_on_the_next_check_and_the_rest_are_still_refused(tmp_path, places_store, geography):  # noqa: F811
    parsed = read_path(_file(tmp_path))
    places = known_places(places_store)
    before = check(parsed, geography, places, NOW)
    assert len(before.records) == 1 and before.batches["rule"].tolist() == ["unknown"]
    chosen = [Accepted("channel", "unofficial border path", "unofficial_path"),
              Accepted("channel", "边境小路", "unofficial_path")]  # a value without a suggestion, given by hand
    parsed.mapping = accept(parsed.mapping, chosen[:1], SEIZURES)
    some = check(parsed, geography, places, NOW)
    assert len(some.records) == 4 and some.rejected["line"].tolist() == [4]  # 边境小路 is still unknown
    parsed.mapping = accept(parsed.mapping, chosen[1:], SEIZURES)
    every = check(parsed, geography, places, NOW)
    assert every.rejected.empty and set(every.records["channel"]) == {"unofficial_path", "land_port"}


def test_a_code_that_does_not_exist_cannot_be_accepted():
    with pytest.raises(IngestError, match="unknown code 'mountain_path'"):
        accept(load_mapping(), [Accepted("channel", "边境小路", "mountain_path")], SEIZURES)


def test_the_mapping_written_out_reads_back_with_what_was_accepted_and_given(tmp_path):
    base = read_mapping("post.toml", '[columns]\nagency = ["办案机关"]\n\n[values.channel]\nland_port = ["公路"]\n')
    mapping = accept(base.with_defaults({"case_status": "侦查中"}),
                     [Accepted("channel", "unofficial border path", "unofficial_path"),
                      Accepted("channel", "公路口子", "land_port")], SEIZURES)
    text = mapping.to_toml("东兴海关")
    assert text.startswith("# A Cordon import mapping")
    again = read_mapping("东兴海关.toml", text)
    assert again.name == "东兴海关"
    assert again.columns["agency"] == ("办案机关",)  # the uploaded mapping's own tables are kept
    assert again.defaults["case_status"] == "侦查中"
    assert {key: again.values["channel"][key] for key in ("公路", "公路口子", "unofficialborderpath")} == {
        "公路": "land_port", "公路口子": "land_port", "unofficialborderpath": "unofficial_path"}
    assert load_mapping().to_toml("x").splitlines()[-1] == 'name = "x"'  # the default adds nothing to itself


def test_a_mapping_given_as_text_says_what_is_wrong_with_it():
    with pytest.raises(IngestError, match="mapping post.toml: is not valid TOML"):
        read_mapping("post.toml", "[values.channel\n")
    with pytest.raises(IngestError, match=r"mapping post.toml: \[columns\] has an unknown field 'colour'"):
        read_mapping("post.toml", '[columns]\ncolour = ["颜色"]\n')


def test_the_command_line_accepts_the_suggestions_and_writes_the_mapping_for_the_next_file(tmp_path, capsys):
    db, mapping = tmp_path / "c.duckdb", tmp_path / "东兴海关.toml"
    first = _file(tmp_path, case_status=[""] * 5)  # said once for the whole file
    assert main(["seed", "--db", str(db), "--rows", "50"]) == 0
    assert main(["ingest", "--db", str(db), str(first), "--accept-suggestions", "--set", "case_status=结案",
                 "--write-mapping", str(mapping)]) == 0
    out = capsys.readouterr().out
    assert "channel 'unofficial border path' (3 rows): accepted as unofficial_path" in out
    assert "channel '边境小路' (1 rows): no suggestion; give it in a mapping's [values.channel]" in out
    assert "4 new, 0 updated, 0 unchanged, 1 rejected" in out
    written = read_mapping(mapping.name, mapping.read_text(encoding="utf-8"))
    assert written.values["channel"]["unofficialborderpath"] == "unofficial_path"
    assert written.defaults["case_status"] == "结案"
    # the next file from the same post, read with the mapping kept: its rows land without a question
    second = _file(tmp_path, "东兴海关_2025-04.csv", source_id=[f"R-{i}" for i in range(10, 15)], case_status=[""] * 5)
    assert main(["ingest", "--db", str(db), str(second), "--mapping", str(mapping)]) == 0
    assert "4 new, 0 updated, 0 unchanged, 1 rejected" in capsys.readouterr().out
    with Store(db).reading() as con:
        stored = con.execute("SELECT count(*) FROM seizures WHERE channel = 'unofficial_path' AND NOT is_synthetic "
                             "AND case_status = 'closed'").fetchone()[0]
    assert stored == 6


def test_suggestions_read_a_workbook_of_several_sheets(places_store, geography):  # noqa: F811
    from tests.queries.test_ingest_layout import APRIL, MARCH, _workbook

    march, april = ([row[:6] + ["unofficial border path"] + row[7:] for row in month] for month in (MARCH, APRIL[:1]))
    parsed = read_upload("posts.xlsx", _workbook((3, march), (4, april)))
    unknown = unknown_values(parsed.fields(), rules())
    assert unknown[["value", "rows"]].values.tolist() == [["unofficial border path", 4]]
    parsed.mapping = accept(parsed.mapping, suggested(unknown), SEIZURES)
    assert check(parsed, geography, known_places(places_store), NOW).sheets["ok"].tolist() == [3, 1]
