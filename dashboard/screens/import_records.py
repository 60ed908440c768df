"""Import: upload a file of seizures, checkpoints or hubs, see how its columns map and which rows
would be refused and why, then import it in one transaction and read what happened.

All the work is in ``queries.ingest``; this page reads the upload, shows the preview, the values
Cordon does not know (each once, with a suggestion to accept: ``queries.ingest.suggest``), the
refusals in batches and the first refused rows, and shows the result. Values for the whole file
(agency, channel, case status, source) and accepted spellings are laid over the mapping, which can
be saved for the next file from the same post. Nothing is written before the Import button.
Reading, checking and importing stop when the uploader's browser session ends.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pandas as pd
import streamlit as st
from streamlit import runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from dashboard.auth import audit
from dashboard.context import PageContext, current_context, minute_now
from dashboard.i18n import label, t
from dashboard.screens.import_inbox import render_inbox_reports
from dashboard.tables import EMPTY_CELL
from dashboard.tooltips import markdown_text
from geodata.demo_geography import import_geography
from queries.ingest import (
    CRS_NAMES,
    KINDS,
    Cancelled,
    IngestError,
    check,
    ingest,
    known_places,
    load_mapping,
    read_upload,
)
from queries.ingest.fields import ENUMERATIONS
from queries.ingest.files import never_stop
from queries.ingest.mapping import read_mapping
from queries.ingest.refusals import runs_text
from queries.ingest.suggest import Accepted, accept, unknown_values, value_table
from queries.store import Store, StoreError
from queries.stores import open_store

UPLOAD_TYPES = ["csv", "txt", "xlsx", "geojson", "json", "parquet"]
PREVIEW_ROWS = 20
REFUSED_ROWS_SHOWN = 200  # refused rows listed; the batches above them cover every one
RESULT_KEY = "import_result"
READ_KEY = "import_read"  # (what was read: file, kind, coordinate system, mapping, values accepted; the Parsed)
CHECKED_KEY = "import_checked"  # (the Parsed checked, the values for the whole file and language; what was found)
ACCEPTED_KEY = "import_accepted"  # (the upload's file id, the values accepted for it)
# Enumerations a file may give once for all its rows (a postal centre's sheet has no agency column),
# and the text field that names where the records come from.
WHOLE_FILE = ("agency", "channel", "case_status")
WHOLE_FILE_TEXT = "source"


def _codes(field) -> tuple[str, ...]:
    """The codes a field's values may take (its enumeration; the item field's are the controlled items)."""
    return ENUMERATIONS[value_table(field)]


def session_ended() -> Callable[[], bool]:
    """The ``should_stop`` of this run's import work: True once the browser session that started it
    has ended (tab closed, connection lost: Streamlit no longer counts it active). A rerun or stop
    Streamlit asks for in the meantime ends the run there too, as it would at the next st call."""
    ctx = get_script_run_ctx(suppress_warning=True)
    server = runtime.get_instance() if runtime.exists() else None
    if ctx is None or server is None or not server.is_active_session(ctx.session_id):
        return never_stop  # not served to a browser: nobody to leave
    yield_check = getattr(ctx, "yield_check", never_stop)

    def should_stop() -> bool:
        yield_check()
        return not server.is_active_session(ctx.session_id)

    return should_stop


def _said(error: Exception, lang: str) -> str:
    """What went wrong, in ``lang`` where the error says it in words of the catalogue (an IngestError's)."""
    return error.say(lang) if isinstance(error, IngestError) else str(error)


def _mapping(mapping_upload, accepted: tuple[Accepted, ...], kind: str):
    """The mapping the upload is read with: the uploaded mapping file (else the default) and the spellings
    accepted; an IngestError says what is wrong in the file."""
    base = load_mapping() if mapping_upload is None else read_mapping(mapping_upload.name,
                                                                      mapping_upload.getvalue().decode("utf-8"))
    return accept(base, accepted, KINDS[kind])


def _read(upload, kind: str, crs: str, mapping_upload, accepted: tuple[Accepted, ...], lang: str):
    """The upload read and mapped (``Parsed``), once per file and choice of kind, coordinate system, mapping
    and values accepted; None after saying what was wrong with a file or mapping that cannot be read."""
    request = (upload.file_id, kind, crs, None if mapping_upload is None else mapping_upload.file_id, accepted)
    done = st.session_state.get(READ_KEY)
    if done is not None and done[0] == request:
        return done[1]
    try:
        mapping = _mapping(mapping_upload, accepted, kind)
    except (IngestError, UnicodeDecodeError) as error:
        st.error(t("import_mapping_unusable", lang, reason=markdown_text(_said(error, lang))))
        return None
    try:
        with st.spinner(t("import_checking", lang, name=upload.name), show_time=True):
            parsed = read_upload(upload.name, upload.getvalue(), kind, mapping, crs, should_stop=session_ended())
    except (IngestError, UnicodeDecodeError, ValueError) as error:
        st.error(t("import_unreadable", lang, reason=markdown_text(_said(error, lang))))
        return None
    except Cancelled:
        return None  # the uploader has gone: nobody to show it to
    st.session_state[READ_KEY] = (request, parsed)
    return parsed


def _check(parsed, settings: dict[str, str], store: Store, lang: str):
    """The parsed upload with the values for the whole file laid over its mapping, validated (``Parsed``,
    ``Checked`` with its reasons in ``lang``, the unknown values), once per reading, values and language;
    None after saying what was wrong."""
    request = (tuple(sorted(settings.items())), lang)
    done = st.session_state.get(CHECKED_KEY)
    if done is not None and done[0] is parsed and done[1] == request:
        return done[2]
    should_stop = session_ended()
    try:
        with st.spinner(t("import_checking", lang, name=parsed.name), show_time=True):
            given = replace(parsed, mapping=parsed.mapping.with_defaults(settings))
            checked = check(given, import_geography(), known_places(store), should_stop=should_stop, lang=lang)
            unknown = unknown_values(given.fields(), checked.rules)
    except (IngestError, ValueError) as error:
        st.error(t("import_unreadable", lang, reason=markdown_text(_said(error, lang))))
        return None
    except Cancelled:
        return None  # the uploader has gone: nobody to show it to
    st.session_state[CHECKED_KEY] = (parsed, request, (given, checked, unknown))
    return given, checked, unknown


def _whole_file(kind: str, unfilled: tuple[str, ...], lang: str) -> dict[str, str]:
    """The values the user gives for every row whose file says nothing of them (``--set`` on the command
    line): field → code or text. Open, under a note naming them, when no column gives required fields
    it offers (``Parsed.unfilled``: every row would be refused)."""
    fields = KINDS[kind]
    names = [name for name in (*WHOLE_FILE, WHOLE_FILE_TEXT) if name in fields]
    missing = [name for name in unfilled if name in names]
    if missing:
        st.warning(t("import_whole_file_missing", lang, fields=t("list_separator", lang).join(
            t(f"import_field_{name}", lang) for name in missing)))
    settings = {}
    with st.expander(t("import_whole_file", lang), expanded=bool(missing)):
        st.caption(t("import_whole_file_hint", lang))
        columns = st.columns(len(names))
        for column, name in zip(columns, names):
            if name == WHOLE_FILE_TEXT:
                value = column.text_input(t(f"import_field_{name}", lang), key=f"i_set_{name}", max_chars=200)
            else:
                value = column.selectbox(t(f"import_field_{name}", lang), ("", *_codes(fields[name])),
                                         key=f"i_set_{name}", format_func=lambda c: label(c, lang) if c else "—")
            if value and value.strip():
                settings[name] = value.strip()
    return settings


def _unknown_values(unknown: pd.DataFrame, kind: str, lang: str) -> list[Accepted] | None:
    """The values Cordon does not know, each once per field with its rows and suggestion: the user ticks
    those to accept and may choose another meaning; the accepted ones once the button is pressed."""
    st.subheader(t("import_unknown", lang))
    st.caption(t("import_unknown_hint", lang))
    fields, chosen = KINDS[kind], []
    accept_word, value_word, means_word = (t("import_unknown_accept", lang), t("import_unknown_value", lang),
                                           t("import_unknown_means", lang))
    for name, rows in unknown.groupby("field", sort=False):
        meanings = {label(code, lang): code for code in _codes(fields[name])}
        shown = pd.DataFrame({accept_word: rows["suggestion"].notna().to_numpy(),
                              value_word: rows["value"].to_numpy(),
                              t("import_rows", lang): [f"{n:,}" for n in rows["rows"]],
                              means_word: [label(code, lang) if code else None for code in rows["suggestion"]]})
        st.markdown(f"**{t(f'import_field_{name}', lang)}**")
        edited = st.data_editor(shown, hide_index=True, key=f"i_unknown_{name}", placeholder=EMPTY_CELL,
                                disabled=[value_word, t("import_rows", lang)], column_config={
            accept_word: st.column_config.CheckboxColumn(accept_word),
            means_word: st.column_config.SelectboxColumn(means_word, options=list(meanings))})
        chosen += [Accepted(name, value, meanings[means]) for ticked, value, means in
                   zip(edited[accept_word], edited[value_word], edited[means_word]) if ticked and means in meanings]
    if st.button(t("import_unknown_apply", lang), key="i_accept", disabled=not chosen):
        return chosen
    return None


def _accepted_for(upload) -> tuple[Accepted, ...]:
    """The values accepted for this upload (none for another file)."""
    held = st.session_state.get(ACCEPTED_KEY)
    return held[1] if held is not None and held[0] == upload.file_id else ()


def _save_mapping(parsed, accepted: tuple[Accepted, ...], lang: str) -> None:
    """What was accepted, and the mapping to keep for the next file from the same post."""
    if accepted:
        st.caption(t("import_accepted", lang, values=markdown_text("; ".join(
            f"{choice.value} → {label(choice.code, lang)}" for choice in accepted))))
    if parsed.mapping.document:
        st.download_button(t("import_save_mapping", lang), parsed.mapping.to_toml(parsed.source),
                           f"{parsed.source}.toml", "application/toml", key="i_save_mapping",
                           help=t("import_save_mapping_help", lang))


def _refusals(checked, table, lang: str) -> None:
    """The refused rows: in batches (rule, field, how many, where, the first one's words), then the
    first REFUSED_ROWS_SHOWN with their reasons."""
    batches, refused = checked.batches, checked.rejected
    if len(batches):
        st.markdown(f"**{t('import_refused_title', lang)}**")
        st.dataframe(pd.DataFrame({t("import_batch_rule", lang): [t(f"import_rule_{r}", lang) for r in batches["rule"]],
                                   t("import_field", lang): [t(f"import_field_{name}", lang) if name else ""
                                                             for name in batches["field"]],
                                   t("import_rows", lang): [f"{n:,}" for n in batches["rows"]],
                                   t("import_batch_lines", lang): [_places(table, at, lang) for at in batches["at"]],
                                   t("import_batch_example", lang): batches["example"].tolist()}),
                     hide_index=True, key="import_batches")
    if len(refused):
        shown = refused.head(REFUSED_ROWS_SHOWN)
        st.dataframe(pd.DataFrame({t("import_batch_lines", lang): [_places(table, [line], lang) for line in shown["line"]],
                                   t("import_reason", lang): shown["reason"].tolist()}),
                     hide_index=True, key="import_refused")
        if len(refused) > len(shown):
            st.caption(t("import_refused_shown", lang, shown=len(shown), refused=len(refused)))


def _sheets(sheets: pd.DataFrame, table, ok_label: str, lang: str, key: str) -> None:
    """One row a sheet (its rows, those that can land or landed, refused, rows passed over), for a
    workbook of several sheets or with an empty one, so that no sheet goes without a word."""
    if sheets.empty or (len(sheets) < 2 and sheets["rows"].gt(0).all()):
        return
    counts = {t("import_rows", lang): sheets["rows"], t(ok_label, lang): sheets["ok"],
              t("import_sheet_refused", lang): sheets["refused"],
              t("import_sheet_passed_over", lang): [len(sheet.passed_over) for sheet in table.sheets]}
    st.dataframe(pd.DataFrame({t("import_sheet", lang): sheets["sheet"].tolist(),
                               **{label: [f"{n:,}" for n in values] for label, values in counts.items()}}),
                 hide_index=True, key=key)


def _places(table, lines, lang: str) -> str:
    """Where ``lines`` (stored lines, sorted) are, as runs, in ``lang`` (:meth:`Table.places` says it in
    English): "rows 4–6", "sheet '2025年4月' row 5", "工作表“2025年4月”第 4–6 行"."""
    lines = np.asarray(lines, dtype=np.int64)
    parts = []
    for sheet, mine, theirs in table.by_sheet(lines, table.every_line):
        word = t(f"import_word_{table.line_word}{'s' if len(mine) > 1 else ''}", lang)
        runs = runs_text(mine, theirs, more=t("import_more_runs", lang))
        parts.append(t("import_where_sheet", lang, sheet=sheet, word=word, line=runs) if sheet else
                     t("import_where", lang, word=word, line=runs))
    return "; ".join(parts)


def _layout(table, lang: str) -> None:
    """One caption: the serial-number columns left out and the totals rows and notes passed over, with
    where each is."""
    parts = []
    if table.serial:
        parts.append(t("import_serial", lang, columns=markdown_text(", ".join(table.serial))))
    if table.passed_over:
        rows = "; ".join(f"{_places(table, [line], lang)} ({t(f'import_passed_{kind}', lang)}) “{text}”"
                         for line, kind, text in table.passed_over)
        parts.append(t("import_passed_over", lang, rows=markdown_text(rows)))
    if parts:
        st.caption(" · ".join(parts))


def render(ctx: PageContext) -> None:
    lang = ctx.view.lang
    st.title(t("import_title", lang))
    st.caption(t("import_hint", lang))
    left, middle, right = st.columns(3)
    kind = left.selectbox(t("import_kind", lang), tuple(KINDS), key="i_kind",
                          format_func=lambda k: t(f"import_kind_{k}", lang))
    crs = middle.selectbox(t("import_crs", lang), CRS_NAMES, key="i_crs", help=t("import_crs_help", lang),
                           format_func=lambda c: t(f"crs_{c}", lang))
    mapping_upload = right.file_uploader(t("import_mapping", lang), type=["toml"], key="i_mapping",
                                         help=t("import_mapping_help", lang))
    upload = st.file_uploader(t("import_file", lang), type=UPLOAD_TYPES, key="i_file")
    if upload is None:
        return
    accepted = _accepted_for(upload)
    parsed = _read(upload, kind, crs, mapping_upload, accepted, lang)
    if parsed is None:
        return
    settings = _whole_file(kind, parsed.unfilled, lang)
    store = open_store(ctx.path)
    found = _check(parsed, settings, store, lang)
    if found is None:
        return
    parsed, checked, unknown = found
    encoding = f" · {parsed.encoding}" if parsed.encoding else ""
    st.subheader(t("import_columns", lang))
    st.caption(f"{markdown_text(upload.name)}{encoding}")
    st.dataframe(pd.DataFrame({t("import_field", lang): [t(f"import_field_{name}", lang) for name in parsed.columns],
                               t("import_header", lang): [str(h) for h in parsed.columns.values()]}),
                 hide_index=True, key="import_columns")
    if parsed.unmapped:
        st.caption(t("import_unmapped", lang, headers=markdown_text(", ".join(map(str, parsed.unmapped)))))
    if not parsed.keyed:
        st.caption(t("import_keyless", lang))
    if parsed.table.titles:
        titles = "; ".join(f"{_places(parsed.table, [line], lang)} “{text}”" for line, text in parsed.table.titles)
        st.caption(t("import_titles", lang, titles=markdown_text(titles)))
    st.subheader(t("import_preview", lang))
    preview = parsed.preview(PREVIEW_ROWS).astype("string").fillna(EMPTY_CELL)  # an empty cell empty, not "None"
    added = len(preview.columns) - len(parsed.table.frame.columns)  # the sheet and line columns put first
    heads = {"sheet": t("import_sheet", lang), parsed.table.line_word: t("import_line", lang)}
    preview.columns = [heads.get(c, c) for c in preview.columns[:added]] + list(preview.columns[added:])
    st.dataframe(preview, hide_index=True, key="import_preview")

    landing = len(checked.records)
    st.subheader(t("import_check", lang))
    st.caption(t("import_check_summary", lang, ok=landing, refused=len(checked.rejected)))
    _sheets(checked.sheets, parsed.table, "import_sheet_ok", lang, "import_sheets")
    _layout(parsed.table, lang)
    if len(unknown):
        chosen = _unknown_values(unknown, kind, lang)
        if chosen:
            st.session_state[ACCEPTED_KEY] = (upload.file_id, (*accepted, *chosen))
            st.rerun()
    _save_mapping(parsed, accepted, lang)
    _refusals(checked, parsed.table, lang)
    if st.button(t("import_run", lang, rows=landing, name=upload.name), key="i_run",
                 type="primary", disabled=not landing):
        try:
            with st.spinner(t("importing", lang), show_time=True):
                result = ingest(store, parsed, import_geography(), should_stop=session_ended())
            st.session_state[RESULT_KEY] = result
            audit(store, "import", ctx.user.username, {**result.audit_details(), "crs": crs}, minute_now())
        except (IngestError, StoreError) as error:
            st.error(t("import_failed", lang, reason=markdown_text(_said(error, lang))))
        except Cancelled:
            return  # the uploader has gone before anything was written
    result = st.session_state.get(RESULT_KEY)
    if result is not None and result.file_name == upload.name:
        st.success(t("import_done", lang, name=markdown_text(result.file_name), new=result.accepted,
                     updated=result.updated, unchanged=result.unchanged, rejected=result.rejected,
                     import_id=result.import_id))
        _sheets(result.sheets, parsed.table, "import_sheet_accepted", lang, "import_result_sheets")
        if result.by_reason:
            st.dataframe(pd.DataFrame({t("import_reason", lang): [t(f"import_rule_{r}", lang) for r in result.by_reason],
                                       t("import_rows", lang): list(result.by_reason.values())}),
                         hide_index=True, key="import_by_reason")


if __name__ == "__main__":  # run as a page by st.navigation
    context = current_context()
    render(context)
    render_inbox_reports(open_store(context.path), context.view.lang)
