"""Import: upload a file of seizures, checkpoints or hubs, see how its columns map and which rows
would be refused and why, then import it in one transaction and read what happened.

All the work is in ``queries.ingest``; this page reads the upload, shows the preview and verdicts,
and shows the result. Nothing is written before the Import button.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.auth import audit
from dashboard.context import PageContext, current_context, minute_now
from dashboard.i18n import t
from dashboard.tooltips import markdown_text
from geodata.demo_geography import import_geography
from queries.ingest import CRS_NAMES, KINDS, IngestError, check, ingest, known_places, read_upload
from queries.store import Store, StoreError

UPLOAD_TYPES = ["csv", "txt", "xlsx", "geojson", "json", "parquet"]
PREVIEW_ROWS = 20
RESULT_KEY = "import_result"
CHECKED_KEY = "import_checked"


def _read_and_check(upload, kind: str, crs: str, mapping_upload, store: Store, lang: str):
    """The upload read, mapped and validated (``Parsed``, ``Checked``), once per file and choice of kind,
    coordinate system and mapping; None after saying what was wrong with a file that cannot be read."""
    request = (upload.file_id, kind, crs, None if mapping_upload is None else mapping_upload.file_id)
    done = st.session_state.get(CHECKED_KEY)
    if done is not None and done[0] == request:
        return done[1]
    try:
        mapping = mapping_upload.getvalue().decode("utf-8") if mapping_upload is not None else None
        parsed = read_upload(upload.name, upload.getvalue(), kind, mapping, crs)
    except (IngestError, UnicodeDecodeError, ValueError) as error:
        st.error(t("import_unreadable", lang, reason=markdown_text(error)))
        return None
    st.session_state[CHECKED_KEY] = (request, (parsed, check(parsed, import_geography(), known_places(store))))
    return st.session_state[CHECKED_KEY][1]


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
    store = Store(ctx.path)
    found = _read_and_check(upload, kind, crs, mapping_upload, store, lang)
    if found is None:
        return
    parsed, checked = found
    encoding = f" · {parsed.encoding}" if parsed.encoding else ""
    st.subheader(t("import_columns", lang))
    st.caption(f"{markdown_text(upload.name)}{encoding}")
    st.dataframe(pd.DataFrame({t("import_field", lang): list(parsed.columns),
                               t("import_header", lang): [str(h) for h in parsed.columns.values()]}),
                 hide_index=True, key="import_columns")
    if parsed.unmapped:
        st.caption(t("import_unmapped", lang, headers=markdown_text(", ".join(map(str, parsed.unmapped)))))
    if parsed.table.titles:
        titles = "; ".join(f"{parsed.table.line_word} {line} “{text}”" for line, text in parsed.table.titles)
        st.caption(t("import_titles", lang, titles=markdown_text(titles)))
    st.subheader(t("import_preview", lang))
    st.dataframe(parsed.preview(PREVIEW_ROWS).astype(str), hide_index=True, key="import_preview")

    verdicts = checked.verdicts
    refused = verdicts[~verdicts["ok"]]
    st.subheader(t("import_check", lang))
    st.caption(t("import_check_summary", lang, ok=int(verdicts["ok"].sum()), refused=len(refused)))
    if len(refused):
        st.dataframe(pd.DataFrame({t("import_line", lang): refused["line"].tolist(),
                                   t("import_reason", lang): refused["reason"].tolist()}),
                     hide_index=True, key="import_refused")
    if st.button(t("import_run", lang, rows=int(verdicts["ok"].sum()), name=upload.name), key="i_run",
                 type="primary", disabled=not verdicts["ok"].any()):
        try:
            with st.spinner(t("importing", lang), show_time=True):
                result = ingest(store, parsed, import_geography())
            st.session_state[RESULT_KEY] = result
            audit(store, "import", ctx.user.username, {**result.audit_details(), "crs": crs}, minute_now())
        except (IngestError, StoreError) as error:
            st.error(t("import_failed", lang, reason=markdown_text(error)))
    result = st.session_state.get(RESULT_KEY)
    if result is not None and result.file_name == upload.name:
        st.success(t("import_done", lang, name=markdown_text(result.file_name), new=result.accepted,
                     updated=result.updated, unchanged=result.unchanged, rejected=result.rejected,
                     import_id=result.import_id))
        if result.by_reason:
            st.dataframe(pd.DataFrame({t("import_reason", lang): list(result.by_reason),
                                       t("import_rows", lang): list(result.by_reason.values())}),
                         hide_index=True, key="import_by_reason")


if __name__ == "__main__":  # run as a page by st.navigation
    render(current_context())
