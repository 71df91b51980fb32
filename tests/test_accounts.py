"""Accounts: processes of a process owner limit what they upload, admins change accounts (logged),
the Administration page, and the backup download."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analytics.auth import require_upload_scope
from analytics.catalogue import import_catalogue
from analytics.errors import InputRefused, NotAllowed
from analytics.ingest import plan_ingest
from analytics.users import (
    add_user,
    check_password,
    get_user,
    list_users,
    update_user,
    user_events,
)
from tests.conftest import ROOT

CATALOGUE = pd.DataFrame({"name": ["Incident MTTR", "Major incidents", "Change success rate"],
                          "process": ["incident", "incident", "change"]})


@pytest.fixture
def catalogued(store):
    import_catalogue(store, CATALOGUE, by="t")
    add_user(store, "root", "admin", password="admin password", by="t")
    return store


def _plan(store, tmp_path, rows: str, create_metrics: bool = False):
    path = tmp_path / "month.csv"
    path.write_text("metric,period,value\n" + rows, encoding="utf-8")
    return plan_ingest(store, [(path, "month.csv")], create_metrics=create_metrics)


def test_a_process_owner_uploads_only_for_the_metrics_of_their_processes(catalogued, tmp_path):
    owner = add_user(catalogued, "王磊", "process_owner", password="owner password", by="root",
                     processes=["Incident"])                      # spelled as in the catalogue once stored
    assert owner.processes == ("incident",)
    require_upload_scope(catalogued, owner, _plan(catalogued, tmp_path, "Incident MTTR,2026-10,8.5\n"
                                                                        "Major incidents,2026-10,1\n"))
    with pytest.raises(NotAllowed, match=r"uploads only for the processes: incident; not for "
                                         r"'Change success rate' \(change\)"):
        require_upload_scope(catalogued, owner, _plan(catalogued, tmp_path, "Incident MTTR,2026-10,8.5\n"
                                                                            "Change success rate,2026-10,97\n"))
    with pytest.raises(NotAllowed, match="may not create metrics"):
        require_upload_scope(catalogued, owner, _plan(catalogued, tmp_path, "Brand new metric,2026-10,1\n",
                                                      create_metrics=True))


def test_admins_and_improvement_owners_upload_anything_and_an_unlinked_owner_nothing(catalogued, tmp_path):
    plan = _plan(catalogued, tmp_path, "Change success rate,2026-10,97\n")
    require_upload_scope(catalogued, get_user(catalogued, "root"), plan)
    lead = add_user(catalogued, "陈静", "improvement_owner", password="lead password", by="root")
    require_upload_scope(catalogued, lead, plan)
    unlinked = add_user(catalogued, "new owner", "process_owner", password="owner password", by="root")
    with pytest.raises(NotAllowed, match="none linked to the account yet"):
        require_upload_scope(catalogued, unlinked, plan)
    viewer = add_user(catalogued, "v", "viewer", password="viewer password", by="root")
    with pytest.raises(NotAllowed, match="may not upload"):
        require_upload_scope(catalogued, viewer, plan)


def test_a_process_no_metric_has_is_refused_with_the_known_ones(catalogued):
    with pytest.raises(InputRefused, match="no metric in the catalogue has the process 'incidnet'; "
                                           "known processes: change, incident"):
        add_user(catalogued, "x", "process_owner", password="owner password", by="root", processes=["incidnet"])
    assert "x" not in list_users(catalogued)["name"].tolist()


def test_account_changes_are_logged_with_who_made_them(catalogued):
    add_user(catalogued, "王磊", "viewer", password="owner password", by="root")
    update_user(catalogued, "王磊", by="root", role="process_owner", processes=["change", "incident"])
    update_user(catalogued, "王磊", by="root", password="a new password 2")
    assert check_password(catalogued, "王磊", "a new password 2") is not None
    update_user(catalogued, "王磊", by="root", active=False)
    assert check_password(catalogued, "王磊", "a new password 2") is None and get_user(catalogued, "王磊") is None
    log = user_events(catalogued)
    mine = log[log["name"] == "王磊"].sort_values("changed_at", kind="stable")
    assert mine["change"].tolist() == ["added as viewer", "role viewer → process_owner",
                                       "processes: change, incident", "password set", "deactivated"]
    assert set(mine["by_user"]) == {"root"}
    assert "hash" not in " ".join(log["change"])            # the log never holds a password or hash


@pytest.mark.parametrize("change", [{"role": "viewer"}, {"active": False}])
def test_the_last_active_admin_cannot_be_demoted_or_deactivated(catalogued, change):
    with pytest.raises(InputRefused, match="last active admin"):
        update_user(catalogued, "root", by="root", **change)
    assert get_user(catalogued, "root").role == "admin"


def test_an_account_is_linked_to_a_process_by_its_chinese_name(catalogued, cli):
    """变更管理 is the catalogue's process change, as a catalogue import reads it, not an unknown one."""
    code, _, err = cli("users", "add", "赵敏", "--role", "process_owner", "--no-password", "--process", "变更管理",
                         "--process", "事件", "--by", "root")
    assert code == 0, err
    assert get_user(catalogued, "赵敏").processes == ("change", "incident")


