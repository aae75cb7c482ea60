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
                    anteile: Sequence[float] | None = None, anteil_gemischt: float = 0.0,
                    fremd: pd.Series | None = None, anteil_fremd: float = 0.0,
                    ) -> tuple[pd.DataFrame, pd.Series]:
    """Zielprioritäten von ``n`` Kommunen mit eingepflanzten Typen.

    ``prototypen``: Zeilen Typ-ID, Spalten Ziel-ID (wie ``Typkatalog.prototypen()``).
    ``rauschen``: Standardabweichung je Antwort in Skalenpunkten (realistisch ≈ 0,8–1,0).
    ``anteile``: Anteil je Prototyp (Voreinstellung: gleich). ``anteil_gemischt``: so viele
    Kommunen haben das Mittel zweier verschiedener Prototypen (50/50-Mischung). ``fremd``: ein
    Profil, das zu keinem Prototyp passt, für ``anteil_fremd`` der Kommunen.
    Gibt die Prioritäten (Index ``ags``, NaN = nicht beantwortet) und den wahren Typ zurück:
    die Typ-ID, ``"a+b"`` für eine Mischung, ``"fremd"`` für das fremde Profil.
    """
    rng = np.random.default_rng(seed)
    typen = np.asarray(prototypen.index)
    p = prototypen.to_numpy(float)
    wahr = rng.choice(len(typen), n, p=None if anteile is None else np.asarray(anteile) / sum(anteile))
    mittel = p[wahr]
    namen = typen[wahr].astype(object)
    gemischt = rng.random(n) < anteil_gemischt
    zweit = (wahr + rng.integers(1, len(typen), n)) % len(typen)
    mittel[gemischt] = (p[wahr[gemischt]] + p[zweit[gemischt]]) / 2
    namen[gemischt] = [f"{a}+{b}" for a, b in zip(typen[wahr[gemischt]], typen[zweit[gemischt]],
                                                   strict=True)]
    if fremd is not None:
        ist_fremd = ~gemischt & (rng.random(n) < anteil_fremd)
        mittel[ist_fremd] = fremd.loc[prototypen.columns].to_numpy(float)
        namen[ist_fremd] = "fremd"
    werte = np.clip(np.rint(mittel + rng.normal(0.0, rauschen, mittel.shape)), *skala)
    werte[rng.random(werte.shape) < anteil_fehlend] = np.nan
    index = pd.Index(ags_liste(n), name="ags")
    return (pd.DataFrame(werte, index=index, columns=prototypen.columns),
            pd.Series(namen, index=index, name="typ"))


def fremdes_profil(prototypen: pd.DataFrame) -> pd.Series:
    """Ein Profil, das zu keinem Prototyp passt: je Prototyp genau eines seiner hohen Ziele hoch
    (das letzte), alle anderen niedrig. Bei ``beispiel_prototypen`` liegt es 4,5–4,9 von jedem
    Prototyp entfernt, mehr als der halbe kleinste Prototypabstand (2,4)."""
    hoch = prototypen.max().max()
    niedrig = prototypen.min().min()
    profil = pd.Series(niedrig, index=prototypen.columns)
    for _, zeile in prototypen.iterrows():
        profil[zeile[zeile == zeile.max()].index[-1]] = hoch
    return profil


def ziele_common_factor(n: int, ziel_ids: Sequence[str], seed: int, niveau: float = 3.9,
                        ladung: float = 0.7, rauschen: float = 0.7,
                        skala: tuple[int, int] = (1, 5)) -> pd.DataFrame:
    """Prioritäten ohne Typen: ein gemeinsamer Faktor (allgemeines Zustimmungsniveau) und eine
    Decke, weil alle Ziele hoch bewertet werden (Mittel ``niveau``, begrenzt auf die Skala).
    Jedes Ziel hat eine kleine eigene Verschiebung, aber keine Gruppen von Kommunen."""
    rng = np.random.default_rng(seed)
    verschiebung = rng.uniform(-0.4, 0.4, len(ziel_ids))
    g = rng.normal(0, 1, (n, 1))
    werte = np.clip(np.rint(niveau + verschiebung + ladung * g
                            + rng.normal(0, rauschen, (n, len(ziel_ids)))), *skala)
    return pd.DataFrame(werte, index=pd.Index(ags_liste(n), name="ags"), columns=list(ziel_ids))


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
