"""Service improvement records (服务改进记录): the register, raising one, and one record's life.

Every step is checked in analytics.records (role and state), not only by which buttons show.
?record=ID opens a record; ?metric=ID&period=YYYY-MM opens the raise form pre-filled from a gap.
"""

from __future__ import annotations

import datetime

import pandas as pd
import streamlit as st

from analytics import config, i18n
from analytics.charts import before_after_figure
from analytics.errors import InputRefused, NotAllowed, StoreError
from analytics.localise import message_text
from analytics.record_views import (
    event_details_text,
    gap_snapshot,
    record_verification,
    snapshot_table,
)
from analytics.records import (
    CHANGE_CORRECTION_STATES,
    CLEARABLE_FIELDS,
    NOTE_ROLES,
    NOTE_STATES,
    OPEN_STATES,
    PLAN_FIELDS,
    RAISE_ROLES,
    RECORD_SOURCES,
    REVISION_ROLES,
    STATES,
    add_note,
    allowed_moves,
    get_record,
    go_live_before_gap,
    list_records,
    move_record,
    others_open_on_its_metric,
    past_plan_dates,
    raise_record,
    revise_plan,
)
from analytics.scorecard import display_name, display_names
from analytics.units import format_number, unit_shown
from analytics.uploads import list_suggestions
from analytics.users import list_users
from pages.common import (
    by_display_name,
    current_user,
    data_table,
    get_analysis,
    get_store,
    lang,
    rerun_by_the_menu,
    role_text,
    run_number,
    show_refusal,
    t,
    through_dashboard,
)

through_dashboard()

store = get_store()
state = st.session_state
RAISE_FORM = "raise"      # the raise form's widgets are keyed, so that text typed survives a language switch
KEPT = "session"          # ... and a form's fields are kept (persist_state) for the session, through a visit to
                          # another page and back, until the form is saved (then its draft is forgotten)
current_lang = lang()
st.title(t("rec.title"))
if state.get("records_flash"):
    st.success(state.pop("records_flash"))
for warning in state.pop("records_warnings", []):
    st.warning(warning)

users = list_users(store)
users = users[users["active"]]
if users.empty and not config.sign_in_required():
    st.info(t("rec.no_users"))
    st.stop()
roles = dict(zip(users["name"], users["role"]))
names = list(roles)
if config.sign_in_required():
    user = current_user()
    acting, role = user.name, user.role          # every step is checked against this account's role
else:
    default_user = next((n for n in names if roles[n] == "improvement_owner"), names[0])
    acting = st.selectbox(t("rec.acting"), names, key="acting_user", help=t("rec.acting_help"),
                          index=names.index(default_user), on_change=lambda: state.pop(f"{RAISE_FORM}_owner", None),
                          persist_state=KEPT,        # the same person after a visit to another page, as the drafts
                          format_func=lambda n, _roles=roles, _lang=current_lang: f"{n} ({role_text(_roles[n], _lang)})")
    role = roles[acting]


PRIORITIES = ["high", "medium", "low"]
# Streamlit 1.67's table wraps a cell's text only in rows taller than 4rem (64 px): three lines of a comment
TIMELINE_ROW_HEIGHT = 72


def _draft(form: str, record_id: int | None = None, seen: object = None) -> str:
    """The prefix of a form's field keys (`{draft}_{field}`): the raise form's, or a record's form's
    drawn on `seen` (a state, a version), or without `seen` the prefix of all of the record's."""
    if record_id is None:
        return form
    return f"{form}_{record_id}" if seen is None else f"{form}_{record_id}_{seen}"


def _draft_typed(draft: str, fresh: dict) -> bool:
    """Something typed into a form and not saved yet: a field `{draft}_{field}` kept (KEPT) that differs
    from what the fresh form shows, `fresh` (field -> value; "" is None)."""
    def value(v: object) -> object:
        return None if v == "" else v

    return any(f"{draft}_{field}" in state and value(state[f"{draft}_{field}"]) != value(shown)
               for field, shown in fresh.items())


def _forget_draft(draft: str) -> None:
    """A form saved (or another suggestion picked for the raise form): it starts afresh. Its fields,
    kept for the session, are forgotten: `draft`'s (see _draft), or all of a record's form's."""
    for key in [k for k in state if str(k).startswith(f"{draft}_")]:
        del state[key]


