"""`movenet session run` on the squat clip the repository ships, stored in SQLite and in
PostgreSQL: the session stores exactly what `movenet exercise` reports for the clip; history,
report (HTML, CSV, FHIR validated with fhir.resources), deletion; passwords never printed."""

import csv
import sys
import json

import pytest
from conftest import REPO

pytest.importorskip("sqlalchemy", reason="the database tests need the db extra")

from movenet.cli.main import main  # noqa: E402

CLIP = REPO / "tests" / "fixtures" / "serve" / "squats_270x480.mp4"
SQUATS = REPO / "examples" / "programmes" / "squats.toml"
KNEE = REPO / "examples" / "programmes" / "knee.toml"


def with_password(url: str) -> str:
    """The PostgreSQL test server trusts every login: a password in the URL is accepted, and must
    never be printed."""
    if not url.startswith("postgresql"):
        return url
    from sqlalchemy.engine import make_url

    return make_url(url).set(password="s3cr3t-pw").render_as_string(hide_password=False)


def test_a_session_on_a_video_stores_what_movenet_exercise_reports(database_url, tmp_path, capsys):
    db = with_password(database_url)
    assert main(["exercise", str(CLIP), "--exercise", "squat", "--json", str(tmp_path / "e.json")]) == 0
    exercise = json.loads((tmp_path / "e.json").read_text())
    assert exercise["reps"] == 2  # tests/fixtures/exercise/README.md: two complete squats
    capsys.readouterr()
    assert main(["session", "run", str(SQUATS), "--patient", "demo", "--video", str(CLIP), "--db", db]) == 0
    out = capsys.readouterr()
    assert "s3cr3t-pw" not in out.out + out.err
    assert "demo: Two squats (video squats_270x480.mp4): completed; 2 of 2 repetitions" in out.out
    session_id = int(out.out.split("saved: session ")[1].split()[0])
    assert main(["session", "show", str(session_id), "--db", db, "--json", str(tmp_path / "s.json")]) == 0
    stored = json.loads((tmp_path / "s.json").read_text())
    assert stored["sets"][0]["report"] == exercise  # the very JSON of `movenet exercise --json`
    assert stored["sets"][0]["reps"] == exercise["reps"] and stored["sets"][0]["partial_reps"] == exercise["partial_reps"]
    rom = {c["measure"]: c for c in stored["sets"][0]["rom"]}
    assert rom["left_knee"]["min_deg"] == exercise["range_of_motion"]["left_knee"]["min_deg"]
    assert rom["left_knee"]["met"] is (exercise["range_of_motion"]["left_knee"]["min_deg"] <= 110)
    if db.startswith("postgresql"):
        assert "postgresql+psycopg://" in out.out and ":***@" in out.out


def test_one_video_through_several_sets(tmp_path, capsys):
    prog = tmp_path / "two.toml"
    prog.write_text('[programme]\nname = "two sets of one"\n[[item]]\nexercise = "squat"\nsets = 2\nreps = 1\nrest_s = 0\n')
    assert main(["session", "run", str(prog), "--patient", "p", "--video", str(CLIP), "--no-save", "--json", str(tmp_path / "r.json")]) == 0
    result = json.loads((tmp_path / "r.json").read_text())
    # the first set ends at the first squat, the second counts the second one
    assert [(s["reps"], s["status"]) for s in result["sets"]] == [(1, "done"), (1, "done")]
    first, second = result["sets"]
    assert first["report"]["repetitions"][0]["end_ms"] <= second["start_ms"] < second["report"]["repetitions"][0]["start_ms"]


