"""Berichtsabschnitte zu den Arbeitshilfen: Selbstauskunft anbieten, Einordnung kennzeichnen."""

from __future__ import annotations

from pathlib import Path

from analyse.berichte import barrierefreiheit, html
from analyse.dateien import atomar_schreiben
from analyse.ergebnisse.speicher import Ergebnisse

#: Dateiname des Arbeitsbuchs auf der Website (neben ``index.html`` und dem Abschlussbericht).
SELBSTAUSKUNFT_DATEI = "selbstauskunft.xlsx"


def selbstauskunft_saetze(verband: str) -> tuple[str, str]:
    """Die zwei Sätze, wie ein Mitglied zu seinem Bericht kommt (Startseite und Abschlussbericht)."""
    stelle = verband or "die auswertende Stelle"
    return (f"Mitglieder, die nicht Referenzkommune waren, füllen das Arbeitsbuch in Excel oder "
            f"LibreOffice aus und senden es an {stelle}.",
            "Dort entsteht mit einem Befehl (analyse einordnen) ihr eigener Bericht mit "
            "Reifegrad, Vergleich, Kommunentyp, Empfehlungen und Roadmap, eingeordnet in diese "
            "Studie, ohne deren Ergebnisse zu verändern.")


def selbstauskunft(erg: Ergebnisse, ziel: str = SELBSTAUSKUNFT_DATEI) -> html.Html:
    """Link auf das Arbeitsbuch und zwei Sätze zum Weg zum eigenen Bericht."""
    erster, zweiter = selbstauskunft_saetze(erg.studie.verband)
    return html.Html.verbinden([
        html.Html("<p>") + html.link(ziel, "Selbstauskunft herunterladen") + html.Html(
            f" (Excel-Arbeitsbuch, {html.text(ziel)})</p>"),
        html.absatz(f"{erster} {zweiter}"),
    ])


def einordnung_hinweis(erg: Ergebnisse, ags: str) -> html.Html:
    """Hinweis im Kommunenbericht, wenn er aus einer Selbstauskunft stammt (sonst leer)."""
    e = erg.modell.einordnung
    if e is None or e.ags != str(ags):
        return html.Html()
    n = int((erg.kommunen.index != str(ags)).sum())
    return html.hinweis(
        f"Dieser Bericht beruht auf einer Selbstauskunft ({e.quelle}). Die Kommune wurde mit "
        f"dem gespeicherten Modell der Studie „{erg.studie.titel}“ eingeordnet: Reifegrad, Typ "
        f"und Empfehlungen folgen denselben Regeln wie für die {n} Kommunen der Studie, deren "
        "Ergebnisse dadurch nicht verändert werden. Vergleichswerte sind Mediane der Studie "
        "(mit der eigenen Kommune).")


def uebersicht(erg: Ergebnisse, eintraege: list[dict], fehler: dict[str, str]) -> html.Html:
    """Inhalt der Übersichtsseite eines Einordnungslaufs: Berichte und Fehler je Datei."""
    teile = [html.ueberschrift(f"Selbstauskünfte, eingeordnet in „{erg.studie.titel}“", 1),
             # Ziel des Navigationspunkts „Kommunenberichte“ (index.html#kommunen)
             html.Html('<p id="kommunen">' + html.text(
                 f"{len(eintraege)} Kommune{'n' if len(eintraege) != 1 else ''} "
                 f"eingeordnet, {len(fehler)} Datei{'en' if len(fehler) != 1 else ''} "
                 "mit Fehlern. Die Ergebnisse der Studie bleiben unverändert.") + "</p>")]
    if eintraege:
        zeilen = []
        for e in eintraege:
            name = (html.link(f"kommunen/{e['ags']}.html", e["name"]) if e["bericht"]
                    else html.Html(html.text(e["name"])))
            downloads = [html.link(f"kommunen/{e['ags']}.xlsx", f"{e['ags']}.xlsx")]
            if e.get("pdf"):
                downloads.append(html.link(f"kommunen/{e['ags']}.pdf", f"{e['ags']}.pdf"))
            zeilen.append(f'<tr><th scope="row">{name}</th><td>{html.text(e["ags"])}</td>'
                          f"<td>{html.text(e['quelle'])}</td>"
                          f"<td>{' · '.join(str(d) for d in downloads)}</td></tr>")
        teile.append(html.Html(
            '<div class="tabelle-rahmen" role="region" tabindex="0" aria-label="Berichte je '
            'Kommune"><table class="tabelle"><caption>Berichte je Kommune</caption><thead><tr>'
            '<th scope="col">Kommune</th><th scope="col">AGS</th><th scope="col">Datei</th>'
            '<th scope="col">Downloads (Excel: Maßnahmen und Roadmap; PDF)</th></tr></thead><tbody>'
            + "".join(zeilen) + "</tbody></table></div>"))
    if fehler:
        teile.append(html.ueberschrift("Dateien mit Fehlern", 2))
        for datei, text in fehler.items():
            teile += [html.ueberschrift(datei, 3),
                      html.Html("<pre>" + html.text(text) + "</pre>")]
    return html.Html.verbinden(teile)


def uebersicht_schreiben(erg: Ergebnisse, ausgabe: Path, eintraege: list[dict],
                         fehler: dict[str, str]) -> Path:
    """Schreibt ``<ausgabe>/index.html`` und den Stil daneben (atomar)."""
    from analyse.berichte import website

    ziel = Path(ausgabe) / "index.html"
    atomar_schreiben(ziel, website.seite("Selbstauskünfte", str(uebersicht(erg, eintraege, fehler)),
                                         erg.studie.titel, aktiv="index", abschlussbericht=False))
    for stil in ("bericht.css", "druck.css"):
        atomar_schreiben(Path(ausgabe) / stil, (website.VORLAGEN / stil).read_text(encoding="utf-8"))
    # Die Navigation jeder Seite verlinkt die Erklärung zur Barrierefreiheit
    downloads = [f"kommunen/{e['ags']}.{endung}" for e in eintraege for endung in ("xlsx", "pdf")
                 if endung == "xlsx" or e.get("pdf")]
    atomar_schreiben(Path(ausgabe) / barrierefreiheit.DATEI,
                     website.erklaerung(erg, downloads, abschlussbericht=False))
    return ziel