def _fail(exc: Exception) -> None:
    if isinstance(exc, NotAllowed):
        st.error(message_text(str(exc), lang()))
    else:
        show_refusal(exc, heading=t("app.refused"))


def _saved(flash: str, warnings: list[str]) -> None:
    """Say on the next run that the record was saved, and what in it deserves a second look."""
    state["records_flash"] = flash
    state["records_warnings"] = warnings


def _date_warnings(plan: dict) -> list[str]:
    """The plan's dates that are already past, in words."""
    return [t("rec.date_past", field=t(f"rec.field_{field}"), date=day.isoformat())
            for field, day in past_plan_dates(plan)]


def _go_live_warnings(record_id: int) -> list[str]:
    """A go-live month before the gap month, in words (read back as saved)."""
    record = get_record(store, record_id)
    early = go_live_before_gap(record)
    return [t("rec.go_live_before_gap", go_live=early, period=record["period"])] if early else []


def _open(record_id: int | None) -> None:
    if record_id is None:
        st.query_params.pop("record", None)
    else:
        st.query_params["record"] = str(record_id)
    st.rerun()


def show_record(record_id: int) -> None:
    try:
        record = get_record(store, record_id)
    except InputRefused as exc:
        _fail(exc)
        return
    if st.button(t("rec.back"), icon=":material/arrow_back:"):
        _open(None)
    st.subheader(f"#{record['id']} {record['title']}")
    state_text, source_text = t(f"state.{record['state']}"), t(f"recsource.{record['source']}")
    metric_name = display_name({**record, "name": record["metric"]}, current_lang) if record.get("metric") else ""
    metric_text = f" · {metric_name} {record['period'] or ''}" if metric_name else ""
    st.markdown(f"**{state_text}** · {source_text}{metric_text}")
    shown_record = {**record, "priority": t(f"recpriority.{record['priority']}")
                    if record.get("priority") in PRIORITIES else record.get("priority")}   # stored in English
    if record.get("expected_value") is not None:                     # 120 件, as the metric's values: not 120.0
        shown_record["expected_value"] = format_number(record["expected_value"], unit_shown(record.get("unit"), current_lang),
                                                       record.get("decimals"))
    fields = [(t(f"rec.field_{k}"), shown_record.get(k)) for k in (
        "description", "root_cause", "planned_actions", "resources", "expected_value", "expected_by", "owner",
        "due_date", "priority")]
    fields += [(t("col.change_ref"), record.get("change_ref")), (t("col.go_live"), record.get("go_live"))]
    shown = [(k, str(v)) for k, v in fields if v is not None and not (isinstance(v, float) and pd.isna(v))]
    if shown:
        st.markdown("  \n".join(f"**{k}**:{v}" if current_lang == "zh" else f"**{k}**: {v}" for k, v in shown))
    if record.get("snapshot"):
        with st.expander(t("rec.snapshot")):
            data_table(snapshot_table(record["snapshot"], current_lang),
                       column_config={"item": t("rec.snapshot_item"), "value": t("rec.snapshot_value")})

    st.subheader(t("rec.actions"))
    verification = record_verification(store, record)
    move_form(record, verification)
    if record["state"] in NOTE_STATES and role in NOTE_ROLES:
        note_form(record)
    if record["state"] in REVISION_ROLES.get(role, set()):
        revise_form(record)

    st.subheader(t("rec.verification"))
    if verification is None:
        st.caption(t("rec.no_verification"))
    else:
        verdict = t(f"verdict.{verification.verdict}")
        st.markdown(f"**{verdict}** · {verification.explain(current_lang)}")
        if len(verification.points):
            table = get_analysis().table.set_index("metric_id")
            row = table.loc[record["metric_id"]] if record["metric_id"] in table.index else None
            unit = row["unit"] if row is not None else None
            decimals = int(row["decimals"]) if row is not None and pd.notna(row["decimals"]) else 1
            name = display_name(row, current_lang) if row is not None else record["metric"]
            st.plotly_chart(before_after_figure(verification.points, title=name, unit=unit, decimals=decimals,
                                                lang=current_lang, go_live=pd.Timestamp(record["go_live"])),
                            width="stretch", config={"displaylogo": False})

    st.subheader(t("rec.timeline"))
    events = record["events"].assign(
        step=lambda f: [f"{t(f'state.{a}')} → {t(f'state.{b}')}" if k == "transition" else t(f"event.{k}")
                        for a, b, k in zip(f["from_state"], f["to_state"], f["kind"])],
        details=lambda f: [event_details_text(d, current_lang) for d in f["details"]])
    events = events.assign(role=events["role"].map(role_text))
    data_table(events[["event_at", "by_user", "role", "step", "comment", "details"]], row_height=TIMELINE_ROW_HEIGHT,
               column_config={"event_at": st.column_config.DatetimeColumn(t("col.when"), format="YYYY-MM-DD HH:mm"),
                              "by_user": t("col.by"), "role": t("col.role"), "step": t("rec.step"),
                              "comment": st.column_config.TextColumn(t("rec.comment_column"), width="medium"),
                              "details": st.column_config.TextColumn(t("rec.details"), width="medium")})