def test_users_set_on_the_command_line(catalogued, cli):
    assert cli("users", "add", "王磊", "--role", "process_owner", "--no-password", "--process", "incident",
               "--by", "root")[0] == 0
    code, out, _ = cli("users", "set", "王磊", "--process", "change", "--process", "incident", "--by", "root")
    assert code == 0 and "王磊: process_owner for change, incident" in out
    code, out, _ = cli("users", "list", "--format", "csv")
    assert "王磊,process_owner,\"change, incident\"" in out
    code, _, err = cli("users", "set", "nobody", "--role", "viewer", "--by", "root")
    assert code == 1 and "there is no user 'nobody'" in err
    code, _, err = cli("users", "set", "王磊", "--activate", "--deactivate")
    assert code == 2
    assert cli("users", "set", "王磊", "--deactivate", "--by", "root") == (
        0, "user 王磊: process_owner for change, incident; deactivated (cannot sign in)\n", "")
    assert cli("users", "set", "王磊", "--activate", "--by", "root") == (
        0, "user 王磊: process_owner for change, incident\n", "")


def _app(store, monkeypatch, page: str):
    monkeypatch.setenv("CSI_DB", str(store.path))
    monkeypatch.setenv("CSI_AUTH", "on")
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    return at


def _signed_in(at, name, password, page):
    at.text_input[0].set_value(name)
    at.text_input[1].set_value(password)
    at.button[0].click().run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def test_the_administration_page_adds_an_account_and_a_viewer_cannot(catalogued, monkeypatch):
    add_user(catalogued, "victor", "viewer", password="viewer password", by="root")
    at = _signed_in(_app(catalogued, monkeypatch, "pages/admin.py"), "victor", "viewer password", "pages/admin.py")
    # said plainly: "can read this page" promised a page that shows nothing to a viewer
    assert [i.value for i in at.info] == ["Only administrators can use this page; victor (viewer) cannot."]
    assert not at.get("download_button")
    at = _signed_in(_app(catalogued, monkeypatch, "pages/admin.py"), "root", "admin password", "pages/admin.py")
    name = next(w for w in at.text_input if w.label == "Name")
    name.set_value("孙丽")
    next(w for w in at.selectbox if w.label == "Role").set_value("process_owner")
    next(w for w in at.multiselect if w.label.startswith("Processes")).set_value(["incident"])
    passwords = [w for w in at.text_input if w.label in ("Password", "Password again")]
    for widget in passwords:
        widget.set_value("sun li password")
    next(b for b in at.button if b.label == "Add the account").click().run()
    assert not at.exception and not at.error
    assert at.success[0].value == "Account 孙丽 added as process owner."
    assert get_user(catalogued, "孙丽").processes == ("incident",)
    assert user_events(catalogued).iloc[0][["by_user", "name"]].tolist() == ["root", "孙丽"]


def test_a_signed_in_account_deactivated_by_an_admin_is_signed_out_at_the_next_click(catalogued, monkeypatch):
    add_user(catalogued, "victor", "viewer", password="viewer password", by="root")
    at = _signed_in(_app(catalogued, monkeypatch, "pages/home.py"), "victor", "viewer password", "pages/home.py")
    update_user(catalogued, "victor", by="root", active=False)
    at.run()
    assert at.title[0].value == "Sign in"
    assert any("deactivated by an admin" in i.value for i in at.info)


