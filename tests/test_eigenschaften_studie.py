"""Eigenschaft: ``pruefen`` ist ein Versprechen.

hypothesis erzeugt kleine und seltsame Studien (wenige Kommunen, fehlende Wellen, leere
Antworten, Fehlcodes, Extremwerte, ungewöhnliche Einstellungen). Für jede gilt: Entweder
``pruefen`` verweigert (Eingabefehler, in der CLI Exit-Code 2), oder der ganze Lauf geht durch.
Deterministisch (``derandomize``), damit ein Fehlschlag sich wiederholen lässt.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from analyse import pipeline
from analyse.eingabe import fragebogen
from analyse.eingabe.fehler import Eingabefehler

EINSTELLUNGEN = st.fixed_dictionaries({
    "k": st.sampled_from(["auto", 2, 3, 5]),
    "k_bereich": st.sampled_from([[2, 8], [2, 3], [3, 6]]),
    "methode": st.sampled_from(["auto", "kmeans", "ward", "gmm"]),
    "mindestanteil": st.sampled_from([0.6, 0.1, 1.0]),
    "weiss_nicht": st.sampled_from(["niedrigste_stufe", "fehlend"]),
    "aggregation": st.sampled_from(["arithmetisch", "geometrisch"]),
    "minimum": st.sampled_from([11, 1, 20]),
    "peer": st.sampled_from([5, 2, 50]),
    "jahre": st.sampled_from([3, 1]),
    "typisieren": st.sampled_from([True, True, False]),
})

STUDIEN = st.fixed_dictionaries({
    "anzahl": st.sampled_from([1, 4, 9, 10, 11, 14, 25, 80]),
    "wellen": st.sampled_from(["beide", "beide", "eine", "eine", "luecke"]),
    "leer": st.sampled_from([0.0, 0.0, 0.2, 0.5, 1.0]),
    "fehlcodes": st.sampled_from([0.0, 0.0, 0.3, 1.0]),
    "einwohner": st.sampled_from(["echt", "eins", "maximal", "gleich"]),
    "referenz": st.sampled_from(["echt", "keine", "alle", "ohne_antwort"]),
    "gleiche_antworten": st.booleans(),
    "einstellungen": EINSTELLUNGEN,
    "seed": st.integers(0, 2**16),
})


def _bauen(vorlage: Path, ziel: Path, s: dict) -> None:
    """Schreibt eine veränderte Kopie der kleinen Studie nach ``ziel``."""
    shutil.copytree(vorlage, ziel)
    rng = np.random.default_rng(s["seed"])
    k = pd.read_csv(ziel / "kommunen.csv", dtype=str, keep_default_na=False)
    a = pd.read_csv(ziel / "antworten.csv", dtype=str, keep_default_na=False)
    studie = yaml.safe_load((ziel / "studie.yml").read_text(encoding="utf-8"))
    verband = studie["verband"]
    mitglied = k[k["verband"] == verband].head(1)
    k = pd.concat([mitglied, k.drop(mitglied.index).sample(frac=1, random_state=s["seed"])])
    k = k.head(s["anzahl"]).reset_index(drop=True)
    if s["einwohner"] == "eins":
        k["einwohner"] = "1"
    elif s["einwohner"] == "maximal":
        k["einwohner"] = "10000000"
    elif s["einwohner"] == "gleich":
        k["einwohner"] = "5000"
    if s["referenz"] == "keine":
        k["referenzkommune"] = "nein"
    elif s["referenz"] == "alle":
        k["referenzkommune"] = "ja"
    a = a[a["ags"].isin(k["ags"])]
    if s["referenz"] == "ohne_antwort":  # eine Referenzkommune hat in keiner Welle geantwortet
        k.loc[0, "referenzkommune"] = "ja"
        a = a[a["ags"] != k.loc[0, "ags"]]
    wellen = sorted(int(w["id"]) for w in studie["wellen"])
    if s["wellen"] == "eine":  # eine Studie mit nur einer Welle
        studie["wellen"] = [w for w in studie["wellen"] if int(w["id"]) == wellen[-1]]
        a = a[a["welle"] == str(wellen[-1])]
    elif s["wellen"] == "luecke":  # eine Welle aus studie.yml ohne Antworten
        a = a[a["welle"] == str(wellen[-1])]
    fb = fragebogen.laden(vorlage / "fragebogen.yml")
    items = list(a.columns[2:])
    werte = a[items].to_numpy(dtype=object)
    if s["gleiche_antworten"] and len(werte):
        werte[:] = werte[0]
    maske = rng.random(werte.shape) < s["leer"]
    werte[maske] = ""
    fehl = (rng.random(werte.shape) < s["fehlcodes"]) & ~maske
    for i, spalte in enumerate(items):
        skala = fb.skala_von(fb.item[spalte])
        codes = list(skala.fehlend.codes()) if skala is not None else []
        if codes:
            werte[fehl[:, i], i] = str(codes[0])
    a = a.copy()
    a[items] = werte
    k.to_csv(ziel / "kommunen.csv", index=False)
    a.to_csv(ziel / "antworten.csv", index=False)
    e = s["einstellungen"]
    studie["kommunentypen"] = {"k": e["k"], "k_bereich": e["k_bereich"], "methode": e["methode"],
                               "bootstrap": 10, "typisieren": e.get("typisieren", True)}
    studie["reifegrad"] = {"mindestanteil": e["mindestanteil"], "monte_carlo": 10,
                           "weiss_nicht": e["weiss_nicht"], "aggregation": e["aggregation"]}
    studie["empfehlungen"] = {"minimum": e["minimum"], "maximum": max(e["minimum"], 20)}
    studie["berichte"] = {"peer_mindestgroesse": e["peer"]}
    studie["roadmap"] = {"jahre": e["jahre"]}
    (ziel / "studie.yml").write_text(yaml.safe_dump(studie, allow_unicode=True),
                                     encoding="utf-8")


def _versprechen(vorlage: Path, s: dict, ganz: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        daten = Path(tmp) / "studie"
        _bauen(vorlage, daten, s)
        pfade = pipeline.Pfade(daten, Path(tmp) / "aus")
        try:
            pipeline.pruefen(pfade)
        except Eingabefehler:
            return  # verweigert: die CLI antwortet mit Exit-Code 2
        pipeline.auswerten(pfade)
        if ganz:
            z = pipeline.berichte_erstellen(pfade, parallel=1, fortschritt=False)
            assert z.ok, z.fehlgeschlagen
            assert (pipeline.website_bauen(pfade, quarto=False) / "index.html").is_file()


_EINFACH = {"k": "auto", "k_bereich": [2, 8], "methode": "auto", "mindestanteil": 0.6,
            "weiss_nicht": "niedrigste_stufe", "aggregation": "arithmetisch", "minimum": 11,
            "peer": 5, "jahre": 3}
_BASIS = {"anzahl": 80, "wellen": "beide", "leer": 0.0, "fehlcodes": 0.0, "einwohner": "echt",
          "referenz": "echt", "gleiche_antworten": False, "einstellungen": _EINFACH, "seed": 1}


@settings(max_examples=10, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(s=STUDIEN)
@example(s={**_BASIS, "anzahl": 1})
@example(s={**_BASIS, "anzahl": 8})
@example(s={**_BASIS, "wellen": "nur_vorwelle"})
@example(s={**_BASIS, "leer": 1.0})
@example(s={**_BASIS, "anzahl": 4, "einstellungen": {**_EINFACH, "typisieren": False}})
def test_pruefen_verweigert_oder_auswerten_laeuft(kleine_studie_vorlage, s):
    _versprechen(kleine_studie_vorlage, s, ganz=False)


#: Für den ganzen Lauf (Berichte je Referenzkommune) nur kleine Studien.
KLEINE_STUDIEN = STUDIEN.filter(lambda s: s["anzahl"] <= 25)


@pytest.mark.langsam
@settings(max_examples=5, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
@given(s=KLEINE_STUDIEN)
@example(s={**_BASIS, "anzahl": 11, "referenz": "ohne_antwort"})
@example(s={**_BASIS, "anzahl": 14, "wellen": "eine", "referenz": "alle", "einwohner": "eins"})
@example(s={**_BASIS, "anzahl": 25, "leer": 0.2, "fehlcodes": 0.3, "einwohner": "maximal",
            "einstellungen": {**_EINFACH, "minimum": 1, "peer": 2, "jahre": 1, "k": 3,
                              "methode": "ward", "weiss_nicht": "fehlend",
                              "aggregation": "geometrisch"}})
@example(s={**_BASIS, "anzahl": 12, "einwohner": "gleich", "gleiche_antworten": True})
@example(s={**_BASIS, "anzahl": 6, "einstellungen": {**_EINFACH, "typisieren": False}})
def test_pruefen_verweigert_oder_ganzer_lauf(kleine_studie_vorlage, s):
    _versprechen(kleine_studie_vorlage, s, ganz=True)