def note_form(record: dict) -> None:
    """A monitoring note on an implementing or monitored record, for the roles that add_note allows."""
    record_id, seen = record["id"], _version_seen(record, "note")
    draft = _draft("note", record_id, seen)
    with st.container(border=True, key=f"records_{draft}"):          # not an st.form: see raise_form
        note = st.text_area(t("rec.note"), height=80, key=f"{draft}_text", persist_state=KEPT)
        if st.button(t("rec.note_button"), key=f"note_save_{record_id}_{seen}"):     # nothing is saved before this
            try:
                add_note(store, record_id, by=acting, text=note)
                _forget_draft(_draft("note", record_id))                # added: the next note starts empty
                st.rerun()
            except (InputRefused, NotAllowed, StoreError) as exc:
                _fail(exc)


def revise_form(record: dict) -> None:
    """Every plan field, as the raise form enters it, filled with the record's; only the changed ones are sent."""
    record_id, seen = record["id"], _version_seen(record, "revise")
    # keyed, so that what was typed stays when someone else's revision changes the defaults
    draft = _draft("revise", record_id, seen)
    typed = _draft_typed(draft, {**{field: record.get(field) for field in PLAN_FIELDS}, "why": None})
    # open across a language switch (keyed), and open again on a draft typed before a visit to another page
    with st.expander(t("rec.revise"), expanded=typed, key=f"records_revise_open_{record_id}"), \
            st.container(border=True, key=f"records_{draft}"):     # not an st.form: see raise_form
        plan = {"title": st.text_input(t("rec.field_title"), value=record["title"], key=f"{draft}_title",
                                       persist_state=KEPT),
                **_plan_inputs(record, key=draft, kept=KEPT)}
        why = st.text_input(t("rec.revise_reason"), key=f"{draft}_why", persist_state=KEPT)
        if st.button(t("rec.revise_button"), key=f"revise_save_{record_id}_{seen}"):    # nothing is saved before this
            changes = {k: v for k, v in plan.items() if v not in (None, "") and v != record.get(k)}
            emptied = tuple(k for k, v in plan.items()            # a field the user emptied: cleared
                            if v in (None, "") and record.get(k) not in (None, "") and k in CLEARABLE_FIELDS)
            try:
                revise_plan(store, record_id, by=acting, reason=why, expected_version=seen, clear=emptied,
                            **changes)
                _forget_draft(_draft("revise", record_id))              # revised: the form shows the plan as saved
                _saved(t("rec.revised", id=record_id), _date_warnings(changes))
                st.rerun()
            except (InputRefused, NotAllowed, StoreError) as exc:
                _fail(exc)


