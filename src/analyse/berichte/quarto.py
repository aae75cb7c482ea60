"""Die Berichtswebsite mit Quarto: dieselben Seiten wie der nbconvert-Weg, sicher und offline.

Ablauf (``site``): In einem Arbeitsordner neben ``_site`` entsteht ein Quarto-Website-Projekt
aus der Vorlage ``vorlagen/_quarto.yml``: Kopien der ausgeführten Notebooks mit Front Matter,
``index.qmd`` mit derselben Startseite wie nbconvert, Stil, Sprunglink und die Downloads.
``quarto render`` rendert es; erst danach wird ``<berichte>/_site`` atomar ausgetauscht. Der
Berichtsordner selbst wird nicht verändert.

Warum Texte aus Daten durch ``quarto_text`` gehen: Quarto setzt Titel in Navigation und
``<title>`` teils unmaskiert ein (lodash ``<%= %>``, Pandocs ``title-prefix``) und liest
dieselben Texte als Markdown (Pandoc, Shortcodes). ``quarto_text`` schreibt jedes
ASCII-Satzzeichen als numerische Zeichenreferenz: Als HTML ergibt das nur Text, als Markdown
nur wörtliche Zeichen, und ``{{<`` kann nicht entstehen. Die Berichtsinhalte selbst sind
schon maskiertes HTML (``berichte.html``) und bleiben mit ``html-table-processing: none``
unverändert. Belege zu jeder Entscheidung: ``docs/quarto.md``.
"""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import nbformat
import yaml

from analyse import __version__
from analyse.berichte import barrierefreiheit, glossar, kommune, uebersicht, website
from analyse.dateien import atomar_ordner, besitz_pruefen
from analyse.namen import ABSCHLUSSBERICHT, KOMMUNEN_ORDNER
from analyse.ressourcen import berichtsvorlage

VORLAGE = berichtsvorlage("_quarto.yml")
#: Dateien der Vorlage, die ins Projekt kopiert werden (die Vorlage verweist auf sie).
BEIGABEN = ("bericht.css", "quarto_offline.scss", "quarto_sprung.html")
#: Höchstens so viele Kommunenberichte kommen in den Suchindex (Referenzkommunen zuerst);
#: alle übrigen findet man über die Startseite, die jede Kommune nennt und selbst durchsucht
#: wird. So bleibt ``search.json`` auch mit ``--alle`` und 11.000 Kommunen klein.
SUCHINDEX_BERICHTE = 50
#: Die Erklärung zur Barrierefreiheit als Quarto-Seite (wird zu ``barrierefreiheit.html``).
ERKLAERUNG = barrierefreiheit.DATEI.removesuffix(".html") + ".qmd"

_STEUERZEICHEN = re.compile(r"[\x00-\x1f\x7f]+")


def quarto_text(text: object) -> str:
    """Text aus Daten für alles, was Quarto als Markdown liest oder unmaskiert einsetzt.

    Leerraum wird zu einfachen Leerzeichen (wie HTML ihn zeigt), jedes andere ASCII-Zeichen
    außer Buchstaben und Ziffern wird zu ``&#NN;``. Nicht-ASCII-Zeichen (ä, ß, –) bleiben:
    Markdown, YAML und HTML geben ihnen keine Bedeutung.
    """
    einfach = " ".join(_STEUERZEICHEN.sub(" ", str(text)).split())
    return "".join(c if (c.isalnum() or c == " " or not c.isascii()) else f"&#{ord(c)};"
                   for c in einfach)


def kommunen_titel(erg, kommunen: list[dict]) -> dict[str, str]:
    """Seitentitel je AGS, aus derselben Funktion wie die Überschrift des Berichts."""
    return {k["ags"]: kommune.titel(erg, k["ags"]) for k in kommunen}


