"""Die Berichtswebsite: Quarto, wo installiert, sonst nbconvert.

Beide Wege veröffentlichen dieselben ausgeführten Notebooks aus dem Berichtsordner, dieselbe
Startseite (``startseite_inhalt``) und dieselben Downloads (``downloads``):

- Quarto: ``analyse.berichte.quarto`` baut daraus ein Website-Projekt und rendert es.
- nbconvert: jede Seite wird schon im Batch-Worker mit ``notebook_html``
  exportiert (``<berichte>/html/``); hier werden nur Startseite, Stil und
  Downloads ergänzt und die Site atomar ausgetauscht.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
from importlib import resources
from pathlib import Path

import jinja2
import nbformat
from nbconvert import HTMLExporter

from analyse import __version__
from analyse.berichte import arbeitshilfen, barrierefreiheit, glossar
from analyse.berichte import pdf as pdf_modul
from analyse.berichte import startseite as startseite_daten
from analyse.dateien import atomar_ordner
from analyse.ergebnisse import speicher as ergebnisse
from analyse.namen import (
    ABSCHLUSSBERICHT,
    BERICHTSLAUF,
    BERICHTSLAUF_KOMMUNEN,
    KOMMUNEN_ORDNER,
)

VORLAGEN = resources.files("analyse.berichte") / "vorlagen"
STARTSEITE = "Übersicht"  # Titel der Startseite (Tab) auf beiden Wegen

_umgebung = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined,
                               keep_trailing_newline=True)


@functools.cache
def _vorlage(name: str) -> jinja2.Template:
    return _umgebung.from_string((VORLAGEN / name).read_text(encoding="utf-8"))


#: Text des Links auf die PDF-Fassung (nbconvert- und Quarto-Weg); sein "PDF" erklärt das Glossar.
PDF_LINKTEXT = "Diesen Bericht als PDF herunterladen (A4, zum Drucken)"


def seite(titel: str, inhalt: str, site_titel: str, wurzel: str = "", aktiv: str = "",
          skript: str = "", pdf: str | None = None, abschlussbericht: bool = True) -> str:
    """Eine vollständige HTML-Seite (``lang="de"``); ``inhalt`` ist bereits sicheres HTML.

    Gedruckt (und als PDF) gilt ``druck.css`` mit einer Kopfzeile aus Titel und Studie;
    ``pdf`` verlinkt die PDF-Fassung der Seite (relativ zur Seite). ``abschlussbericht=False``:
    die Site hat keinen (Ausgabe von ``analyse einordnen``), die Navigation verlinkt ihn nicht."""
    return _vorlage("seite.html.j2").render(
        titel=titel, inhalt=inhalt, site_titel=site_titel, wurzel=wurzel, aktiv=aktiv,
        skript=skript, version=__version__, pdf=pdf, pdf_linktext=PDF_LINKTEXT,
        erklaerung=barrierefreiheit.DATEI,
        abschlussbericht=abschlussbericht,
        kopfzeile_css=pdf_modul.kopfzeile_css(pdf_modul.kopfzeile(titel, site_titel)))


@functools.cache
def _exporter() -> HTMLExporter:
    """Ein Exporter je Prozess: Vorlagen und Filter aufzubauen kostet mehr als der Export."""
    exporter = HTMLExporter(template_name="basic")
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.exclude_raw = True  # Front Matter für Quarto gehört nicht auf die Seite
    exporter.anchor_link_text = ""
    return exporter


_ANKER = re.compile(r'<a class="anchor-link" href="#[^"]*">[^<]*</a>')
_H2 = re.compile(r'<h2 id="([^"]+)"[^>]*>(.*?)</h2>', re.S)


def inhaltsverzeichnis(body: str) -> str:
    """Setzt ein Inhaltsverzeichnis der Abschnitte (h2) vor den zweiten Abschnitt.

    So steht „Das Wichtigste“ ganz oben und gleich danach der Weg zu allem anderen. Die
    Überschriften sind schon maskiert (nbconvert); ihr Text wird ohne Tags übernommen.
    Der Quarto-Weg hat sein eigenes Inhaltsverzeichnis (``toc: true``).
    """
    abschnitte = list(_H2.finditer(body))
    if len(abschnitte) < 3:
        return body
    punkte = "".join(f'<li><a href="#{m.group(1)}">{re.sub(r"<[^>]+>", "", m.group(2))}</a></li>'
                     for m in abschnitte)
    nav = (f'<nav class="inhaltsverzeichnis" aria-labelledby="inhalt-titel">'
           f'<h2 id="inhalt-titel">Inhalt</h2><ol>{punkte}</ol></nav>')
    zweiter = abschnitte[1].start()
    return body[:zweiter] + nav + body[zweiter:]


def notebook_html(nb: nbformat.NotebookNode, auftrag) -> str:
    """Exportiert ein ausgeführtes Berichtsnotebook als Seite der Website (im Prozess).

    Seiten unter ``kommunen/`` verlinken eine Ebene höher zur Startseite.
    """
    body, _ = _exporter().from_notebook_node(nb)
    body = _ANKER.sub("", body)  # leere Ankerlinks an Überschriften: Links ohne Text (WCAG 2.4.4)
    body = inhaltsverzeichnis(body)
    unterordner = Path(auftrag.ziel_html).parent.name == KOMMUNEN_ORDNER
    # Das PDF liegt auf der Site neben der Seite (kommunen/<AGS>.pdf, abschlussbericht.pdf).
    ziel_pdf = getattr(auftrag, "ziel_pdf", None)
    # Der Ergebnisordner steht im Auftrag (so wie die Pipeline ihn übergab), nicht in den
    # Metadaten, die papermill ins Notebook schreibt.
    erg = _ergebnisse(auftrag.parameter.get("ergebnisse"))
    if ziel_pdf:
        body = glossar.ergaenzen(body, PDF_LINKTEXT)
    return seite(titel=auftrag.titel, inhalt=body,
                 site_titel=erg.studie.titel if erg else "Digitalisierungsberichte",
                 wurzel="../" if unterordner else "",
                 aktiv=ABSCHLUSSBERICHT if auftrag.name == ABSCHLUSSBERICHT else "",
                 pdf=Path(ziel_pdf).name if ziel_pdf else None,
                 # Ein eingeordneter Bericht liegt auf einer Site ohne Abschlussbericht
                 abschlussbericht=erg is None or erg.modell.einordnung is None)


def _ergebnisse(ergebnisse_ordner: str | None):
    """Die Ergebnisse des Berichts (Titel der Website, Einordnung oder Studie)."""
    if ergebnisse_ordner:
        try:
            return ergebnisse.laden(ergebnisse_ordner)
        except FileNotFoundError:
            pass
    return None


def quarto_verfuegbar() -> bool:
    return shutil.which("quarto") is not None


def kommunenliste(erg, berichte: Path) -> list[dict]:
    """Die Kommunen des letzten Berichtslaufs, deren Bericht vorliegt (Zeilen der Startseite,
    Referenzkommunen zuerst)."""
    lauf = berichte / BERICHTSLAUF
    gewuenscht = set(json.loads(lauf.read_text(encoding="utf-8"))[BERICHTSLAUF_KOMMUNEN]) if lauf.exists() \
        else None
    vorhanden = {p.stem for p in (berichte / KOMMUNEN_ORDNER).glob("*.ipynb")}
    if gewuenscht is not None:
        vorhanden &= gewuenscht
    ags_liste = [a for a in erg.kommunen.index if a in vorhanden]
    return startseite_daten.zeilen(erg, ags_liste, berichte)


def startseite_inhalt(erg, berichte: Path, kommunen: list[dict]) -> tuple[str, str]:
    """Inhalt der Startseite (sicheres HTML) und ihr Skript zum Filtern und Sortieren.

    Was sie anbietet, liest sie aus dem Berichtsordner (liegt das Arbeitsbuch bei, wird es mit
    zwei Sätzen angeboten); so zeigen nbconvert- und Quarto-Weg dieselbe Startseite.
    """
    selbstauskunft = (berichte / arbeitshilfen.SELBSTAUSKUNFT_DATEI).is_file()
    abschluss_pdf = (berichte / "abschlussbericht.pdf").is_file()
    inhalt = _vorlage("index.html.j2").render(
        titel=erg.studie.titel, verband=erg.studie.verband, stand=startseite_daten.stand(erg),
        eckdaten=startseite_daten.eckdaten(erg, len(kommunen)), kommunen=kommunen,
        filter=len(kommunen) > 12, mit_typ=any(k["typ"] for k in kommunen),
        # Die Marke unterscheidet nur, wo die Liste auch andere Kommunen enthält (--alle).
        mit_marke=len({k["referenzkommune"] for k in kommunen}) > 1,
        abschluss_pdf=abschluss_pdf,
        selbstauskunft=arbeitshilfen.SELBSTAUSKUNFT_DATEI if selbstauskunft else None,
        selbstauskunft_saetze=arbeitshilfen.selbstauskunft_saetze(erg.studie.verband))
    skript = (VORLAGEN / "filter.js").read_text(encoding="utf-8")
    return inhalt, skript


def startseite(erg, berichte: Path, kommunen: list[dict]) -> str:
    inhalt, skript = startseite_inhalt(erg, berichte, kommunen)
    return seite(STARTSEITE, inhalt, erg.studie.titel, aktiv="index", skript=skript)


def erklaerung(erg, downloads_der_site: list[str], abschlussbericht: bool = True) -> str:
    """Die Seite „Erklärung zur Barrierefreiheit“ (nbconvert-Weg und Einordnung)."""
    inhalt = barrierefreiheit.inhalt(erg.studie, downloads_der_site)
    return seite(barrierefreiheit.TITEL, str(inhalt), erg.studie.titel, aktiv="barrierefreiheit",
                 abschlussbericht=abschlussbericht)


def downloads(berichte: Path, kommunen: list[dict]) -> list[str]:
    """Die Downloads der Site (relativ zum Berichtsordner), die vorliegen: je Kommune XLSX und
    PDF, dazu das PDF des Abschlussberichts, das Arbeitsbuch zur Selbstauskunft und der
    Verbandsplan (``verband.xlsx``, vom Abschlussbericht verlinkt). Beide Wege veröffentlichen
    genau diese Dateien."""
    kandidaten = [f"kommunen/{k['ags']}.{endung}" for k in kommunen for endung in ("xlsx", "pdf")]
    kandidaten += [f"{ABSCHLUSSBERICHT}.pdf", arbeitshilfen.SELBSTAUSKUNFT_DATEI, "verband.xlsx"]
    return [d for d in kandidaten if (berichte / d).is_file()]


def pruefen_ob_berichte_da(berichte: Path) -> None:
    if not (berichte / f"{ABSCHLUSSBERICHT}.ipynb").exists():
        raise FileNotFoundError(f"Keine Berichte in {berichte}: zuerst 'analyse berichte' "
                                "ausführen.")


def nbconvert_site(erg, berichte: Path) -> Path:
    """Baut ``<berichte>/_site`` aus den im Batch exportierten Seiten (atomar).

    Nur die Seiten des letzten Berichtslaufs kommen auf die Site; ältere (etwa aus einem
    früheren ``--alle``-Lauf) bleiben im Berichtsordner, werden aber nicht veröffentlicht.
    """
    pruefen_ob_berichte_da(berichte)
    site = berichte / "_site"
    quelle = berichte / "html"
    kommunen = kommunenliste(erg, berichte)
    with atomar_ordner(site) as tmp:
        (tmp / KOMMUNEN_ORDNER).mkdir()
        shutil.copy2(quelle / f"{ABSCHLUSSBERICHT}.html", tmp / f"{ABSCHLUSSBERICHT}.html")
        for k in kommunen:
            seite_html = quelle / KOMMUNEN_ORDNER / f"{k['ags']}.html"
            if seite_html.exists():
                shutil.copy2(seite_html, tmp / KOMMUNEN_ORDNER / seite_html.name)
        for datei in downloads(berichte, kommunen):
            shutil.copy2(berichte / datei, tmp / datei)
        for stil in ("bericht.css", pdf_modul.DRUCK_CSS):
            shutil.copy2(str(VORLAGEN / stil), tmp / stil)
        (tmp / "index.html").write_text(startseite(erg, berichte, kommunen), encoding="utf-8")
        (tmp / barrierefreiheit.DATEI).write_text(
            erklaerung(erg, downloads(berichte, kommunen)), encoding="utf-8")
    return site


def bauen(erg, berichte: Path, quarto: bool | None = None) -> Path:
    """Rendert die Website; ``quarto=None`` wählt Quarto, wenn es installiert ist."""
    if quarto is None:
        quarto = quarto_verfuegbar()
    if not quarto:
        return nbconvert_site(erg, berichte)
    from analyse.berichte import quarto as quarto_weg  # baut auf diesem Modul auf

    return quarto_weg.site(erg, berichte)