def _plan_inputs(plan: dict, key: str | None = None, kept: str | None = None) -> dict:
    """The plan's fields but the title, entered alike when raising and revising, filled from `plan`:
    field -> value. Keyed `{key}_{field}` when a key is given, so that typed text survives reruns;
    `kept` is their persist_state (KEPT, for the session)."""
    def keyed(field: str) -> str | None:
        return f"{key}_{field}" if key else None

    values = {
        "description": st.text_area(t("rec.field_description"), value=plan.get("description") or "",
                                    key=keyed("description"), persist_state=kept),
        "root_cause": st.text_area(t("rec.field_root_cause"), value=plan.get("root_cause") or "",
                                   key=keyed("root_cause"), persist_state=kept),
        "planned_actions": st.text_area(t("rec.field_planned_actions"), value=plan.get("planned_actions") or "",
                                        key=keyed("planned_actions"), persist_state=kept),
        "resources": st.text_input(t("rec.field_resources"), value=plan.get("resources") or "",
                                   key=keyed("resources"), persist_state=kept),
    }
    c1, c2, c3, c4 = st.columns(4)
    values["expected_value"] = c1.number_input(t("rec.field_expected_value"), value=plan.get("expected_value"),
                                               key=keyed("expected_value"), persist_state=kept)
    values["expected_by"] = c2.date_input(t("rec.field_expected_by"), value=plan.get("expected_by"),
                                          key=keyed("expected_by"), persist_state=kept)
    values["due_date"] = c3.date_input(t("rec.field_due_date"), value=plan.get("due_date"), key=keyed("due_date"),
                                       persist_state=kept)
    priority = plan.get("priority")
    values["priority"] = c4.selectbox(
        t("rec.field_priority"), PRIORITIES, index=PRIORITIES.index(priority) if priority in PRIORITIES else None,
        key=keyed("priority"), persist_state=kept, placeholder="–",
        format_func=lambda p, _lang=current_lang: i18n.t(f"recpriority.{p}", _lang))
    values["owner"] = st.text_input(t("rec.field_owner"), value=plan.get("owner") or "", key=keyed("owner"),
                                    persist_state=kept)
    return values


def _state_seen(record: dict) -> str:
    """The state the user chose a step on. The step form is keyed by it: a click on a form drawn
    for a state the record has left meanwhile is still read as that form's choice (and refused
    by move_record, which re-checks the state) rather than lost, or turned by Streamlit into the
    first step offered for the new state (a cancel that closed a verified record)."""
    return _drawn_on(record["id"], "move", record["state"])


def _version_seen(record: dict, form: str) -> int:
    """The version of the record (events in its trail) the user typed into `form` on. The form is
    keyed by it: a saved form starts afresh, a refused one keeps what was typed, and a click on a
    form drawn before someone else changed the record is still read as that form's (a revision is
    then refused by revise_plan, which re-checks the version) rather than lost with its text."""
    return _drawn_on(record["id"], form, len(record["events"]))


def _drawn_on(record_id: int, form: str, now: object) -> object:
    """What `form` was drawn on last run (a state, a version), when its save button
    (`{form}_save_{record_id}_{drawn}`) was clicked there; else what the record is on now."""
    drawn_key = f"rec_{form}_drawn_on_{record_id}"
    drawn = state.get(drawn_key)
    clicked_on_older = drawn not in (None, now) and state.get(f"{form}_save_{record_id}_{drawn}")
    state[drawn_key] = now
    return drawn if clicked_on_older else now


def _step_label(step: str, verification, language: str) -> str:
    label = i18n.t(f"state.{step}", language)
    if step != "verified":
        return label
    verdict = i18n.t(f"verdict.{verification.verdict if verification is not None else 'none'}", language)
    return i18n.t("rec.verified_with", language, state=label, verdict=verdict)


