"""PDF je Bericht: A4, getaggt, Sprache und Titel, Kopfzeile und Seitenzahlen, nichts abgeschnitten.

Die PDFs druckt ein warmer Headless-Chromium (``analyse.batch.browser``). Wo Chromium fehlt,
überspringen die Tests, die ein PDF brauchen, mit Grund; CI installiert es (``.ci/run``).
"""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from analyse.batch import browser
from analyse.berichte import pdf as pdf_modul
from analyse.berichte import website

pypdf = pytest.importorskip("pypdf", reason="pypdf fehlt (Entwicklungsabhängigkeit)")

braucht_chromium = pytest.mark.skipif(
    not browser.verfuegbar(),
    reason="Chromium fehlt (Debian: apt-get install chromium); PDFs entstehen nur mit Chromium")

A4 = (595, 842)  # Punkte, gerundet
SPALTEN = ["Rang", "Maßnahme", "Handlungsfeld", "Weg", "Begründung", "Dauer (Monate)",
           "Aufwand (PT)", "Einmalig", "Jährlich", "OZG"]


def _breite_seite(zeilen: int = 12) -> str:
    """Eine Berichtsseite mit einer breiten Maßnahmentabelle (10 Spalten, langer Fließtext)."""
    kopf = "".join(f'<th scope="col">{s}</th>' for s in SPALTEN)
    koerper = "".join(
        f"<tr><td>{i}</td><td>Digitalisierungskoordinator/in Nummer {i}</td>"
        f"<td>Strategie &amp; Steuerung</td><td>über den Verband ab 2027 Q4</td>"
        f"<td>{'Der Reifegrad liegt unter dem Zielwert der Größenklasse. ' * 6}</td>"
        f"<td>6</td><td>3</td><td>{i}1.234 €</td><td>{i}97 €</td><td>ja</td></tr>"
        for i in range(1, zeilen + 1))
    tabelle = (f'<div class="tabelle-rahmen"><table class="tabelle"><caption>Maßnahmen</caption>'
               f"<thead><tr>{kopf}</tr></thead><tbody>{koerper}</tbody></table></div>")
    inhalt = ('<h1>Ostsberg: Digitalisierungsbericht</h1><details><summary>Mehr</summary>'
              '<p>Aufgeklappter Text</p></details>' + tabelle)
    return website.seite("Ostsberg: Digitalisierungsbericht", inhalt, "Studie <Musterverband>",
                         wurzel="../", pdf="99001007.pdf")


def _text(leser) -> str:
    return "\n".join(s.extract_text() or "" for s in leser.pages)


