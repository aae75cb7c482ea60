"""Simulierte Daten für Tests und Benchmarks: Zielprioritäten mit eingepflanzten Typen.

Bewusst einfach und deterministisch: Jede Kommune erhält den Prototyp ihres Typs,
dazu normalverteiltes Rauschen, gerundet und auf die Skala 1–5 begrenzt, wie es
in einer echten Befragung mit fünfstufiger Prioritätsskala aussähe.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def ags_liste(n: int) -> list[str]:
    """Künstliche, eindeutige 8-stellige Gemeindeschlüssel (als Text)."""
    return [f"{99_000_000 + i:08d}" for i in range(n)]


def ziele_mit_typen(n: int, prototypen: pd.DataFrame, rauschen: float, seed: int,
                    anteil_fehlend: float = 0.03, skala: tuple[int, int] = (1, 5),
                    ) -> tuple[pd.DataFrame, pd.Series]:
    """Zielprioritäten von ``n`` Kommunen mit eingepflanzten Typen.

    ``prototypen``: Zeilen Typ-ID, Spalten Ziel-ID (wie ``Typkatalog.prototypen()``).
    ``rauschen``: Standardabweichung je Antwort in Skalenpunkten (realistisch ≈ 0,8–1,0).
    Gibt die Prioritäten (Index ``ags``, NaN = nicht beantwortet) und den wahren Typ zurück.
    """
    rng = np.random.default_rng(seed)
    typen = np.asarray(prototypen.index)
    wahr = rng.integers(0, len(typen), n)
    mittel = prototypen.to_numpy(float)[wahr]
    werte = np.clip(np.rint(mittel + rng.normal(0.0, rauschen, mittel.shape)), *skala)
    werte[rng.random(werte.shape) < anteil_fehlend] = np.nan
    index = pd.Index(ags_liste(n), name="ags")
    return (pd.DataFrame(werte, index=index, columns=prototypen.columns),
            pd.Series(typen[wahr], index=index, name="typ"))


def ziele_ohne_struktur(n: int, ziel_ids: list[str], seed: int,
                        skala: tuple[int, int] = (1, 5)) -> pd.DataFrame:
    """Gleichverteilte Prioritäten ohne jede Clusterstruktur (Nullmodell für Tests)."""
    rng = np.random.default_rng(seed)
    werte = rng.integers(skala[0], skala[1] + 1, (n, len(ziel_ids))).astype(float)
    return pd.DataFrame(werte, index=pd.Index(ags_liste(n), name="ags"), columns=ziel_ids)


#: Prototypen nach ÖFIT/KGSt (2020), wie in der Demostudie; nur für Tests und Benchmarks.
ZIELE = ("recht", "foerderung", "it_sicherheit", "nachnutzung", "effizienz", "kosten",
         "arbeitgeber", "service", "buergernaehe", "standort", "transparenz",
         "daseinsvorsorge", "gemeinschaft")


def beispiel_prototypen() -> pd.DataFrame:
    hoch = {
        "bedaechtige": {"recht", "foerderung", "it_sicherheit", "nachnutzung"},
        "optimierer": {"effizienz", "kosten", "arbeitgeber"},
        "serviceorientierte": {"service", "buergernaehe", "standort"},
        "community_manager": {"daseinsvorsorge", "gemeinschaft", "transparenz"},
    }
    return pd.DataFrame({t: {z: (4.5 if z in h else 2.5) for z in ZIELE} for t, h in hoch.items()}
                        ).T.sort_index(axis=1)


def katalog_aus(prototypen: pd.DataFrame):
    """Ein minimaler ``Typkatalog`` zu gegebenen Prototypen (für Tests und Benchmarks)."""
    from analyse.eingabe.typkatalog import Steckbrief, Typ, Typkatalog

    brief = Steckbrief(kurz="–", staerken=["–"])
    return Typkatalog(mischtyp=brief, typen=[
        Typ(id=t, name=t.replace("_", " ").title(), prototyp=zeile.to_dict(), steckbrief=brief)
        for t, zeile in prototypen.iterrows()])


FELDER = (
    ("strategie", "Strategie & Steuerung", "Digitale Ausgangslage", "Organisation"),
    ("organisation", "Organisation & Prozesse", "Veränderung", "Organisation"),
    ("personal", "Personal & Kompetenzen", "Veränderung", "Mensch"),
    ("technik", "Technik & IT-Sicherheit", "Technologien", "Technik"),
    ("online", "Online-Services & OZG", "Technologien", "Technik"),
    ("daten", "Daten & Wissen", "Digitale Ausgangslage", "Technik"),
    ("kooperation", "Kooperation & Beteiligung", "Veränderung", "Mensch"),
)
WEISS_NICHT, KEINE_ANGABE = 8, 9


def beispiel_fragebogen(items_je_feld: int = 5):
    """Ein Codebuch im Speicher: 7 Handlungsfelder, je ein Item umgepolt, 13 Ziele."""
    from analyse.eingabe.fragebogen import Fragebogen

    items = []
    for fid, _, _, _ in FELDER:
        for j in range(items_je_feld):
            items.append({"id": f"{fid}_{j + 1}", "text": f"Aussage {j + 1} zu {fid}",
                          "skala": "zustimmung", "handlungsfeld": fid, "umgepolt": j == 0})
    items += [{"id": f"ziel_{z}", "text": f"Priorität {z}", "skala": "prioritaet", "ziel": z}
              for z in ZIELE]
    return Fragebogen.model_validate({
        "titel": "Simulation",
        "skalen": {
            "zustimmung": {"bezeichnung": "Zustimmung",
                           "werte": {1: "trifft nicht zu", 2: "eher nicht", 3: "teils",
                                     4: "eher", 5: "trifft zu"},
                           "fehlend": {"weiss_nicht": WEISS_NICHT, "keine_angabe": KEINE_ANGABE}},
            "prioritaet": {"bezeichnung": "Priorität",
                           "werte": {i: str(i) for i in range(1, 6)},
                           "fehlend": {"keine_angabe": KEINE_ANGABE}},
        },
        "handlungsfelder": [{"id": f, "name": n, "digicheck": d, "facette": fa}
                            for f, n, d, fa in FELDER],
        "ziele": [{"id": z, "name": z} for z in ZIELE],
        "items": items,
    })


def antworten(n: int, fragebogen, wellen: Sequence[int], seed: int,
              anteil_weiss_nicht: float = 0.04, anteil_keine_angabe: float = 0.03,
              zuwachs: float = 0.3) -> pd.DataFrame:
    """Rohantworten (Codes wie im Codebuch) je Kommune und Welle.

    Je Kommune eine latente Reife (plus Abweichung je Feld); je Welle wächst sie um ``zuwachs``
    Standardabweichungen. Umgepolte Items werden gespiegelt kodiert, Fehlcodes zufällig gesetzt.
    """
    rng = np.random.default_rng(seed)
    felder = [f.id for f in fragebogen.handlungsfelder]
    basis = rng.normal(0, 1, (n, 1)) + 0.6 * rng.normal(0, 1, (n, len(felder)))
    teile = []
    for w_i, welle in enumerate(wellen):
        spalten: dict[str, np.ndarray] = {}
        for item in fragebogen.items:
            if item.handlungsfeld:
                latent = basis[:, felder.index(item.handlungsfeld)] + zuwachs * w_i
                wert = np.clip(np.rint(3 + 0.9 * latent + rng.normal(0, 0.8, n)), 1, 5)
                if item.umgepolt:
                    wert = 6 - wert
                zufall = rng.random(n)
                wert[zufall < anteil_weiss_nicht] = WEISS_NICHT
                wert[(zufall >= anteil_weiss_nicht)
                     & (zufall < anteil_weiss_nicht + anteil_keine_angabe)] = KEINE_ANGABE
            else:
                wert = rng.integers(1, 6, n).astype(float)
            spalten[item.id] = wert
        teile.append(pd.DataFrame({"ags": ags_liste(n), "welle": welle, **spalten}))
    return pd.concat(teile, ignore_index=True)