def test_the_demo_command_prints_working_accounts_in_aligned_columns(store, cli):
    import unicodedata

    code, out, _ = cli("demo")
    assert code == 0
    lines = out.splitlines()
    table = lines[lines.index(next(l for l in lines if l.startswith("demo accounts"))) + 1:]
    assert table[0].split() == ["name", "role", "password"] and len(table) == 7

    def width(text: str) -> int:                   # what a terminal shows: CJK characters take two columns
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)

    assert len({width(line) for line in table}) == 1
    for line in table[1:]:
        name, role, password = line.split()
        assert check_password(store, name, password) is not None and get_user(store, name).role == role


@pytest.mark.parametrize("process, kept", [
    ("Incident", "incident"),       # the catalogue keeps a known process as it spells it already, in any case
    ("operations", "incident"),     # no metric is in incident any more: the link stays until removed
])
def test_the_change_form_shows_and_keeps_a_process_the_catalogue_spells_otherwise_or_dropped(
        catalogued, cli, tmp_path, monkeypatch, process, kept):
    """Found by exploratory testing: after a catalogue import wrote the process as Incident, the form
    showed 王磊 with no process, and saving only a new password unlinked him (his uploads refused).
    The import now keeps incident for Incident (names.process_spelling)."""
    add_user(catalogued, "王磊", "process_owner", password="owner password", by="root", processes=["incident"])
    path = tmp_path / "process.csv"
    path.write_text(f"name,process\nIncident MTTR,{process}\nMajor incidents,{process}\n", encoding="utf-8")
    assert cli("metrics", "import", path)[0] == 0
    at = _signed_in(_app(catalogued, monkeypatch, "pages/admin.py"), "root", "admin password", "pages/admin.py")
    at.selectbox(key="admin_pick").set_value("王磊").run()
    linked = [w for w in at.multiselect if w.label.startswith("Processes")][-1]          # the change form's
    assert linked.value == [kept]
    for widget in [w for w in at.text_input if w.label in ("New password (leave empty to keep)", "Password again")]:
        widget.set_value("a new owner password")
    next(b for b in at.button if b.label == "Save the changes").click().run()
    assert not at.exception and not at.error
    assert get_user(catalogued, "王磊").processes == (kept,)
    assert check_password(catalogued, "王磊", "a new owner password") is not None


def test_a_link_to_a_process_no_metric_has_is_kept_beside_a_new_one_and_a_typo_is_still_refused(catalogued):
    add_user(catalogued, "王磊", "process_owner", password="owner password", by="root", processes=["incident"])
    import_catalogue(catalogued, pd.DataFrame({"name": ["Incident MTTR", "Major incidents"],
                                               "process": ["operations", "operations"]}), by="t")
    assert update_user(catalogued, "王磊", by="root", processes=["incident", "change"]).processes == (
        "incident", "change")
    with pytest.raises(InputRefused, match="no metric in the catalogue has the process 'incidnet'"):
        update_user(catalogued, "王磊", by="root", processes=["incident", "incidnet"])
    update_user(catalogued, "王磊", by="root", password="a new password 2")     # processes not given: untouched
    mine = user_events(catalogued).query("name == '王磊'")["change"].tolist()
    assert mine.count("processes: incident, change") == 1 and "password set" in mine


@pytest.mark.parametrize("who, password, editable", [("victor", "viewer password", False), ("root", "admin password", True)])
def test_the_catalogue_is_an_editor_only_for_a_role_that_can_save_it(catalogued, monkeypatch, who, password, editable):
    """Found by exploratory testing: a viewer saw edit icons and "edit cells, then save", and saving was refused."""
    from streamlit.proto.Dataframe_pb2 import Dataframe

    add_user(catalogued, "victor", "viewer", password="viewer password", by="root")
    at = _signed_in(_app(catalogued, monkeypatch, "pages/catalogue.py"), who, password, "pages/catalogue.py")
    table = next(frame for frame in at.dataframe if "name_zh" in frame.value.columns)
    assert (table.proto.editing_mode != Dataframe.EditingMode.READ_ONLY) == editable
    assert any("Edit cells, then save" in c.value for c in at.caption) == editable
    assert any(b.label == "Save catalogue changes" for b in at.button) == editable