def test_history_report_csv_fhir_and_erasure(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("MOVENET_DATA_DIR", str(tmp_path / "data"))  # the default database lives here
    for _ in range(2):
        assert main(["session", "run", str(SQUATS), "--patient", "P7", "--video", str(CLIP)]) == 0
    assert main(["session", "run", str(KNEE), "--patient", "P7", "--video", str(CLIP)]) == 0
    capsys.readouterr()
    assert main(["history", "P7"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("P7: 3 sessions") and "squat: repetitions per set 2 -> 2" in out
    assert "left_knee: 98-180 deg" in out and "adherence:" in out
    html, table, fhir = tmp_path / "r.html", tmp_path / "r.csv", tmp_path / "r.json"
    assert main(["report", "P7", "--html", str(html), "--csv", str(table), "--fhir", str(fhir)]) == 0
    page = html.read_text()
    assert "Home-exercise report: patient P7" in page and page.count("<svg") >= 4
    assert "Knee strength and balance, weeks 1-4" in page and "http" not in page.replace("http://www.w3.org/2000/svg", "")
    rows = list(csv.DictReader(table.open()))
    assert len(rows) == 1 + 1 + 8 and rows[0]["reps"] == "2" and rows[0]["name"] == "squat"
    bundle = json.loads(fhir.read_text())
    from fhir.resources.R4B.bundle import Bundle

    Bundle.model_validate(bundle)  # raises on anything FHIR does not allow
    codes = {c["code"] for e in bundle["entry"] for c in e["resource"]["code"]["coding"]}
    assert codes == {"rom-left_knee", "rom-right_knee"}  # no standard test was run on this clip
    assert all(e["resource"]["subject"]["identifier"]["value"] == "P7" for e in bundle["entry"])
    assert main(["patient", "delete", "P7"]) == 2  # not without --yes when nobody can be asked
    assert "--yes" in capsys.readouterr().err
    assert main(["patient", "delete", "P7", "--yes"]) == 0
    assert "erased patient P7: 3 sessions" in capsys.readouterr().out
    assert main(["history", "P7"]) == 2 and "no patient 'P7'" in capsys.readouterr().err


def test_fhir_for_the_standard_tests(tmp_path):
    from fhir.resources.R4B.bundle import Bundle

    from movenet.programme import SessionRunner, parse_programme
    from movenet.programme.store import ProgrammeStore
    from movenet.reports import fhir_bundle
    from movenet.storage import Database

    import sys
    sys.path.insert(0, str(REPO / "tests" / "programme"))
    from programme_helpers import chair_frames, one_leg, standing

    p = parse_programme('[programme]\nname = "tests"\n[[item]]\ntest = "30s-chair-stand"\n[[item]]\ntest = "single-leg-stance"\nside = "left"\n', "t.toml")
    runner = SessionRunner(p, patient="T1")
    frames = chair_frames(40.0) + [(t + 40_000, poses) for t, poses in one_leg(3.0, 0.0) + standing(0.5, 3000.0)]
    for t, poses in frames:
        runner.update(poses, t)
        if runner.phase == "rest":
            runner.next(t)
    store = ProgrammeStore(Database(f"sqlite:///{tmp_path / 'f.db'}"))
    store.save_session(runner.finish(), p)
    bundle = fhir_bundle(store, "T1")
    Bundle.model_validate(bundle)
    chair, stance = (e["resource"] for e in bundle["entry"])
    assert {(c["system"], c["code"]) for c in chair["code"]["coding"]} == {("http://snomed.info/sct", "450738001"), ("http://loinc.org", "66247-8")}
    assert chair["valueQuantity"] == {"value": 12.0, "unit": "stands in 30 s", "system": "http://unitsofmeasure.org", "code": "{#}/(30.s)"}
    assert stance["code"]["coding"][0]["system"] == "urn:movenet:observation" and stance["valueQuantity"]["code"] == "s"
    assert stance["valueQuantity"]["value"] == pytest.approx(3.0, abs=0.05) and "left" in stance["code"]["text"]


def test_bad_inputs_are_one_line_errors(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('[programme]\nname = "b"\n[[item]]\nexercise = "squat"\nreps = 0\n')
    assert main(["session", "check", str(bad)]) == 2
    assert f"{bad}:5: reps must be from 1 to 200, got 0" in capsys.readouterr().err
    assert main(["session", "check", str(KNEE)]) == 0
    assert "ok: 'Knee strength and balance, weeks 1-4', 4 items, 8 steps" in capsys.readouterr().out
    assert main(["session", "run", str(SQUATS), "--patient", "a b", "--video", str(CLIP), "--no-save"]) == 2
    assert "patient ID 'a b'" in capsys.readouterr().err
    assert main(["session", "run", str(SQUATS), "--patient", "x", "--video", str(CLIP), "--video", str(CLIP), "--no-save"]) == 2
    assert "2 videos for 1 steps" in capsys.readouterr().err
    assert main(["history", "x", "--db", "postgresql://me:hunter2@127.0.0.1:1/none"]) == 2
    err = capsys.readouterr().err
    assert "hunter2" not in err and "me:***@" in err and err.count("\n") == 1


def test_pdf_report_through_chromium(tmp_path, monkeypatch):
    from movenet.reports import pdf

    if pdf.find_chromium() is None:
        pytest.skip("needs Chromium on the PATH (Debian's chromium; .ci/run installs it)")
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # the fallback: Chromium's print-to-PDF
    out = tmp_path / "r.pdf"
    assert pdf.write_pdf("<html><body><h1>Report</h1><svg width='10' height='10'></svg></body></html>", out) == "chromium"
    data = out.read_bytes()
    assert data.startswith(b"%PDF-") and len(data) > 1000