def move_form(record: dict, verification) -> None:
    """The next steps the acting user may take from the state shown, with what each needs."""
    record_id, seen = record["id"], _state_seen(record)
    moves = allowed_moves(seen, role)
    if not moves:
        st.caption(t("rec.no_actions", user=acting, role=role_text(role), state=t(f"state.{seen}")))
        return
    draft = _draft("move", record_id, seen)
    with st.container(border=True, key=f"records_{draft}"):          # not an st.form: see raise_form
        # the step chosen is kept for the acting user's role, whose steps are offered: 已取消, the only step
        # 陈静 is offered on a monitored record, is not a step chosen for the admin (nor kept as one)
        to = st.radio(t("rec.move_to"), moves, horizontal=True, key=f"{draft}_to_{role}", persist_state=KEPT,
                      format_func=lambda s, _v=verification, _lang=current_lang: _step_label(s, _v, _lang))
        if "verified" in moves and getattr(verification, "verdict", None) != "effective":
            verdict = t(f"verdict.{verification.verdict if verification is not None else 'none'}")
            st.caption(t("rec.verdict_needs_comment", verdict=verdict))
        # keyed (the labels are the language's), so what was typed survives a switch of language
        comment = st.text_area(t("rec.comment"), height=80, key=f"{draft}_comment", persist_state=KEPT)
        c1, c2 = st.columns(2)
        change_ref = go_live = None
        if "implementing" in moves or seen in CHANGE_CORRECTION_STATES:       # given, or corrected with a step
            correcting = seen in CHANGE_CORRECTION_STATES
            fix = t("rec.change_correct_help") if correcting else None
            change_ref = c1.text_input(t("rec.change_ref_correct" if correcting else "rec.change_ref"),
                                       value=record.get("change_ref") or "", help=fix,
                                       key=f"{draft}_change_ref", persist_state=KEPT)
            go_live = c2.text_input(t("rec.go_live_correct" if correcting else "rec.go_live"),
                                    value=record.get("go_live") or "", help=fix, key=f"{draft}_go_live",
                                    persist_state=KEPT)
        new_baseline = new_target = None
        if "closed" in moves:
            new_baseline = c1.number_input(t("rec.new_baseline"), value=None, format="%.6g",
                                           key=f"{draft}_new_baseline", persist_state=KEPT)
            new_target = c2.number_input(t("rec.new_target"), value=None, format="%.6g",
                                         key=f"{draft}_new_target", persist_state=KEPT)
        # nothing is saved before this
        if st.button(t("rec.move_button"), type="primary", key=f"move_save_{record_id}_{seen}"):
            try:
                new_state = move_record(store, record_id, to, by=acting, comment=comment or None,
                                        change_ref=change_ref or None, go_live=go_live or None,
                                        new_baseline=new_baseline, new_target=new_target, expected_from=seen)
                _saved(t("rec.moved", id=record_id, state=t(f"state.{new_state}")), _go_live_warnings(record_id))
                _forget_draft(_draft("move", record_id))                # moved on: no draft left for the old state
                st.rerun()
            except (InputRefused, NotAllowed, StoreError) as exc:
                _fail(exc)


def show_register() -> None:
    records = list_records(store)
    st.subheader(t("rec.register"))
    c1, c2 = st.columns([3, 1])
    states = c1.multiselect(t("rec.state_filter"), STATES, default=list(OPEN_STATES), key="rec_states",
                            format_func=lambda s, _lang=current_lang: i18n.t(f"state.{s}", _lang),
                            placeholder=t("sc.all"))
    overdue_only = c2.checkbox(t("rec.overdue"), key="rec_overdue")
    view = records[records["state"].isin(states)] if states else records
    if overdue_only:
        due = pd.to_datetime(view["due_date"])
        view = view[due.notna() & (due < pd.Timestamp(datetime.date.today())) & view["state"].isin(OPEN_STATES)]
    if view.empty:
        st.info(t("rec.none"))
    else:
        shown = view.assign(state_text=view["state"].map(lambda s: t(f"state.{s}")),
                            metric=display_names(view, current_lang))
        selection = data_table(
            shown[["id", "title", "state_text", "metric", "period", "owner", "due_date", "change_ref", "go_live"]],
            on_select="rerun", selection_mode="single-row", key="rec_table",
            column_config={"id": "#", "title": st.column_config.TextColumn(t("rec.field_title"), width="medium"),
                           "state_text": t("rec.state_filter"),
                           "metric": t("rec.field_metric"), "period": t("col.period"), "owner": t("rec.field_owner"),
                           "due_date": st.column_config.DateColumn(t("rec.field_due_date"), format="YYYY-MM-DD"),
                           "change_ref": t("col.change_ref"),
                           "go_live": t("col.go_live")})
        st.caption(t("rec.open_hint"))
        if selection and selection.selection.rows:
            _open(int(shown.iloc[selection.selection.rows[0]]["id"]))
    raise_form()


RAISE_TYPED_FIELDS = ("title", "description", "root_cause", "planned_actions", "resources", "expected_value",
                      "expected_by", "due_date")        # empty in a fresh raise form