def konfiguration(site_titel: str, seiten: list[str], downloads: list[str]) -> dict:
    """``_quarto.yml`` des Projekts: die Vorlage mit Site-Titel, Render-Liste und Downloads."""
    konf = copy.deepcopy(yaml.safe_load(VORLAGE.read_text(encoding="utf-8")))
    konf["website"]["title"] = quarto_text(site_titel)
    # Fußzeile wie auf dem nbconvert-Weg (seite.html.j2); Quarto liest sie als Markdown
    konf["website"]["page-footer"] = {
        "center": quarto_text(f"{site_titel} · erstellt mit analyse {__version__}"),
        "right": [{"text": quarto_text(barrierefreiheit.TITEL), "href": ERKLAERUNG}]}
    konf["project"]["render"] = ["index.qmd", f"{ABSCHLUSSBERICHT}.ipynb", ERKLAERUNG, *seiten]
    konf["project"]["resources"] = list(downloads)
    return konf


def _yaml(daten: dict) -> str:
    """YAML wie Quarto es liest; lange Titel ohne Zeilenumbruch (eine Zeile je Wert)."""
    return yaml.safe_dump(daten, allow_unicode=True, sort_keys=False, width=1_000_000)


def front_matter(titel: str, suche: bool = True) -> str:
    """Front Matter einer Seite: nur ``pagetitle`` (Tab), kein ``title``.

    Ohne ``title`` erzeugt Quarto keinen Titelblock; die einzige h1 ist die des Berichts
    (``kommune.kopf``, ``uebersicht.kopf``), wie auf dem nbconvert-Weg.
    """
    kopf = {"pagetitle": quarto_text(titel), "lang": "de"}
    if not suche:
        kopf["search"] = False
    return "---\n" + _yaml(kopf) + "---"


def notebook_mit_kopf(quelle: Path, titel: str, suche: bool = True) -> str:
    """Das ausgeführte Notebook mit Front Matter in der ersten Rohzelle (als JSON-Text).

    Liegt neben dem Notebook sein PDF (``<name>.pdf``), verlinkt die Seite es gleich oben, wie
    auf dem nbconvert-Weg (der Name ist eine AGS bzw. ``abschlussbericht``, kein freier Text).
    """
    nb = nbformat.read(quelle, as_version=4)
    kopf = front_matter(titel, suche)
    if nb.cells and nb.cells[0].cell_type == "raw":
        nb.cells[0].source = kopf
    else:
        nb.cells.insert(0, nbformat.v4.new_raw_cell(kopf))
    pdf = quelle.with_suffix(".pdf")
    if pdf.is_file() and re.fullmatch(r"[A-Za-z0-9_-]+\.pdf", pdf.name):
        nb.cells.insert(1, nbformat.v4.new_markdown_cell(
            f"[{website.PDF_LINKTEXT}]({pdf.name})"
            "{.fassungen .nur-bildschirm type=\"application/pdf\"}"))
        _glossar_ergaenzen(nb, website.PDF_LINKTEXT)
    return nbformat.writes(nb)


def _glossar_ergaenzen(nb: nbformat.NotebookNode, zusatz: str) -> None:
    """Das Glossar in den Ausgaben des Notebooks erklärt auch ``zusatz`` (wie auf dem nbconvert-Weg)."""
    for zelle in nb.cells:
        for ausgabe in zelle.get("outputs", []):
            daten = ausgabe.get("data", {})
            if "text/html" in daten:
                alt = "".join(daten["text/html"]) if isinstance(daten["text/html"], list) \
                    else daten["text/html"]
                daten["text/html"] = glossar.ergaenzen(alt, zusatz)


def roh_html(inhalt: str) -> str:
    """Ein Pandoc-Rohblock für HTML: Quarto und Pandoc reichen ihn unverändert durch.

    Der Zaun ist länger als jede Backtick-Folge im Inhalt, damit nichts ihn schließt.
    """
    laengste = max((len(m) for m in re.findall(r"`+", inhalt)), default=0)
    zaun = "`" * max(3, laengste + 1)
    return f"{zaun}{{=html}}\n{inhalt}\n{zaun}"


