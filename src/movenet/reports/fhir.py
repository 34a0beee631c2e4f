"""FHIR R4 `Observation` resources (JSON) for the standard tests and the range of motion, in a
`Bundle` of type collection: what a clinic's record system can import.

Codes, and which exist:
- 30-second chair stand: SNOMED CT 450738001 "Thirty second chair stand test score (observable
  entity)" and LOINC 66247-8 "Sit to stand frequency in 30 seconds" (UCUM `{#}/(30.s)`): real
  codes, both given.
- Five-times sit-to-stand, single-leg stance (per side), standing sway, and each joint's range of
  motion: no code was found that matches what is measured here, so they carry local codes of the
  system `LOCAL_SYSTEM` (`five-times-sit-to-stand`, `single-leg-stance`, `sway-rms`,
  `rom-<measure>`); a receiving system has to map them. (LOINC 66569-5, the PhenX one-leg-stand
  first trial, is up to 30 s on either leg and so not used for a timed stance on a named leg.)
- category: `exam` of http://terminology.hl7.org/CodeSystem/observation-category (real).
- The patient is referred to by identifier (`PATIENT_SYSTEM`, the user's own ID): no Patient
  resource, no name.
Validated in the tests with the `fhir.resources` models (its R4B package: the Observation and
Bundle resources are the same as R4's).
"""

from __future__ import annotations

import datetime as dt
import uuid

import movenet

SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
LOCAL_SYSTEM = "urn:movenet:observation"
PATIENT_SYSTEM = "urn:movenet:patient"
NAMESPACE = uuid.UUID("6f2b8e1c-8f9b-4f57-9d7e-6d0a8c1f5a42")  # for stable resource ids

TEST_CODES = {
    "30s-chair-stand": ([(SNOMED, "450738001", "Thirty second chair stand test score (observable entity)"),
                         (LOINC, "66247-8", "Sit to stand frequency in 30 seconds")],
                        "30-second chair stand: stands", ("stands in 30 s", "{#}/(30.s)")),
    "five-times-sit-to-stand": ([(LOCAL_SYSTEM, "five-times-sit-to-stand", "Five-times sit-to-stand time")],
                                "Five-times sit-to-stand: seconds", ("s", "s")),
    "single-leg-stance": ([(LOCAL_SYSTEM, "single-leg-stance", "Single-leg stance time")], "Single-leg stance: seconds", ("s", "s")),
    "sway": ([(LOCAL_SYSTEM, "sway-rms", "Standing sway, hip-centre RMS in torso lengths")], "Standing sway (RMS)", ("torso lengths", "1")),
}


def _coding(codes) -> list[dict]:
    return [{"system": s, "code": c, "display": d} for s, c, d in codes]


def _base(code: str, session: dict, key: str, codes, text: str) -> dict:
    rid = str(uuid.uuid5(NAMESPACE, f"{code}/{session['id']}/{key}"))
    return {
        "resourceType": "Observation", "id": rid, "status": "final",
        "category": [{"coding": [{"system": CATEGORY, "code": "exam", "display": "Exam"}]}],
        "code": {"coding": _coding(codes), "text": text},
        "subject": {"identifier": {"system": PATIENT_SYSTEM, "value": code}},
        "effectiveDateTime": session["started_at"],
        "method": {"text": f"camera pose estimation (MoveNet, movenet {movenet.__version__}); {session['source']}"},
    }


def observations(store, code: str) -> list[dict]:
    out = []
    for s in reversed(store.sessions(code, limit=None)):
        d = store.session(s["id"])
        for st in d["sets"]:
            if st["status"] == "not done":
                continue
            test = st.get("test")
            if st["kind"] == "test" and test and test.get("value") is not None and test["test"] in TEST_CODES:
                codes, text, (unit, ucum) = TEST_CODES[test["test"]]
                side = f" ({test['side']} leg)" if test.get("side") else ""
                obs = _base(code, d, f"step{st['step']}", codes, text + side)
                obs["valueQuantity"] = {"value": test["value"], "unit": unit, "system": UCUM, "code": ucum}
                if test.get("side"):
                    obs["bodySite"] = {"text": f"{test['side']} lower limb (standing leg)"}
                if test.get("note"):
                    obs["note"] = [{"text": test["note"]}]
                out.append(obs)
            for c in st.get("rom") or []:
                if c["min_deg"] is None:
                    continue
                measure = c["measure"]
                obs = _base(code, d, f"step{st['step']}/{measure}", [(LOCAL_SYSTEM, f"rom-{measure}", f"Range of motion: {measure}")],
                            f"{measure.replace('_', ' ')} angle range during {st['label']} (set {st['set']})")
                obs["component"] = [
                    {"code": {"coding": [{"system": LOCAL_SYSTEM, "code": "angle-min", "display": "smallest angle"}]},
                     "valueQuantity": {"value": c["min_deg"], "unit": "deg", "system": UCUM, "code": "deg"}},
                    {"code": {"coding": [{"system": LOCAL_SYSTEM, "code": "angle-max", "display": "largest angle"}]},
                     "valueQuantity": {"value": c["max_deg"], "unit": "deg", "system": UCUM, "code": "deg"}},
                ]
                target = [f"<= {c['at_most']:g}" if c["at_most"] is not None else "", f">= {c['at_least']:g}" if c["at_least"] is not None else "",
                          f"range >= {c['range_target']:g}" if c["range_target"] is not None else ""]
                obs["interpretation"] = [{"text": ("target met" if c["met"] else "target not met") + f" (target {' '.join(x for x in target if x)} deg)"}]
                out.append(obs)
    return out


def fhir_bundle(store, code: str) -> dict:
    obs = observations(store, code)
    return {"resourceType": "Bundle", "type": "collection",
            "timestamp": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
            "entry": [{"fullUrl": f"urn:uuid:{o['id']}", "resource": o} for o in obs]}
