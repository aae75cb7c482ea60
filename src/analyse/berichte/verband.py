"""Abschnitte des Abschlussberichts für den Verband: Kernaussagen, Referenzkommunen,
Mitglieder im Vergleich, OZG im Verband, Steckbriefe der Typen, Personal und Finanzen je Mitglied.

Gruppenwerte erscheinen nur ab der Mindestgröße (``studie.berichte.peer_mindestgroesse``);
Werte einzelner Kommunen nur für Mitglieder des Verbands, an den sich der Bericht richtet.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analyse.berichte import html, kleine_zellen, uebersicht
from analyse.berichte.kontext import (
    feldnamen,
    gk_bezeichnung,
    kleine_typen,
    mindestgroesse,
    reifegrad_breit,
    typmodell,
    typnamen,
)
from analyse.eingabe import groessenklassen
from analyse.eingabe.ozg_katalog import ONLINE_AB
from analyse.ergebnisse.speicher import Ergebnisse
from analyse.methoden import peers
from analyse.namen import Tabelle as T
from analyse.zahlen import anzahl


def _stufe_gesamt(erg: Ergebnisse) -> pd.Series:
    r = erg.tabelle(T.REIFEGRAD)
    r = r[(r["welle"] == erg.studie.aktuelle_welle) & (r["handlungsfeld"] == "gesamt")]
    return r.set_index("ags")["stufe"]


def _typname(erg: Ergebnisse) -> pd.Series:
    """Typname je Kommune, wie ihn die Kommunenberichte nennen."""
    typen = erg.tabelle_oder_leer(T.TYPEN)
    if typen.empty:
        return pd.Series(dtype=object)
    if not typmodell(erg).typstruktur_belastbar:  # keine Typbehauptung ohne Typenstruktur
        return typen.set_index("ags")["typ"].map(lambda _: "keine Typenstruktur")
    namen = typnamen(erg)
    return typen.set_index("ags")["typ"].map(lambda t: namen.get(t, t))


# ------------------------------------------------------------------ Referenzkommunen


def referenzkommunen_tabelle(erg: Ergebnisse) -> pd.DataFrame:
    """Je Referenzkommune: Name, Art, Größenklasse, Typ, Stufe, Reifegrad, Zahl der Maßnahmen."""
    k = erg.kommunen[erg.kommunen["referenzkommune"]].sort_values("name", kind="stable")
    rg = reifegrad_breit(erg)
    e = erg.tabelle_oder_leer(T.EMPFEHLUNGEN)
    n_massnahmen = e.groupby("ags").size() if not e.empty else pd.Series(dtype=int)
    return pd.DataFrame({
        "ags": k.index,
        "name": k["name"].to_numpy(),
        "art": k["art"].to_numpy(),
        "groessenklasse": [groessenklassen.bezeichnung(g, kurz=True) for g in k["groessenklasse"]],
        "typ": _typname(erg).reindex(k.index).fillna("–").to_numpy(),
        "stufe": _stufe_gesamt(erg).reindex(k.index).fillna("–").to_numpy(),
        "reifegrad": rg["gesamt"].reindex(k.index).to_numpy() if "gesamt" in rg else np.nan,
        "massnahmen": n_massnahmen.reindex(k.index).fillna(0).astype(int).to_numpy(),
    })


def referenzkommunen(erg: Ergebnisse) -> html.Html:
    """Tabelle der Referenzkommunen, jede mit einem Link zu ihrem Bericht."""
    t = referenzkommunen_tabelle(erg)
    if t.empty:
        return html.hinweis("Die Studie hat keine Referenzkommunen.")
    zeilen = []
    for z in t.itertuples(index=False):
        ags = html.text(z.ags)
        zeilen.append(
            f'<tr><th scope="row"><a href="kommunen/{ags}.html">{html.text(z.name)}</a></th>'
            f"<td>{html.text(z.art)}</td><td>{html.text(z.groessenklasse)}</td>"
            f"<td>{html.text(z.typ)}</td><td>{html.text(z.stufe)}</td>"
            f"<td>{html.text(html.zahl(z.reifegrad) if pd.notna(z.reifegrad) else '–')}</td>"
            f"<td>{html.text(z.massnahmen)}</td></tr>")
    kopf = "".join(f'<th scope="col">{s}</th>' for s in (
        "Kommune", "Art", "Größenklasse", "Kommunentyp", "Stufe", "Reifegrad gesamt",
        "Maßnahmen"))
    return html.Html(
        '<div class="tabelle-rahmen" role="region" tabindex="0" aria-label="Referenzkommunen">'
        '<table class="tabelle"><caption>Referenzkommunen mit Link zu ihrem Bericht</caption>'
        f"<thead><tr>{kopf}</tr></thead><tbody>{''.join(zeilen)}</tbody></table></div>")


# ------------------------------------------------------------------ Mitglieder und Nicht-Mitglieder


def mitglieder_vergleich_tabelle(erg: Ergebnisse) -> pd.DataFrame:
    """Median des Reifegrads je Handlungsfeld: Mitglieder gegen Nicht-Mitglieder (mit n)."""
    rg = reifegrad_breit(erg)
    gruppe = erg.kommunen["mitglied"].map({True: "Mitglieder", False: "Nicht-Mitglieder"})
    median = peers.gruppenmedian(rg, gruppe, mindestgroesse(erg))
    namen = feldnamen(erg)
    zeilen = []
    for feld, name in namen.items():
        if feld not in rg:
            continue
        z = {"Handlungsfeld": name}
        for g in ("Mitglieder", "Nicht-Mitglieder"):
            z[f"Median {g}"] = median[(feld, "median")].get(g, np.nan)
            z[f"n {g}"] = int(median[(feld, "n")].get(g, 0))
        z["Differenz"] = z["Median Mitglieder"] - z["Median Nicht-Mitglieder"]
        zeilen.append(z)
    return pd.DataFrame(zeilen)


def mitglieder_vergleich(erg: Ergebnisse) -> html.Html:
    t = mitglieder_vergleich_tabelle(erg)
    mindest = mindestgroesse(erg)
    if t.empty:
        return html.hinweis("Kein Reifegrad berechnet.")
    teile = [html.tabelle(t, "Reifegrad (Median) der Verbandsmitglieder und der übrigen "
                             "Kommunen der Studie",
                          formate={c: "zahl" for c in t.columns if c.startswith("Median")}
                          | {"Differenz": "{:+.0f}"}, zeilenkopf=True)]
    gesamt = t[t["Handlungsfeld"] == "Gesamt"]
    if not gesamt.empty and pd.notna(gesamt["Differenz"].iloc[0]):
        d = gesamt["Differenz"].iloc[0]
        teile.insert(0, html.absatz(
            "Im Gesamtreifegrad liegen die Mitglieder "
            + (f"{anzahl(round(abs(d)), 'Punkt', 'Punkte')} "
               f"{'über' if d > 0 else 'unter'} den übrigen Kommunen der Studie."
               if round(d) != 0 else "gleichauf mit den übrigen Kommunen der Studie.")
            + " Der Vergleich beschreibt die Studie, keine Ursache: Mitglieder und übrige "
              "Kommunen unterscheiden sich auch in Größe und Art."))
    teile.append(html.hinweis(f"Mediane erst ab {mindest} Kommunen je Gruppe."))
    return html.Html.verbinden(teile)


# ------------------------------------------------------------------ OZG im Verband


def ozg_fehlend_tabelle(erg: Ergebnisse, anzahl_zeilen: int = 10) -> pd.DataFrame:
    """Die OZG-Leistungen, die bei den meisten Mitgliedern noch nicht online sind."""
    s = erg.tabelle_oder_leer(T.OZG_STAND)
    if s.empty:
        return pd.DataFrame()
    mitglieder = set(erg.kommunen.index[erg.kommunen["mitglied"]])
    s = s[(s["welle"] == erg.studie.aktuelle_welle) & s["ags"].isin(mitglieder)
          & s["stufe"].notna()]
    g = s.groupby(["leistung", "leistung_name"], observed=True).agg(
        beantwortet=("ags", "nunique"),
        nicht_online=("stufe", lambda x: int((x < ONLINE_AB).sum()))).reset_index()
    g = g[g["beantwortet"] >= mindestgroesse(erg)]
    g["anteil_nicht_online"] = g["nicht_online"] / g["beantwortet"] * 100
    # bei gleichem Anteil zuerst die Leistungen, die die meisten Mitglieder betreffen
    return g.sort_values(["anteil_nicht_online", "beantwortet", "leistung_name"],
                         ascending=[False, False, True],
                         kind="stable").head(anzahl_zeilen).reset_index(drop=True)


def ozg_abdeckung_je_klasse(erg: Ergebnisse) -> pd.DataFrame:
    """Anteil der relevanten Leistungen online (Median) je Größenklasse, nur Mitglieder."""
    a = erg.tabelle_oder_leer(T.OZG_ABDECKUNG)
    if a.empty:
        return pd.DataFrame()
    mitglieder = set(erg.kommunen.index[erg.kommunen["mitglied"]])
    a = a[(a["welle"] == erg.studie.aktuelle_welle) & a["ags"].isin(mitglieder)]
    a = a[a["n_beantwortet"] > 0]
    zeilen = []
    for gk in groessenklassen.KLASSEN:
        teil = a[a["groessenklasse"].astype(str) == gk]
        if teil.empty:
            continue
        genug = len(teil) >= mindestgroesse(erg)
        zeilen.append({
            "Größenklasse": gk_bezeichnung(gk),
            "Mitglieder": kleine_zellen.anzahl(len(teil), mindestgroesse(erg)),
            "Anteil online (Median)": teil["anteil_online"].median() * 100 if genug else np.nan,
            "Mittlere Stufe (Median)": teil["mittlere_stufe"].median() if genug else np.nan})
    alle = a
    if len(alle) >= mindestgroesse(erg):
        zeilen.append({"Größenklasse": "Alle Mitglieder", "Mitglieder": len(alle),
                       "Anteil online (Median)": alle["anteil_online"].median() * 100,
                       "Mittlere Stufe (Median)": alle["mittlere_stufe"].median()})
    return pd.DataFrame(zeilen)


def ozg_verband(erg: Ergebnisse) -> html.Html:
    """OZG-Stand im Verband: häufig fehlende Leistungen und Abdeckung je Größenklasse."""
    fehlend = ozg_fehlend_tabelle(erg)
    klassen = ozg_abdeckung_je_klasse(erg)
    if fehlend.empty and klassen.empty:
        return html.hinweis("Die Studie enthält keine Angaben zum OZG-Stand.")
    mindest = mindestgroesse(erg)
    teile = [html.absatz(
        f"Online heißt hier: mindestens Stufe {ONLINE_AB} des OZG-Reifegradmodells (die Leistung "
        "kann online beantragt werden). Gezählt werden Mitglieder, für die die Leistung relevant "
        "ist und die sie bewertet haben.")]
    if not fehlend.empty:
        teile.append(html.tabelle(pd.DataFrame({
            "Leistung": fehlend["leistung_name"],
            "Noch nicht online": [f"{n} von {b}" for n, b in
                                  zip(fehlend["nicht_online"], fehlend["beantwortet"], strict=True)],
            "Anteil in %": fehlend["anteil_nicht_online"]}),
            "Die Leistungen, die bei den meisten Mitgliedern noch fehlen",
            formate={"Anteil in %": "zahl"}, zeilenkopf=True))
    if not klassen.empty:
        teile.append(html.tabelle(klassen, "OZG-Abdeckung der Mitglieder nach Größenklasse",
                                  formate={"Anteil online (Median)": "zahl",
                                           "Mittlere Stufe (Median)": "zahl1"}, zeilenkopf=True))
    teile.append(html.hinweis(f"Anteile und Mediane erst ab {mindest} Mitgliedern je Zeile."))
    return html.Html.verbinden(teile)


# ------------------------------------------------------------------ Steckbriefe der Typen


def steckbrief_reifegrad(erg: Ergebnisse) -> pd.DataFrame:
    """Median des Reifegrads je Typ und Handlungsfeld (Typen ab Mindestgröße)."""
    typen = erg.tabelle_oder_leer(T.TYPEN)
    if typen.empty:
        return pd.DataFrame()
    rg = reifegrad_breit(erg)
    median = peers.gruppenmedian(rg, typen.set_index("ags")["typ"], mindestgroesse(erg))
    namen = feldnamen(erg)
    return pd.DataFrame({namen[f]: median[(f, "median")] for f in namen if (f, "median") in median})


def steckbrief_groessenklassen(erg: Ergebnisse) -> pd.DataFrame:
    """Anzahl je Typ (Zeilen) und Größenklasse (Spalten), kleine Zellen zusammengelegt.

    Dieselbe Kreuztabelle wie in der Typenverteilung (``uebersicht.typen_nach_groessenklasse``):
    Größenklassen werden zu Bändern zusammengelegt, bis jede Zahl 0 oder mindestens die
    Mindestgröße ist. So steht keine „< n“-Zelle neben der exakten Typsumme, aus der sie sich
    zurückrechnen ließe. Typen, die dort mit anderen zusammengelegt sind, fehlen.
    """
    if erg.tabelle_oder_leer(T.TYPEN).empty:
        return pd.DataFrame()
    zs = uebersicht.typen_nach_groessenklasse(erg)
    einzeln = [t for t in zs.kreuz.columns if zs.spalten.get(t) == [t]]
    return zs.kreuz[einzeln].T


@dataclass(frozen=True)
class Steckbrief:
    """Ein Steckbrief je gefundenem Typ, wie in der ÖFIT/KGSt-Studie.

    ``herkunft``: ``katalog`` (Texte aus ``kommunentypen.yml``), ``variante`` (Texte des
    Prototyps, der Typ ist eine Variante) oder ``daten`` (neuer Typ: alles aus seinem Profil
    und seinen Reifegraden gebildet, siehe ``_aus_daten``).
    """

    typ: str
    name: str
    herkunft: str
    n: int
    kurz: str
    staerken: list[str]
    herausforderungen: list[str]
    lernt_von: list[str]
    profil: str = ""


def _reihenfolge(erg: Ergebnisse, vorhanden: set[str]) -> list[str]:
    katalog = [t.id for t in erg.typkatalog.typen]
    gefunden = [b.typ for b in typmodell(erg).benennung if b.typ not in katalog]
    return [t for t in [*katalog, *gefunden] if t in vorhanden]


def _feld_saetze(erg: Ergebnisse, typ: str, rg: pd.DataFrame, studie: pd.Series
                 ) -> tuple[list[str], list[str], list[str]]:
    """(Stärken, Herausforderungen, lernt von) eines Typs aus seinen Reifegraden.

    Stärke: Median des Typs über dem Median aller Kommunen der Studie; Herausforderung: darunter
    (je die drei größten Abstände). Lernt von: je schwächstem Feld (bis zu zwei) der Typ mit dem
    höchsten Median dort, sofern er über dem eigenen liegt.
    """
    if typ not in rg.index or rg.loc[typ].isna().all():
        hinweis = f"Erst ab {mindestgroesse(erg)} Kommunen des Typs aus den Reifegraden ableitbar."
        return [hinweis], [hinweis], []
    eigen = rg.loc[typ].drop("Gesamt", errors="ignore")
    bezug = studie.reindex(eigen.index)
    abstand = (eigen.round() - bezug.round()).dropna()  # Abstand der gezeigten Zahlen
    oben = abstand[abstand > 0].sort_values(ascending=False, kind="stable").head(3)
    unten = abstand[abstand < 0].sort_values(kind="stable").head(3)

    def satz(feld: str, richtung: str) -> str:
        return (f"{feld}: Median {html.zahl(eigen[feld])}, "
                f"{anzahl(int(abs(abstand[feld])), 'Punkt', 'Punkte')} {richtung} dem Median "
                f"aller Kommunen ({html.zahl(bezug[feld])})")

    staerken = [satz(f, "über") for f in oben.index] or [
        "Kein Handlungsfeld liegt über dem Median aller Kommunen der Studie."]
    schwaechen = [satz(f, "unter") for f in unten.index] or [
        "Kein Handlungsfeld liegt unter dem Median aller Kommunen der Studie."]
    typnamen_ = typnamen(erg)
    lernt: list[str] = []
    for feld in unten.index[:2]:
        andere = rg[feld].drop(typ, errors="ignore").drop("mischtyp", errors="ignore").dropna()
        if len(andere) and andere.max() > eigen[feld]:
            bester = andere.idxmax()
            lernt.append(f"{typnamen_.get(bester, bester)} (im Feld {feld}: Median "
                         f"{html.zahl(andere[bester])})")
    return staerken, schwaechen, lernt


def steckbrief_daten(erg: Ergebnisse) -> list[Steckbrief]:
    """Ein Steckbrief je Typ, der in der Studie vorkommt, auch für Varianten und neue Typen."""
    typen = erg.tabelle_oder_leer(T.TYPEN)
    if typen.empty:
        return []
    n = typen["typ"].value_counts()
    rg = steckbrief_reifegrad(erg)
    breit = reifegrad_breit(erg)
    studie = breit.median().rename(feldnamen(erg))
    namen = typnamen(erg)
    katalog = {t.id: t for t in erg.typkatalog.typen}
    ergebnis = []
    for typ in _reihenfolge(erg, set(n.index) - kleine_typen(erg)):  # Regel: kontext
        b = typmodell(erg).benennung_von(typ)
        profil = (f"Priorisiert stärker als im Mittel aller Kommunen: {', '.join(b.hoch)}; "
                  f"schwächer: {', '.join(b.niedrig)}." if b and b.hoch else "")
        basis = katalog.get(typ) or (katalog.get(b.naechster_prototyp) if b and b.art ==
                                     "variante" else None)
        if basis is not None:
            s = basis.steckbrief
            kurz = s.kurz if typ in katalog else (
                f"Variante des Typs „{basis.name}“: Die Texte stammen aus dessen Steckbrief. "
                + s.kurz)
            ergebnis.append(Steckbrief(
                typ, namen.get(typ, typ), "katalog" if typ in katalog else "variante",
                int(n[typ]), kurz, list(s.staerken), list(s.herausforderungen),
                [namen.get(x, x) for x in s.lernt_von], profil))
        else:
            staerken, schwaechen, lernt = _feld_saetze(erg, typ, rg, studie)
            ergebnis.append(Steckbrief(
                typ, namen.get(typ, typ), "daten", int(n[typ]),
                (b.kurz if b and b.kurz else "Aus den Daten gebildeter Typ."), staerken,
                schwaechen, lernt, profil))
    return ergebnis


def _reifegrad_tabelle(erg: Ergebnisse, sb: Steckbrief, rg: pd.DataFrame) -> html.Html:
    if sb.typ not in rg.index or rg.loc[sb.typ].isna().all():
        return html.hinweis(f"Reifegrad je Feld erst ab {mindestgroesse(erg)} Kommunen des Typs.")
    zeile = rg.loc[sb.typ]
    studie = reifegrad_breit(erg).median().rename(feldnamen(erg)).reindex(zeile.index)
    return html.tabelle(
        pd.DataFrame({"Handlungsfeld": zeile.index, "Median des Typs": zeile.to_numpy(),
                      "Median aller Kommunen": studie.to_numpy(),
                      "Abstand": (zeile.round() - studie.round()).to_numpy()}),
        f"Reifegrad je Handlungsfeld: {sb.name}",
        formate={"Median des Typs": "zahl", "Median aller Kommunen": "zahl",
                 "Abstand": "{:+.0f}"}, zeilenkopf=True)


def steckbriefe(erg: Ergebnisse) -> html.Html:
    """Ein vollständiger Steckbrief je Typ wie in der ÖFIT/KGSt-Studie; neue Typen sind als aus
    den Daten gebildet gekennzeichnet."""
    typen = erg.tabelle_oder_leer(T.TYPEN)
    if typen.empty:
        return html.hinweis("Keine Kommunentypen gebildet.")
    if not typmodell(erg).typstruktur_belastbar:
        return html.hinweis(typmodell(erg).struktur_satz)
    rg = steckbrief_reifegrad(erg)
    mix = steckbrief_groessenklassen(erg)
    teile = []
    ohne = len(set(_reihenfolge(erg, set(typen["typ"]))) & kleine_typen(erg))
    if ohne:
        teile.append(html.hinweis(
            f"{anzahl(ohne, 'Typ hat', 'Typen haben')} weniger als {mindestgroesse(erg)} "
            "Kommunen und keinen Steckbrief (Merkmale so kleiner Gruppen verrieten einzelne "
            "Kommunen)."))
    for sb in steckbrief_daten(erg):
        titel = f"Steckbrief: {sb.name}" + (" (aus den Daten gebildet)"
                                            if sb.herkunft == "daten" else "")
        teile += [html.ueberschrift(titel, 3),
                  html.absatz(f"{anzahl(sb.n, 'Kommune', 'Kommunen')} in der Studie. " + sb.kurz)]
        if sb.herkunft == "daten":
            teile.append(html.hinweis(
                "Zu diesem Typ passt kein Prototyp der ÖFIT/KGSt-Studie. Name, Beschreibung, "
                "Stärken, Herausforderungen und „lernt von“ sind aus seinem Zielprofil und seinen "
                "Reifegraden gebildet (Stärke: Median des Typs über dem Median aller Kommunen, "
                "Herausforderung: darunter; lernt von: der Typ mit dem höchsten Median in seinen "
                "schwächsten Feldern), nicht aus der Studie übernommen."))
        elif sb.profil:
            teile.append(html.absatz(sb.profil))
        teile += [html.ueberschrift("Stärken", 4), html.liste(sb.staerken)]
        if sb.herausforderungen:
            teile += [html.ueberschrift("Herausforderungen", 4), html.liste(sb.herausforderungen)]
        if sb.lernt_von:
            teile.append(html.absatz("Lernt im D-Team besonders von: " + ", ".join(sb.lernt_von)
                                     + "."))
        teile.append(_reifegrad_tabelle(erg, sb, rg))
        if sb.typ in mix.index:
            m = mix.loc[sb.typ]
            m = m[m > 0]
            teile.append(html.absatz(
                f"Größenklassen (zusammengelegt, bis jede Zahl mindestens {mindestgroesse(erg)} "
                "ist): " + "; ".join(f"{g}: {v}" for g, v in m.items()) + "."))
    return html.Html.verbinden(teile)


# ------------------------------------------------------------------ Personal und Finanzen je Mitglied


def personal_mitglieder_tabelle(erg: Ergebnisse) -> pd.DataFrame:
    """Je Mitglied ohne Referenzstatus: eigene Werte gegen den Korridor und die Lücke.

    Lücke Personal = untere Korridorgrenze (Stellen je 10.000 EW) × EW / 10.000 − eigene VZÄ;
    Lücke Budget = untere Korridorgrenze (€ je EW) × EW − eigenes Budget; jeweils nicht negativ
    und so gerundet, wie der Bericht sie zeigt (VZÄ auf eine Stelle, € auf ganze Euro).
    """
    p = erg.tabelle_oder_leer(T.PERSONAL_RICHTWERTE)
    s = erg.tabelle_oder_leer(T.STRUKTUR)
    if p.empty or s.empty:
        return pd.DataFrame()
    k = erg.kommunen[erg.kommunen["mitglied"] & ~erg.kommunen["referenzkommune"]]
    s = s[s["welle"] == erg.studie.aktuelle_welle].drop_duplicates("ags").set_index("ags")
    korridor = p.pivot_table(index="groessenklasse", columns="kennzahl", values="spitze_von",
                             aggfunc="first", observed=True)
    zeilen = []
    for ags, z in k.sort_values("name", kind="stable").iterrows():
        gk = str(z["groessenklasse"])
        ew = float(z["einwohner"])
        it = s["it_personal"].get(ags, np.nan) if "it_personal" in s else np.nan
        budget = s["digitalbudget"].get(ags, np.nan) if "digitalbudget" in s else np.nan
        von_it = korridor.get("it_personal_je_10000_ew", pd.Series(dtype=float)).get(gk, np.nan)
        von_b = korridor.get("digitalbudget_je_ew", pd.Series(dtype=float)).get(gk, np.nan)
        soll_it = von_it * ew / 10_000
        soll_b = von_b * ew
        zeilen.append({
            "ags": ags, "Mitglied": z["name"], "Größenklasse": groessenklassen.bezeichnung(gk, True),
            "IT-Personal (VZÄ)": it, "Korridor ab (VZÄ)": soll_it,
            # gerundet wie gezeigt: wer „0,0“ Lücke hat, zählt nicht als unter dem Korridor
            "Lücke (VZÄ)": round(max(0.0, soll_it - it), 1) if pd.notna(soll_it) and pd.notna(it)
            else np.nan,
            "Digitalbudget": budget, "Korridor ab (€)": soll_b,
            "Lücke (€)": round(max(0.0, soll_b - budget)) if pd.notna(soll_b)
            and pd.notna(budget) else np.nan})
    return pd.DataFrame(zeilen)


def personal_mitglieder(erg: Ergebnisse) -> html.Html:
    t = personal_mitglieder_tabelle(erg)
    if t.empty:
        return html.hinweis("Keine Mitglieder ohne Referenzstatus oder keine Strukturdaten.")
    luecke_it = t["Lücke (VZÄ)"].fillna(0)
    luecke_b = t["Lücke (€)"].fillna(0)
    teile = [html.absatz(
        f"{anzahl(int((luecke_it > 0).sum()), 'Mitglied liegt', 'Mitglieder liegen')} beim "
        f"IT-Personal unter dem Korridor ihrer Größenklasse (zusammen "
        f"{html.zahl(luecke_it.sum(), 1)} VZÄ), "
        f"{anzahl(int((luecke_b > 0).sum()), 'Mitglied', 'Mitglieder')} beim Digitalbudget "
        f"(zusammen {html.euro(luecke_b.sum())} je Jahr). Der Korridor beginnt bei der unteren "
        "Grenze der Spitzengruppe der Größenklasse (siehe Tabelle oben); fehlt er, hat die "
        "Klasse zu wenige Kommunen mit Angaben.")]
    teile.append(html.tabelle(
        t.drop(columns="ags"), "Personal und Finanzen der Mitglieder ohne Referenzstatus",
        formate={"IT-Personal (VZÄ)": "zahl1", "Korridor ab (VZÄ)": "zahl1",
                 "Lücke (VZÄ)": "zahl1", "Digitalbudget": "euro", "Korridor ab (€)": "euro",
                 "Lücke (€)": "euro"}, zeilenkopf=True))
    return html.Html.verbinden(teile)


# ------------------------------------------------------------------ Alle Empfehlungen zusammen


def _hauptfeld(handlungsfelder: pd.Series) -> pd.Series:
    """Das erste Handlungsfeld einer Maßnahme ist ihr Hauptfeld (wie im Katalog)."""
    return handlungsfelder.astype(str).str.split(";").str[0].str.strip()


def zusammen_nach_feld_tabelle(erg: Ergebnisse) -> pd.DataFrame:
    """Kommunale und Verbandsempfehlungen je Hauptfeld, mit Summenzeile.

    Kosten ohne Doppelzählung: Kommunale Empfehlungen „über den Verband“ zählen in der Anzahl,
    ihre Kosten aber beim Verband (voll, einmal); kommunal stehen nur eigene Vorhaben.
    """
    e = erg.tabelle_oder_leer(T.EMPFEHLUNGEN)
    v = erg.tabelle_oder_leer(T.VERBAND_EMPFEHLUNGEN)
    if e.empty and v.empty:
        return pd.DataFrame()
    e_feld = e["hauptfeld"] if not e.empty else pd.Series(dtype=str)
    ueber = e["ueber_verband"].astype(bool) if "ueber_verband" in e else pd.Series(
        False, index=e.index)
    v_feld = _hauptfeld(v["handlungsfelder"]) if not v.empty else pd.Series(dtype=str)
    zeilen = []
    for feld, name in [*feldnamen(erg).items()]:
        if feld == "gesamt":
            ke, kv, vv = e, e[~ueber] if len(e) else e, v
            name = "Summe"
        else:
            ke = e[e_feld == feld] if len(e) else e
            kv = e[(e_feld == feld) & ~ueber] if len(e) else e
            vv = v[v_feld == feld] if len(v) else v
        z = {"Handlungsfeld": name,
             "Kommunal: Anzahl": len(ke),
             "davon über den Verband": int(ueber.reindex(ke.index).sum()) if len(ke) else 0,
             "Kommunal: einmalig": float(kv["kosten_einmalig"].sum()) if len(kv) else 0.0,
             "Kommunal: jährlich": float(kv["kosten_jaehrlich"].sum()) if len(kv) else 0.0,
             "Verband: Anzahl": len(vv),
             "Verband: einmalig": float(vv["kosten_einmalig"].sum()) if len(vv) else 0.0,
             "Verband: jährlich": float(vv["kosten_jaehrlich"].sum()) if len(vv) else 0.0}
        z["Zusammen: Anzahl"] = z["Kommunal: Anzahl"] + z["Verband: Anzahl"]
        z["Zusammen: einmalig"] = z["Kommunal: einmalig"] + z["Verband: einmalig"]
        z["Zusammen: jährlich"] = z["Kommunal: jährlich"] + z["Verband: jährlich"]
        if feld == "gesamt" or z["Zusammen: Anzahl"]:
            zeilen.append(z)
    return pd.DataFrame(zeilen)


def zusammen_nach_jahr_tabelle(erg: Ergebnisse) -> pd.DataFrame:
    """Je Planungsjahr: begonnene Maßnahmen und geplante Kosten, kommunal (Roadmaps der
    Referenzkommunen, eigene Kosten ohne Umlage) und beim Verband; Summenzeile und Zeile für
    verschobene Maßnahmen (nicht im Zeitraum)."""
    rm = erg.tabelle_oder_leer(T.ROADMAP)
    rk = erg.tabelle_oder_leer(T.ROADMAP_KOSTEN)
    vr = erg.tabelle_oder_leer(T.VERBAND_ROADMAP)
    vj = erg.tabelle_oder_leer(T.VERBAND_JAHRE)
    rj = erg.tabelle_oder_leer(T.ROADMAP_JAHRE)
    jahre = sorted({*rj.get("jahr", []), *vj.get("jahr", [])})
    if not jahre:
        return pd.DataFrame()
    zeilen = []
    for jahr in jahre:
        k_kosten = rk[rk["jahr"] == jahr] if len(rk) else rk
        v_kosten = vj[vj["jahr"] == jahr] if len(vj) else vj
        z = {"Jahr": str(int(jahr)),
             "Kommunal: begonnen": int((rm["startjahr"] == jahr).sum()) if len(rm) else 0,
             "Kommunal: Kosten": float((k_kosten["kosten_einmalig"]
                                        + k_kosten["kosten_laufend"]).sum()) if len(rk) else 0.0,
             "Kommunal: Personentage": float(k_kosten["personentage"].sum()) if len(rk) else 0.0,
             "Verband: begonnen": int((vr["startjahr"] == jahr).sum()) if len(vr) else 0,
             "Verband: Kosten": float(v_kosten["kosten_gesamt"].sum()) if len(vj) else 0.0,
             "Verband: Personentage": float(v_kosten["personentage"].sum()) if len(vj) else 0.0}
        zeilen.append(z)
    t = pd.DataFrame(zeilen)
    summe = t.drop(columns="Jahr").sum().to_dict() | {"Jahr": "Summe im Zeitraum"}
    vs = erg.tabelle_oder_leer(T.VERSCHIEBUNGEN)
    vvs = erg.tabelle_oder_leer(T.VERBAND_VERSCHIEBUNGEN)
    t = pd.concat([t, pd.DataFrame([summe, {
        "Jahr": "verschoben (nach dem Zeitraum)", "Kommunal: begonnen": len(vs),
        "Verband: begonnen": len(vvs)}])], ignore_index=True)
    t["Zusammen: begonnen"] = t["Kommunal: begonnen"] + t["Verband: begonnen"]
    t["Zusammen: Kosten"] = t["Kommunal: Kosten"] + t["Verband: Kosten"]
    return t


def empfehlungen_zusammen(erg: Ergebnisse) -> html.Html:
    """Alle Empfehlungen des Programms: kommunal und Verband, nach Handlungsfeld und Jahr."""
    f = zusammen_nach_feld_tabelle(erg)
    if f.empty:
        return html.hinweis("Keine Empfehlungen berechnet.")
    s = f[f["Handlungsfeld"] == "Summe"].iloc[0]
    n_ref = erg.tabelle_oder_leer(T.EMPFEHLUNGEN)["ags"].nunique() if s["Kommunal: Anzahl"] else 0
    teile = [html.absatz(
        f"Zusammen {anzahl(int(s['Zusammen: Anzahl']), 'Empfehlung', 'Empfehlungen')}: "
        f"{anzahl(int(s['Kommunal: Anzahl']), 'kommunale', 'kommunale')} für "
        f"{anzahl(n_ref, 'Referenzkommune', 'Referenzkommunen')} und "
        f"{anzahl(int(s['Verband: Anzahl']), 'Empfehlung', 'Empfehlungen')} für den Verband. "
        f"Einmalig kosten sie {html.euro(s['Zusammen: einmalig'])}, laufend "
        f"{html.euro(s['Zusammen: jährlich'])} je Jahr. Gezählt ohne Doppelung: "
        f"{anzahl(int(s['davon über den Verband']), 'kommunale Empfehlung läuft', 'kommunale Empfehlungen laufen')}"
        " über den Verband; ihre Kosten stehen einmal beim Verband, den die Mitglieder über die "
        "Umlage finanzieren.")]
    euro_spalten = [c for c in f.columns if c.endswith(("einmalig", "jährlich"))]
    teile.append(html.tabelle(f, "Kommunale und Verbandsempfehlungen nach Handlungsfeld "
                                 "(Hauptfeld; Kosten in €)",
                              formate=dict.fromkeys(euro_spalten, "euro"), zeilenkopf=True))
    j = zusammen_nach_jahr_tabelle(erg)
    if not j.empty:
        teile.append(html.tabelle(
            j, "Begonnene Maßnahmen und geplante Kosten je Jahr (kommunal: eigene Kosten der "
               "Referenzkommunen laut Roadmap, ohne Umlage; Verband: Kosten des Verbands)",
            formate={c: "euro" for c in j.columns if c.endswith("Kosten")}
            | {c: "zahl0" for c in j.columns if c.endswith("Personentage")}
            | {c: "zahl0" for c in j.columns if c.endswith("begonnen")}, zeilenkopf=True))
    return html.Html.verbinden(teile)


# ------------------------------------------------------------------ Finanzierung des Verbands


def finanzierung_tabelle(erg: Ergebnisse) -> pd.DataFrame:
    """Je Jahr: Kosten des Verbands, Rahmen, Umlage aller Mitglieder, Anteile der Referenz- und
    der übrigen Mitglieder und die höchste Belastung eines Mitglieds (Anteil am eigenen Rahmen)."""
    vj = erg.tabelle_oder_leer(T.VERBAND_JAHRE)
    u = erg.tabelle_oder_leer(T.VERBAND_UMLAGE)
    if vj.empty or u.empty:
        return pd.DataFrame()
    ref = set(erg.kommunen.index[erg.kommunen["referenzkommune"]])
    zeilen = []
    for z in vj.sort_values("jahr").itertuples():
        teil = u[u["jahr"] == z.jahr]
        ist_ref = teil["ags"].isin(ref)
        zeilen.append({
            "Jahr": str(int(z.jahr)), "Rahmen": float(z.rahmen),
            "Kosten einmalig": float(z.kosten_einmalig), "Kosten laufend": float(z.kosten_laufend),
            "Kosten gesamt": float(z.kosten_gesamt), "Umlage aller Mitglieder": float(
                teil["umlage"].sum()),
            "davon Referenzkommunen": float(teil.loc[ist_ref, "umlage"].sum()),
            "davon übrige Mitglieder": float(teil.loc[~ist_ref, "umlage"].sum()),
            "Höchster Anteil am Jahresrahmen eines Mitglieds": float(
                teil["anteil_am_rahmen"].max() * 100) if "anteil_am_rahmen" in teil else np.nan})
    t = pd.DataFrame(zeilen)
    summe = t.drop(columns=["Jahr", "Höchster Anteil am Jahresrahmen eines Mitglieds"]).sum()
    summe = summe.to_dict() | {"Jahr": "Summe", "Höchster Anteil am Jahresrahmen eines Mitglieds":
                               t["Höchster Anteil am Jahresrahmen eines Mitglieds"].max()}
    return pd.concat([t, pd.DataFrame([summe])], ignore_index=True)


def finanzierung(erg: Ergebnisse) -> html.Html:
    """Die Finanzierung des Verbands über den Planungszeitraum: Kosten, Umlage, Anteile, danach."""
    t = finanzierung_tabelle(erg)
    if t.empty:
        return html.hinweis("Der Verband plant keine Maßnahmen; es gibt keine Umlage.")
    u = erg.tabelle(T.VERBAND_UMLAGE)
    rm = erg.tabelle_oder_leer(T.VERBAND_ROADMAP)
    summe = t[t["Jahr"] == "Summe"].iloc[0]
    jahre = t[t["Jahr"] != "Summe"]
    n_mitglieder = u["ags"].nunique()
    ref = set(erg.kommunen.index[erg.kommunen["referenzkommune"]])
    anteile = u.drop_duplicates("ags").set_index("ags")["anteil"]
    anteil_ref = float(anteile[anteile.index.isin(ref)].sum() * 100)
    schl = "nach Einwohnern" if u["schluessel"].iloc[0] == "einwohner" else "zu gleichen Teilen"
    danach = float(rm["kosten_jaehrlich"].sum()) if not rm.empty else 0.0
    groesst = anteile.idxmax()
    name = erg.kommunen["name"].get(groesst, groesst)
    teile = [html.absatz(
        f"Der Verband plant in {anzahl(len(jahre), 'Jahr', 'Jahren')} ({jahre['Jahr'].iloc[0]}–"
        f"{jahre['Jahr'].iloc[-1]}) Kosten von {html.euro(summe['Kosten gesamt'])} "
        f"({html.euro(summe['Kosten einmalig'])} einmalig, {html.euro(summe['Kosten laufend'])} "
        f"laufend) bei einem Rahmen von {html.euro(summe['Rahmen'])}. Die Mitglieder tragen sie "
        f"vollständig über die Umlage, {schl} verteilt auf "
        f"{anzahl(n_mitglieder, 'Mitglied', 'Mitglieder')}: die Referenzkommunen "
        f"{html.zahl(anteil_ref, 1)} % ({html.euro(summe['davon Referenzkommunen'])}), die "
        f"übrigen Mitglieder {html.zahl(100 - anteil_ref, 1)} % "
        f"({html.euro(summe['davon übrige Mitglieder'])}). Den größten Anteil trägt {name} "
        f"({html.zahl(anteile.max() * 100, 1)} %). Höchstens "
        f"{html.zahl(summe['Höchster Anteil am Jahresrahmen eines Mitglieds'], 1)} % des "
        "Jahresrahmens eines Mitglieds gehen in einem Jahr an den Verband."),
        html.tabelle(t, "Finanzierung des Verbands je Jahr (€; Anteil in %)",
                     formate={c: "euro" for c in t.columns[1:8]}
                     | {"Höchster Anteil am Jahresrahmen eines Mitglieds": "zahl1"},
                     zeilenkopf=True)]
    if danach > 0:
        teile.append(html.absatz(
            f"Nach dem Zeitraum bleiben laufende Kosten der umgesetzten Verbandsmaßnahmen von "
            f"{html.euro(danach)} je Jahr, die weiter über die Umlage zu finanzieren sind."))
    return html.Html.verbinden(teile)


# ------------------------------------------------------------------ Kernaussagen


def kernaussagen_liste(erg: Ergebnisse) -> list[str]:
    """Die wichtigsten Befunde als Sätze, jeder aus den Zahlen der Ergebnisse gebildet."""
    saetze: list[str] = []
    k = erg.kommunen
    mindest = mindestgroesse(erg)
    rg = reifegrad_breit(erg)
    namen = feldnamen(erg)
    mitglieder = rg.reindex(k.index[k["mitglied"]]).dropna(how="all")
    welle = next(w for w in erg.studie.wellen if w.id == erg.studie.aktuelle_welle)
    saetze.append(
        f"An der aktuellen Erhebung ({welle.bezeichnung}) haben "
        f"{anzahl(len(rg), 'Kommune', 'Kommunen')} teilgenommen, darunter "
        f"{anzahl(len(mitglieder), 'Mitglied', 'Mitglieder')} des Verbands.")
    if len(mitglieder) >= mindest and "gesamt" in mitglieder:
        felder = mitglieder[[f for f in namen if f != "gesamt" and f in mitglieder]].median()
        schwach, stark = felder.idxmin(), felder.idxmax()
        saetze.append(
            f"Der Median des Gesamtreifegrads der Mitglieder liegt bei "
            f"{html.zahl(mitglieder['gesamt'].median())} von 100 Punkten (alle Kommunen der "
            f"Studie: {html.zahl(rg['gesamt'].median())}). Am weitesten sind sie "
            f"im Handlungsfeld {namen[stark]} (Median {html.zahl(felder[stark])}), den größten "
            f"Nachholbedarf haben sie bei {namen[schwach]} (Median {html.zahl(felder[schwach])}).")
    saetze += _empfehlungen_saetze(erg)
    saetze += _finanzierung_saetze(erg)
    fehlend = ozg_fehlend_tabelle(erg, 1)
    if not fehlend.empty:
        z = fehlend.iloc[0]
        saetze.append(f"OZG: „{z['leistung_name']}“ ist bei {z['nicht_online']} von "
                      f"{z['beantwortet']} Mitgliedern, die sie bewertet haben, noch nicht online.")
    saetze += _personal_saetze(erg)
    return saetze


def _empfehlungen_saetze(erg: Ergebnisse) -> list[str]:
    e = erg.tabelle_oder_leer(T.EMPFEHLUNGEN)
    v = erg.tabelle_oder_leer(T.VERBAND_EMPFEHLUNGEN)
    if e.empty:
        return []
    je = e.groupby("ags").size()
    spanne = f"{je.min()} je Verwaltung" if je.min() == je.max() else \
        f"{je.min()} bis {je.max()} je Verwaltung"
    satz = (f"Für die {anzahl(int(e['ags'].nunique()), 'Referenzkommune', 'Referenzkommunen')}"
            f" gibt es zusammen {anzahl(len(e), 'Handlungsempfehlung', 'Handlungsempfehlungen')}"
            f" ({spanne})")
    f = zusammen_nach_feld_tabelle(erg)
    s = f[f["Handlungsfeld"] == "Summe"].iloc[0]
    if not v.empty:
        satz += (f", dazu {anzahl(len(v), 'Empfehlung', 'Empfehlungen')} für den Verband selbst: "
                 f"zusammen {int(s['Zusammen: Anzahl'])} mit einmaligen Kosten von "
                 f"{html.euro(s['Zusammen: einmalig'])} und laufenden Kosten von "
                 f"{html.euro(s['Zusammen: jährlich'])} je Jahr (jede Maßnahme einmal gezählt)")
    saetze = [satz + "."]
    haeufig = e.groupby("titel")["ags"].nunique().sort_values(ascending=False, kind="stable")
    if len(haeufig) and haeufig.iloc[0] > 1:
        saetze.append(f"Am häufigsten empfohlen: „{haeufig.index[0]}“ "
                      f"(für {haeufig.iloc[0]} von {e['ags'].nunique()} Referenzkommunen).")
    return saetze


def _finanzierung_saetze(erg: Ergebnisse) -> list[str]:
    t = finanzierung_tabelle(erg)
    if t.empty:
        return []
    s = t[t["Jahr"] == "Summe"].iloc[0]
    jahre = t[t["Jahr"] != "Summe"]["Jahr"]
    n = erg.tabelle(T.VERBAND_UMLAGE)["ags"].nunique()
    return [f"Der Verband plant {jahre.iloc[0]}–{jahre.iloc[-1]} Kosten von "
            f"{html.euro(s['Kosten gesamt'])} im Rahmen von {html.euro(s['Rahmen'])}; die "
            f"{anzahl(n, 'Mitglied trägt', 'Mitglieder tragen')} sie über die Umlage, die "
            f"Referenzkommunen davon {html.euro(s['davon Referenzkommunen'])}."]


def _personal_saetze(erg: Ergebnisse) -> list[str]:
    t = personal_mitglieder_tabelle(erg)
    if t.empty:
        return []
    it, geld = t["Lücke (VZÄ)"].fillna(0), t["Lücke (€)"].fillna(0)
    return [f"Von den {anzahl(len(t), 'Mitglied', 'Mitgliedern')} ohne Referenzstatus liegen "
            f"{int((it > 0).sum())} beim IT-Personal unter dem Korridor ihrer Größenklasse "
            f"(zusammen {html.zahl(it.sum(), 1)} VZÄ) und {int((geld > 0).sum())} beim "
            f"Digitalbudget (zusammen {html.euro(geld.sum())} je Jahr)."]


def kernaussagen(erg: Ergebnisse) -> html.Html:
    return html.Html('<div class="kernaussagen">') + html.liste(kernaussagen_liste(erg)) \
        + html.Html("</div>")