def startseite_qmd(erg, berichte: Path, kommunen: list[dict]) -> str:
    """``index.qmd``: dieselbe Startseite wie auf dem nbconvert-Weg, als Roh-HTML."""
    inhalt, skript = website.startseite_inhalt(erg, berichte, kommunen)
    if skript:
        inhalt += f"\n<script>{skript}</script>"
    kopf = "---\n" + _yaml({"pagetitle": quarto_text(website.STARTSEITE), "lang": "de",
                             "toc": False}) + "---"
    return f"{kopf}\n\n{roh_html(inhalt)}\n"


def erklaerung_qmd(erg, downloads: list[str]) -> str:
    """``barrierefreiheit.qmd``: dieselbe Erklärung wie auf dem nbconvert-Weg, als Roh-HTML."""
    inhalt = barrierefreiheit.inhalt(erg.studie, downloads, quarto=True)
    kopf = "---\n" + _yaml({"pagetitle": quarto_text(barrierefreiheit.TITEL), "lang": "de",
                             "toc": False}) + "---"
    return f"{kopf}\n\n{roh_html(str(inhalt))}\n"


def suchbar(kommunen: list[dict]) -> dict[str, bool]:
    """Welche Kommunenberichte in den Suchindex kommen: die ersten ``SUCHINDEX_BERICHTE`` der
    Liste (``website.kommunenliste`` stellt Referenzkommunen voran)."""
    return {k["ags"]: i < SUCHINDEX_BERICHTE for i, k in enumerate(kommunen)}


def projekt_schreiben(erg, berichte: Path, ziel: Path) -> dict:
    """Schreibt das Quarto-Projekt nach ``ziel`` und gibt seine Konfiguration zurück."""
    kommunen = website.kommunenliste(erg, berichte)
    downloads = website.downloads(berichte, kommunen)
    seiten = [f"kommunen/{k['ags']}.ipynb" for k in kommunen]
    konf = konfiguration(erg.studie.titel, seiten, downloads)
    (ziel / KOMMUNEN_ORDNER).mkdir(parents=True, exist_ok=True)
    (ziel / "_quarto.yml").write_text(_yaml(konf), encoding="utf-8")
    (ziel / "index.qmd").write_text(startseite_qmd(erg, berichte, kommunen), encoding="utf-8")
    (ziel / ERKLAERUNG).write_text(erklaerung_qmd(erg, downloads), encoding="utf-8")
    for name in BEIGABEN:
        shutil.copy2(berichtsvorlage(name), ziel / name)
    (ziel / f"{ABSCHLUSSBERICHT}.ipynb").write_text(
        notebook_mit_kopf(berichte / f"{ABSCHLUSSBERICHT}.ipynb", uebersicht.titel(erg)),
        encoding="utf-8")
    titel, suche = kommunen_titel(erg, kommunen), suchbar(kommunen)
    for k, seite in zip(kommunen, seiten, strict=True):
        (ziel / seite).write_text(notebook_mit_kopf(berichte / seite, titel[k["ags"]],
                                                    suche[k["ags"]]), encoding="utf-8")
    for datei in downloads:
        shutil.copy2(berichte / datei, ziel / datei)
    return konf


def site(erg, berichte: Path) -> Path:
    """Rendert ``<berichte>/_site`` mit Quarto; die alte Site bleibt, bis die neue fertig ist."""
    website.pruefen_ob_berichte_da(berichte)
    besitz_pruefen(berichte / "_site")  # vor dem Rendern scheitern, nicht erst beim Tausch
    arbeit = Path(tempfile.mkdtemp(dir=berichte, prefix=".quarto-"))
    try:
        projekt_schreiben(erg, berichte, arbeit)
        subprocess.run(["quarto", "render", str(arbeit)], check=True, cwd=arbeit)
        ziel = berichte / "_site"
        with atomar_ordner(ziel) as tmp:
            shutil.copytree(arbeit / "_site", tmp, dirs_exist_ok=True)
        return ziel
    finally:
        shutil.rmtree(arbeit, ignore_errors=True)
