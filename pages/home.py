"""Home: what the store holds, recent uploads and suggestions; a first-run guide when empty."""

from __future__ import annotations

import datetime

import streamlit as st

from analytics.demo import load_demo
from analytics.errors import InputRefused, StoreError
from analytics.overview import store_overview
from analytics.scorecard import display_names
from analytics.uploads import list_suggestions, list_uploads
from pages.common import data_table, get_store, lang, show_refusal, t, through_dashboard

through_dashboard()

store = get_store()
overview = store_overview(store)

st.title(t("home.title"))
st.caption(t("home.subtitle"))

if overview.empty:
    st.subheader(t("empty.title"))
    st.write(t("empty.body"))
    st.markdown(t("empty.steps"))
    if store.is_empty() and st.button(t("empty.load_demo"), type="primary"):   # not beside real accounts
        try:
            with st.spinner("..."):
                summary = load_demo(store, datetime.date.today())
            st.success(t("empty.demo_loaded", metrics=summary["metrics"], first=summary["first_period"],
                         last=summary["last_period"]))
            st.rerun()
        except (InputRefused, StoreError) as exc:
            show_refusal(exc, heading=t("app.refused"))
    st.stop()

cols = st.columns(5)
cols[0].metric(t("home.metrics"), overview.metrics)
cols[1].metric(t("home.values"), f"{overview.values:,}")
cols[2].metric(t("home.periods"), overview.months)
cols[3].metric(t("home.latest"), overview.latest_period or "-")
cols[4].metric(t("home.uploads"), overview.uploads)

left, right = st.columns([3, 2])
with left:
    st.subheader(t("home.recent_uploads"))
    uploads = list_uploads(store).head(8)
    if uploads.empty:
        st.info(t("upload.no_uploads"))
    else:
        uploads = uploads.assign(outcome=uploads["outcome"].map(lambda o: t(f"outcome.{o}")))
        data_table(
            uploads[["id", "file_name", "uploaded_by", "uploaded_at", "values_new", "values_changed", "outcome"]],
            column_config={
                "id": t("col.id"), "file_name": t("col.file"), "uploaded_by": t("col.by"),
                "uploaded_at": st.column_config.DatetimeColumn(t("col.when"), format="YYYY-MM-DD HH:mm"),
                "values_new": t("upload.new"), "values_changed": t("upload.changed"),
                "outcome": t("col.outcome"),
            },
        )
    st.page_link("pages/upload.py", label=t("home.go_upload"), icon=":material/upload_file:")
with right:
    st.subheader(t("home.by_category"))
    by_category = overview.by_category.assign(
        category=overview.by_category["category"].map(lambda c: t(f"category.{c}")))
    data_table(by_category, column_config={"category": " ", "metrics": t("home.metrics")})

st.subheader(t("home.suggestions"))
suggestions = list_suggestions(store)
if suggestions.empty:
    st.caption(t("home.no_suggestions"))
else:
    suggestions = suggestions.head(50)
    suggestions["metric"] = display_names(suggestions, lang())
    data_table(suggestions[["metric", "period", "text", "uploaded_by", "file_name"]],
               column_config={"metric": t("col.metric"), "period": t("col.period"), "text": t("col.suggestion"),
                              "uploaded_by": t("col.by"), "file_name": t("col.file")})