def _ohne_leerraum(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _groesse(seite) -> tuple[int, int]:
    return round(float(seite.mediabox.width)), round(float(seite.mediabox.height))


def pdf_pruefen(daten: bytes | Path, titel_enthaelt: str) -> object:
    """A4 (hoch oder quer), getaggt (StructTreeRoot, MarkInfo), /Lang de, Titel, Seitenzahlen."""
    leser = pypdf.PdfReader(io.BytesIO(daten) if isinstance(daten, bytes) else daten)
    katalog = leser.trailer["/Root"]
    for seite in leser.pages:
        assert _groesse(seite) in (A4, A4[::-1]), _groesse(seite)
    assert _groesse(leser.pages[0]) == A4
    assert "/StructTreeRoot" in katalog
    assert bool(katalog["/MarkInfo"]["/Marked"])
    assert str(katalog["/Lang"]).lower().startswith("de")
    assert titel_enthaelt in str(leser.metadata.title)
    assert bool(katalog["/ViewerPreferences"]["/DisplayDocTitle"])
    n = len(leser.pages)
    assert f"Seite {n} von {n}" in leser.pages[-1].extract_text()
    return leser


# --------------------------------------------------------------------- Druckfassung (ohne Browser)

def test_css_text_kann_weder_zeichenkette_noch_style_beenden():
    wert = pdf_modul.css_text('Böse "Kommune" </style><script>\\')
    innen = wert[1:-1]
    assert wert.startswith('"') and wert.endswith('"')
    assert '"' not in innen and "<" not in innen and ">" not in innen
    assert "\\22 " in innen and "Böse" in innen


def test_kopfzeile_nennt_bericht_und_studie_ohne_wiederholung():
    assert pdf_modul.kopfzeile("Ostsberg: Digitalisierungsbericht", "Studie") == \
        "Ostsberg: Digitalisierungsbericht · Studie"
    assert pdf_modul.kopfzeile("Abschlussbericht: Studie", "Studie") == "Abschlussbericht: Studie"


def test_druckfassung_ist_in_sich_geschlossen():
    seite = _breite_seite()
    assert 'href="../druck.css" media="print"' in seite  # Druck-CSS auch für die Website
    assert 'href="99001007.pdf"' in seite  # die Seite verlinkt ihr PDF
    druck = pdf_modul.druckfassung(seite)
    assert "<link" not in druck  # Stile eingebettet: keine Datei, keine Anfrage
    assert "@page" in druck and "counter(pages)" in druck
    assert "<details open" in druck
    # die Fließtextspalte der breiten Tabelle ist markiert (Querformat, meister Platz)
    assert '<th class="druck-fliesstext" scope="col">Begründung</th>' in druck
    assert not re.search(r"https?://", druck)


def test_pdf_titel_ohne_doppelte_studie():
    abschluss = website.seite("Abschlussbericht: Studie &amp; Co", "<h1>A</h1>", "Studie &amp; Co")
    assert "<title>Abschlussbericht: Studie &amp;amp; Co</title>" in \
        pdf_modul.druckfassung(abschluss)
    kommune = website.seite("Ort: Digitalisierungsbericht", "<h1>A</h1>", "Studie")
    assert "<title>Ort: Digitalisierungsbericht – Studie</title>" in pdf_modul.druckfassung(kommune)


def test_schmale_tabelle_bleibt_unmarkiert():
    tabelle = ('<table class="tabelle"><thead><tr><th>A</th><th>B</th></tr></thead><tbody>'
               f"<tr><td>{'x ' * 200}</td><td>1</td></tr></tbody></table>")
    assert "druck-fliesstext" not in pdf_modul.druckfassung(tabelle)


# -------------------------------------------------------------------------- PDF im Browser

@braucht_chromium
def test_breite_tabelle_passt_und_pdf_ist_getaggt():
    try:
        daten = browser.pdf(pdf_modul.druckfassung(_breite_seite()))
    finally:
        browser.alle_beenden()
    leser = pdf_pruefen(daten, "Ostsberg")
    text = _text(leser)
    flach = _ohne_leerraum(text)
    # Chromium lässt abgeschnittene Zeichen weg: Was rechts über die Seite ragte, fehlte hier
    for spalte in SPALTEN:  # alle Spaltenköpfe, auch die rechts außen
        assert _ohne_leerraum(spalte) in flach, spalte
    for i in range(1, 13):
        assert _ohne_leerraum(f"{i}1.234 €") in flach and _ohne_leerraum(f"{i}97 €") in flach
    assert "Aufgeklappter Text" in text
    # laufende Kopfzeile: Bericht und Studie (Text aus Daten, maskiert und wieder lesbar)
    assert "Ostsberg: Digitalisierungsbericht · Studie <Musterverband>" in text
    assert "Zum Inhalt springen" not in text and "Hauptnavigation" not in text
    assert any(_groesse(s) == A4[::-1] for s in leser.pages)  # die breite Tabelle: quer


@braucht_chromium
def test_browser_endet_mit_seinem_worker(tmp_path):
    """Kein Waise: Stirbt der Worker (SIGKILL), endet sein Chromium mit ihm."""
    psutil = pytest.importorskip("psutil")
    skript = ("import sys, time\nfrom analyse.batch import browser\n"
              "b = browser.browser_fuer_thread(); b.starten()\n"
              "print(b.prozess.pid, flush=True)\ntime.sleep(120)\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    worker = subprocess.Popen([sys.executable, "-c", skript], stdout=subprocess.PIPE, text=True,
                              env=env)
    try:
        chromium_pid = int(worker.stdout.readline())
        gruppe = [p for p in psutil.process_iter(["pid"]) if _gruppe(p) == chromium_pid]
        assert gruppe, "Chromium lief nicht"
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
        frist = time.monotonic() + 15
        while time.monotonic() < frist and any(_lebt(p) for p in gruppe):
            time.sleep(0.2)
        assert not [p.pid for p in gruppe if _lebt(p)]
        # sein Profilordner bleibt zurück und verschwindet beim nächsten Start eines Browsers
        reste = list(Path(tempfile.gettempdir()).glob(f"analyse-browser-{worker.pid}-*"))
        assert reste
        browser.reste_entfernen()
        assert not any(r.exists() for r in reste)
    finally:
        if worker.poll() is None:
            worker.kill()


def _gruppe(p) -> int | None:
    try:
        return os.getpgid(p.pid)
    except OSError:
        return None


def _lebt(p) -> bool:
    try:
        return p.is_running() and p.status() != "zombie"
    except Exception:
        return False


# ---------------------------------------------------------------- im Batch: inkrementell

def _auftrag(ordner: Path, name: str, **kw):
    from analyse.batch import Auftrag

    vorlage = Path(__file__).parent / "batch" / "fixtures" / "bericht.ipynb"
    return Auftrag(name=name, titel=f"Bericht {name}", vorlage=vorlage,
                   parameter={"ags": "05999001"}, ziel_ipynb=ordner / f"{name}.ipynb",
                   ziel_html=ordner / f"{name}.html", **kw)


@pytest.fixture
def aufraeumen():
    from analyse.batch.kernel import alle_beenden

    yield
    alle_beenden()
    browser.alle_beenden()


@braucht_chromium
def test_batch_druckt_pdf_und_baut_es_neu_wenn_es_fehlt(tmp_path, aufraeumen):
    from rich.console import Console

    from analyse import batch

    a = _auftrag(tmp_path, "b1", ziel_pdf=tmp_path / "b1.pdf")
    z = batch.ausfuehren([a], parallel=1, fortschritt=False)
    assert z.erstellt == ["b1"] and set(z.pdf_sekunden) == {"b1"}
    console = Console(record=True, width=200)
    batch.zusammenfassung_drucken(z, console)
    assert "1 PDF gedruckt" in console.export_text()
    pdf_pruefen(a.ziel_pdf, "Bericht b1")
    assert 'href="b1.pdf"' in a.ziel_html.read_text(encoding="utf-8")

    z = batch.ausfuehren([a], parallel=1, fortschritt=False)
    assert z.uebersprungen == ["b1"]
    a.ziel_pdf.unlink()  # fehlt das PDF, ist der Bericht nicht aktuell
    z = batch.ausfuehren([a], parallel=1, fortschritt=False)
    assert z.erstellt == ["b1"] and a.ziel_pdf.is_file()

    # ohne PDF (etwa Chromium deinstalliert): das eigene, nun veraltete PDF verschwindet
    ohne = _auftrag(tmp_path, "b1")
    z = batch.ausfuehren([ohne], parallel=1, fortschritt=False)
    assert z.erstellt == ["b1"] and not a.ziel_pdf.exists()
    assert 'href="b1.pdf"' not in ohne.ziel_html.read_text(encoding="utf-8")


# ------------------------------------------------------------- der ganze Lauf (Demostudie)

def _euro(wert) -> str:
    from analyse.zahlen import euro

    return euro(wert)


@pytest.mark.langsam
@braucht_chromium
def test_jedes_pdf_nennt_titel_und_kosten_jeder_massnahme(lauf):
    from analyse.ergebnisse import speicher
    from analyse.namen import Tabelle

    berichte = lauf["ausgabe"] / "berichte"
    site = berichte / "_site"
    erg = speicher.laden(lauf["ausgabe"] / "ergebnisse")
    empfehlungen = erg.tabelle(Tabelle.EMPFEHLUNGEN)
    pdfs = sorted((site / "kommunen").glob("*.pdf"))
    assert pdfs, "keine PDFs auf der Site"
    index = (site / "index.html").read_text(encoding="utf-8")
    for datei in pdfs:
        ags = datei.stem
        name = erg.kommunen.loc[ags, "name"]
        leser = pdf_pruefen(datei, "Digitalisierungsbericht")
        flach = _ohne_leerraum(_text(leser))
        for spalte in SPALTEN:
            assert _ohne_leerraum(spalte) in flach, (ags, spalte)
        for _, m in empfehlungen[empfehlungen["ags"] == ags].iterrows():
            for teil in (m["titel"], _euro(m["kosten_einmalig"]), _euro(m["kosten_jaehrlich"])):
                assert _ohne_leerraum(teil) in flach, (ags, teil)
        kopf = leser.pages[1].extract_text()
        assert _ohne_leerraum(f"{name}: Digitalisierungsbericht · {erg.studie.titel}") in \
            _ohne_leerraum(kopf)
        seite_html = (site / "kommunen" / f"{ags}.html").read_text(encoding="utf-8")
        assert f'href="{ags}.pdf"' in seite_html
        assert f'href="kommunen/{ags}.pdf"' in index
    pdf_pruefen(site / "abschlussbericht.pdf", "Abschlussbericht")
    assert 'href="abschlussbericht.pdf"' in index
    assert 'href="abschlussbericht.pdf"' in (site / "abschlussbericht.html").read_text("utf-8")


@pytest.mark.langsam
@braucht_chromium
def test_einordnen_legt_das_pdf_neben_den_bericht(lauf, tmp_path):
    """Issue 14: ``einordnen`` schreibt den Bericht auch als PDF, wo die Site PDFs hat."""
    from hilfen import analyse_lauf

    from analyse.ergebnisse import speicher

    erg = speicher.laden(lauf["ausgabe"] / "ergebnisse")
    ags = next(a for a in erg.kommunen.index if not erg.kommunen.loc[a, "referenzkommune"])
    a = erg.tabelle("antworten")
    zeile = a[(a["ags"] == ags) & (a["welle"] == erg.studie.aktuelle_welle)].copy()
    for i in erg.fragebogen.items:
        zeile[i.id] = zeile[i.id].map(lambda v: "" if v != v else f"{v:.15g}")
    zeile.drop(columns="welle").to_csv(tmp_path / "zeile.csv", index=False)
    ausgabe = tmp_path / "einordnung"
    ergebnis = analyse_lauf("einordnen", "--daten", str(lauf["daten"]), "--ergebnisse",
                            str(lauf["ausgabe"] / "ergebnisse"), "--antwort",
                            str(tmp_path / "zeile.csv"), "--ausgabe", str(ausgabe),
                            cwd=lauf["basis"])
    assert ergebnis.returncode == 0, ergebnis.stdout + ergebnis.stderr
    pdf_pruefen(ausgabe / "kommunen" / f"{ags}.pdf", erg.kommunen.loc[ags, "name"])
    assert f'href="kommunen/{ags}.pdf"' in (ausgabe / "index.html").read_text(encoding="utf-8")
    assert f'href="{ags}.pdf"' in (ausgabe / "kommunen" / f"{ags}.html").read_text("utf-8")


def test_ohne_chromium_entstehen_berichte_ohne_pdf(monkeypatch, caplog):
    """Die Website baut auch ohne PDF-Engine: keine PDF-Aufträge, eine klare Warnung."""
    from analyse import pipeline

    monkeypatch.setenv("ANALYSE_CHROMIUM", "/nicht/vorhanden/chromium")
    assert not browser.verfuegbar()
    with caplog.at_level("WARNING"):
        assert pipeline.mit_pdf() is False
    assert "Chromium fehlt" in caplog.text
    with pytest.raises(browser.BrowserFehler, match="nicht installiert"):
        browser.WarmerBrowser().starten()


def test_quarto_seite_verlinkt_ihr_pdf(tmp_path):
    """Auch auf dem Quarto-Weg verlinkt jede Seite ihr PDF, wenn es daneben liegt."""
    import nbformat

    from analyse.berichte import quarto

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Bericht")])
    quelle = tmp_path / "99001007.ipynb"
    nbformat.write(nb, quelle)
    ohne = nbformat.reads(quarto.notebook_mit_kopf(quelle, "Titel"), as_version=4)
    assert "99001007.pdf" not in str(ohne.cells)
    (tmp_path / "99001007.pdf").write_bytes(b"%PDF-1.4\n")
    mit = nbformat.reads(quarto.notebook_mit_kopf(quelle, "Titel"), as_version=4)
    assert mit.cells[0].cell_type == "raw" and mit.cells[1].cell_type == "markdown"
    assert "](99001007.pdf)" in mit.cells[1].source