def raise_form() -> None:
    analysis = get_analysis()
    table = analysis.table.set_index("metric_id") if not analysis.empty else pd.DataFrame()
    metric_ids = by_display_name(table, current_lang) if not table.empty else []
    asked_metric = st.query_params.get("metric")
    preset = int(asked_metric) if asked_metric and asked_metric.isdigit() and int(asked_metric) in metric_ids else None
    typed = _draft_typed(RAISE_FORM, dict.fromkeys(RAISE_TYPED_FIELDS))
    # open across a language switch (keyed), and open again on a draft typed before a visit to another page
    with st.expander(t("rec.raise"), expanded=preset is not None or typed, key="records_raise_open"):
        if role not in RAISE_ROLES:
            st.info(t("rec.cannot_raise", user=acting, role=role_text(role)))
            return
        suggestions = list_suggestions(store)
        suggestion = None
        if not suggestions.empty:
            labels = {i: f"{r.metric} {r.period}: {r.text}" for i, r in suggestions.iterrows()}
            picked = st.selectbox(t("rec.from_suggestion"), [None] + list(labels), key="rec_suggestion",
                                  format_func=lambda i, _labels=labels: "–" if i is None else _labels[i],
                                  on_change=_forget_draft, args=(RAISE_FORM,))
            suggestion = suggestions.loc[picked] if picked is not None else None
        # not an st.form: a form's fields reach the server only when it is submitted, so what was typed
        # would be lost with a visit to another page; each field is sent as it is left, and kept
        with st.container(border=True, key="records_raise_fields"):
            title = st.text_input(t("rec.field_title"), value="" if suggestion is None else suggestion["text"][:60],
                                  key=f"{RAISE_FORM}_title", persist_state=KEPT)
            c1, c2, c3 = st.columns(3)
            default_source = "suggestion" if suggestion is not None else "gap"
            source = c1.selectbox(t("rec.field_source"), RECORD_SOURCES, index=RECORD_SOURCES.index(default_source),
                                  format_func=lambda s, _lang=current_lang: i18n.t(f"recsource.{s}", _lang),
                                  key=f"{RAISE_FORM}_source", persist_state=KEPT)
            metric_names = {i: display_name(table.loc[i], current_lang) for i in metric_ids}
            default_metric = preset
            if suggestion is not None and suggestion["metric"] in set(table.get("name", [])):
                default_metric = int(table.index[table["name"] == suggestion["metric"]][0])
            metric_id = c2.selectbox(t("rec.field_metric"), [None] + metric_ids,
                                     index=([None] + metric_ids).index(default_metric),
                                     format_func=lambda i, _names=metric_names: "–" if i is None else _names[i],
                                     key=f"{RAISE_FORM}_metric", persist_state=KEPT,
                                     placeholder="–")     # no metric, as kept: not Streamlit's English "Choose an option"
            default_period = st.query_params.get("period") or (
                suggestion["period"] if suggestion is not None else
                (analysis.period.strftime("%Y-%m") if analysis.period is not None else ""))
            period = c3.text_input(t("rec.field_period"), value=default_period, key=f"{RAISE_FORM}_period",
                                   persist_state=KEPT)
            plan = _plan_inputs({"description": "" if suggestion is None else suggestion["text"],
                                 "priority": "medium", "owner": acting}, key=RAISE_FORM, kept=KEPT)
            if st.button(t("rec.raise_button"), type="primary"):         # nothing is saved before this
                metric_name = table.loc[metric_id, "name"] if metric_id is not None else None
                try:
                    snapshot = gap_snapshot(store, metric_name, period) if metric_name and period else None
                    record_id = raise_record(store, title=title, by=acting, source=source, metric=metric_name,
                                             period=period or None, snapshot=snapshot, **plan)
                    _saved(t("rec.raised", id=record_id), _date_warnings(plan) + [
                        t("rec.also_open", id=other, state=i18n.t(f"state.{state}", current_lang))
                        for other, state in others_open_on_its_metric(store, record_id)])
                    st.query_params.pop("metric", None)
                    st.query_params.pop("period", None)
                    _forget_draft(RAISE_FORM)                     # raised: the next one starts empty
                    _open(record_id)
                except (InputRefused, NotAllowed, StoreError) as exc:
                    _fail(exc)


def _menu_left_the_record(record_id: int) -> bool:
    """The sidebar's link to this page, clicked on this record as the run before showed it: the
    register is wanted, but the link keeps the URL's ?record= (the record opened again)."""
    return state.get("record_shown") == (record_id, current_lang, run_number() - 1) and rerun_by_the_menu()


asked = st.query_params.get("record")
if asked and asked.isdigit() and _menu_left_the_record(int(asked)):
    st.query_params.pop("record", None)
    asked = None
if asked and asked.isdigit():
    state["record_shown"] = (int(asked), current_lang, run_number())
    show_record(int(asked))
else:
    state.pop("record_shown", None)
    show_register()
