"""Der Quarto-Weg, bewiesen ohne das quarto-Programm (und gerendert, wo es vorhanden ist).

Was Quarto mit unseren Texten macht, steht in docs/quarto.md (mit Belegstellen im Quelltext
von quarto-cli). Hier wird geprüft, was daraus folgt:
- ``_quarto.yml`` passt zu Quartos eigenen Schlüsselmengen (``quarto_schluessel.yml``);
- jeder Titel und jeder Eintrag der Startseite kommt durch Pandoc unverändert zurück;
- kein Text aus Daten enthält einen Shortcode-Anfang (Quartos Grammatik, ``pandoc lua``);
- jeder Text, den Quarto unmaskiert einsetzt, ergibt kein HTML-Element;
- Render-Liste, Navigation und Downloads passen zueinander und zum nbconvert-Weg;
- die Seiten haben dieselben Abschnitte, Tabellen, Abbildungen, Alternativtexte und Links wie
  die nbconvert-Seiten und genau eine h1.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pandas as pd
import pypandoc
import pytest
import yaml
from bs4 import BeautifulSoup
from hilfen import analyse_lauf

from analyse.berichte import kommune, quarto, uebersicht, website
from analyse.ergebnisse import speicher as ergebnisse

WURZEL = Path(__file__).resolve().parents[1]
SCHLUESSEL = yaml.safe_load((Path(__file__).with_name("quarto_schluessel.yml"))
                            .read_text(encoding="utf-8"))
SHORTCODES_LUA = Path(__file__).with_name("quarto_shortcodes.lua")

#: Namen, die als HTML echte Elemente ergäben, Markdown, Mathe oder Shortcodes auslösten.
FEINDLICH = [
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "Halle (Saale) & Co",
    "Back\\slash \\(x\\) \\",
    "{{< meta title >}} und {{{< x >}}}",
    "$x^2$ kostet $5 *fett* _kursiv_ [Link](http://example.org) `code`",
    "1. FC #1 <!-- x --> &amp; --- ...",
    "</title><script>alert(1)</script>",
    "Bad Tölz–Wolfratshausen: 'Ä' \"Ö\"",
]


# ---------------------------------------------------------------------------- Hilfen


def _pandoc_json(text: str, format_: str = "markdown") -> dict:
    return json.loads(pypandoc.convert_text(text, "json", format=format_))


def _klartext(inlines: list) -> str:
    """Text aus Pandoc-Inlines; jedes andere Element (Emph, Math, Link, RawInline …) ist ein
    Fehler: Text aus Daten darf in Quarto nichts als Text ergeben."""
    teile = []
    for el in inlines:
        if el["t"] == "Str":
            teile.append(el["c"])
        elif el["t"] in ("Space", "SoftBreak"):
            teile.append(" ")
        else:
            raise AssertionError(f"Pandoc macht daraus ein Element: {el['t']}")
    return "".join(teile)


def _markdown_zurueck(text: str) -> str:
    """Liest ``text`` wie Quarto (Pandoc-Markdown) und gibt den reinen Text zurück."""
    bloecke = _pandoc_json(text)["blocks"]
    assert len(bloecke) == 1 and bloecke[0]["t"] == "Para", bloecke
    return _klartext(bloecke[0]["c"])


def _meta_text(wert: dict) -> str:
    if wert["t"] == "MetaString":
        return wert["c"]
    assert wert["t"] == "MetaInlines", wert
    return _klartext(wert["c"])


class _Elemente(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_endtag(self, tag):
        self.tags.append("/" + tag)

    def handle_comment(self, data):
        self.tags.append("!--")

    def handle_data(self, data):
        self.text.append(data)


def _als_html(text: str) -> tuple[list[str], str]:
    """Wie ein Browser ``text`` liest, wenn er unmaskiert eingesetzt wird: Elemente und Text."""
    p = _Elemente()
    p.feed(text)
    p.close()
    return p.tags, "".join(p.text)


def _normal(text: str) -> str:
    return " ".join(text.split())


def schluessel_pruefen(konf: dict) -> list[str]:
    """Alle Schlüssel von ``konf``, die Quartos Schema nicht kennt (leer = passt)."""
    fehler: list[str] = []

    def menge(name, wert, erlaubt):
        if not isinstance(wert, dict):
            fehler.append(f"{name}: erwartet ein Objekt, nicht {wert!r}")
            return
        fehler.extend(f"{name}.{k}" for k in wert if k not in erlaubt)

    s = SCHLUESSEL
    menge("", konf, s["oberste_ebene"]["schluessel"])
    menge("project", konf.get("project", {}), s["projekt"]["schluessel"])
    if konf.get("project", {}).get("type") not in s["projekt"]["typen"]:
        fehler.append("project.type")
    menge("execute", konf.get("execute", {}), s["ausfuehrung"]["schluessel"])
    web = konf.get("website", {})
    menge("website", web, s["website"]["schluessel"])
    if isinstance(web.get("search"), dict):
        menge("website.search", web["search"], s["suche"]["schluessel"])
        if web["search"].get("location", "navbar") not in s["suche"]["orte"]:
            fehler.append("website.search.location")
        if web["search"].get("type", "overlay") not in s["suche"]["arten"]:
            fehler.append("website.search.type")
    if "navbar" in web:
        menge("website.navbar", web["navbar"], s["navbar"]["schluessel"])
        for seite in ("left", "right"):
            for eintrag in web["navbar"].get(seite, []):
                if isinstance(eintrag, dict):
                    menge(f"website.navbar.{seite}[]", eintrag,
                          s["navigationseintrag"]["schluessel"])
    if isinstance(web.get("page-footer"), dict):
        menge("website.page-footer", web["page-footer"], s["seitenfuss"]["schluessel"])
    if isinstance(web.get("sidebar"), dict):
        menge("website.sidebar", web["sidebar"], s["sidebar"]["schluessel"])
    formate = konf.get("format", {})
    menge("format", formate, ["html"])
    html = formate.get("html", {})
    menge("format.html", html, s["format_html"]["schluessel"])
    if html.get("html-math-method", "plain") not in s["format_html"]["mathe_verfahren"]:
        fehler.append("format.html.html-math-method")
    return fehler


def _front_matter(text: str) -> dict:
    m = re.match(r"---\n(.*?)\n---", text, re.S)
    assert m, text[:80]
    return yaml.safe_load(m.group(1))


def _shortcode_funde(dateien: list[Path]) -> list[str]:
    """Stellen, an denen Quartos Shortcode-Grammatik einen Shortcode beginnen würde."""
    r = subprocess.run([pypandoc.get_pandoc_path(), "lua", str(SHORTCODES_LUA)],
                       input="".join(f"{d}\n" for d in dateien), capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-500:]
    assert r.stderr.strip().startswith(str(len(r.stdout.split()))), r.stderr[-500:]
    return r.stdout.split()


def quarto_markdown(nb_text: str) -> str:
    """Der Markdown-Text, den Quarto aus einem ausgeführten Notebook liest (nachgebaut nach
    quarto-cli src/core/jupyter/jupyter.ts: erste Rohzelle = Front Matter, Markdown-Zellen
    wörtlich, HTML-Ausgaben als ``{=html}``-Rohblock, Code ausgeblendet)."""
    nb = nbformat.reads(nb_text, as_version=4)
    teile = []
    for i, zelle in enumerate(nb.cells):
        if zelle.cell_type == "raw":
            if i == 0:
                teile.append(zelle.source)
        elif zelle.cell_type == "markdown":
            teile.append(zelle.source)
        else:
            for ausgabe in zelle.get("outputs", []):
                daten = ausgabe.get("data", {})
                if "text/html" in daten:
                    teile.append(quarto.roh_html(daten["text/html"]))
    return "\n\n".join(teile) + "\n"


def _merkmale(soup: BeautifulSoup) -> dict:
    """Was auf beiden Wegen gleich sein muss (Inhalt, nicht Rahmen)."""
    def texte(sel):
        return [_normal(e.get_text()) for e in soup.select(sel)]

    return {
        "h1": texte("h1"), "h2": texte("h2"), "h3": texte("h3"),
        "tabellen": texte("table > caption"), "anzahl_tabellen": len(soup.select("table")),
        "th": texte("th"), "alt": [i.get("alt") for i in soup.select("img")],
        "figcaption": texte("figcaption"), "links": [a.get("href") for a in soup.select("a")],
        "hinweise": texte(".hinweis"),
    }


# ---------------------------------------------------------------------------- schnell


@pytest.mark.parametrize("name", FEINDLICH)
def test_text_aus_daten_ist_fuer_quarto_nur_text(name):
    sicher = quarto.quarto_text(name)
    # unmaskiert eingesetzt (lodash <%= %>, title-prefix): kein Element, derselbe Text
    tags, text = _als_html(sicher)
    assert tags == [] and "<" not in sicher and text == _normal(name)
    # als Markdown gelesen (Pandoc): nur Text, derselbe Text
    assert _markdown_zurueck(sicher) == _normal(name)
    # Quartos Shortcode-Grammatik findet keinen Anfang
    assert "{{<" not in sicher


def test_pruefungen_koennen_scheitern():
    """Gegenprobe: die Prüfungen oben erkennen ungeschützte Namen."""
    with pytest.raises(AssertionError):
        _markdown_zurueck(FEINDLICH[5])  # Math, Emph, Link, Code
    assert _als_html(FEINDLICH[0])[0] == ["img"]
    assert _als_html(FEINDLICH[1])[0] == ["svg"]
    assert schluessel_pruefen({"project": {"type": "website", "render-list": []},
                               "format": {"html": {"toc_title": "x"}}}) == \
        ["project.render-list", "format.html.toc_title"]


@pytest.mark.parametrize("titel", FEINDLICH)
def test_seitentitel_kommt_durch_pandoc_zurueck(titel):
    kopf = quarto.front_matter(titel, suche=False)
    werte = _front_matter(kopf)
    assert set(werte) <= set(SCHLUESSEL["seite"]["schluessel"])
    assert "title" not in werte  # kein Titelblock: die einzige h1 kommt aus dem Bericht
    assert werte["search"] is False and werte["lang"] == "de"
    meta = _pandoc_json(kopf + "\n")["meta"]
    assert _meta_text(meta["pagetitle"]) == _normal(titel)


def _konf(titel="Studie", n=3, downloads=()):
    seiten = [f"kommunen/{i:08d}.ipynb" for i in range(n)]
    return quarto.konfiguration(titel, seiten, list(downloads))


@pytest.mark.parametrize("titel", FEINDLICH)
def test_konfiguration_passt_zu_quartos_schema(titel):
    konf = _konf(titel)
    assert schluessel_pruefen(konf) == []
    # yaml.safe_dump und zurück: dieselbe Konfiguration (Quarto liest die geschriebene Datei)
    assert yaml.safe_load(yaml.safe_dump(konf, allow_unicode=True)) == konf


@pytest.mark.parametrize("titel", FEINDLICH)
def test_unmaskiert_eingesetzte_texte_ergeben_kein_element(titel):
    """website.title wird zu Pandocs title-prefix (wörtlich in <title>) und zum Navbar-Titel
    (lodash <%= %>); Navbar-Texte ebenso. Keiner darf ein Element ergeben; der Tab zeigt den
    Studientitel ohne Escape-Zeichen."""
    web = _konf(titel)["website"]
    fuss = web["page-footer"]
    texte = [web["title"], *(e["text"] for e in web["navbar"]["left"]), fuss["center"],
             *(e["text"] for e in fuss["right"])]
    for t in texte:
        assert _als_html(t)[0] == [] and "<" not in t
    tab = _als_html(f"<title>{web['title']}</title>")
    assert tab[0] == ["title", "/title"] and tab[1] == _normal(titel)  # ohne Escape-Zeichen
    assert _markdown_zurueck(web["title"]) == _normal(titel)
    assert _markdown_zurueck(web["page-footer"]["center"]).startswith(_normal(titel) + " · ")


def test_eine_suche_keine_sidebar_tabellen_unveraendert():
    konf = _konf()
    web = konf["website"]
    # Sidebar, Breadcrumbs und Seitennavigation setzen Seitentitel unmaskiert ein; eine Sidebar
    # bringt eine zweite h1 (quarto-secondary-nav-title) und ein zweites id="quarto-search".
    assert "sidebar" not in web and web["bread-crumbs"] is False
    assert web["page-navigation"] is False
    assert web["search"]["location"] == "navbar" and "algolia" not in web["search"]
    assert konf["html-table-processing"] == "none"
    assert konf["lang"] == "de" and konf["execute"]["enabled"] is False


def test_offline_keine_schriften_skripte_mathe_von_aussen():
    html = _konf()["format"]["html"]
    assert html["html-math-method"] == "plain"  # sonst MathJax und Polyfill vom CDN
    assert "include-in-header" not in html
    themes = html["theme"] if isinstance(html["theme"], list) else [html["theme"]]
    assert "quarto_offline.scss" in themes
    scss = website.VORLAGEN.joinpath("quarto_offline.scss").read_text(encoding="utf-8")
    assert re.search(r"^\$web-font-path:\s*false;", scss, re.M)
    for name in ("_quarto.yml", *quarto.BEIGABEN):
        text = website.VORLAGEN.joinpath(name).read_text(encoding="utf-8")
        code = "\n".join(z for z in text.splitlines() if not z.lstrip().startswith(("#", "//")))
        assert not re.search(r"https?:|@import|//[a-z0-9.-]+\.[a-z]", code, re.I), name


def test_skalierung_mit_vielen_kommunen():
    kommunen = [{"ags": f"{i:08d}", "referenzkommune": i < 8} for i in range(450)]
    konf = _konf(n=450)
    assert len(konf["website"]["navbar"]["left"]) == 4  # Navigation wächst nicht mit
    assert "sidebar" not in konf["website"]
    assert len(konf["project"]["render"]) == 453  # Start, Abschluss, Barrierefreiheit, Kommunen
    suche = quarto.suchbar(kommunen)
    assert sum(suche.values()) == quarto.SUCHINDEX_BERICHTE
    assert all(suche[k["ags"]] for k in kommunen[:8])  # Referenzkommunen stehen vorn


def test_rohblock_haelt_backticks_aus():
    inhalt = "<p>a ```` b</p>\n```\n<p>c</p>"
    block = quarto.roh_html(inhalt)
    zaun = block.split("{", 1)[0]
    assert len(zaun) == 5 and block.endswith("\n" + zaun)
    html = pypandoc.convert_text(block, "html", format="markdown")
    assert html.strip() == inhalt


def test_shortcode_pruefung_findet_quartos_formen(tmp_path):
    datei = tmp_path / "x.qmd"
    datei.write_text("a {{< meta x >}} b {{{< y >}}} c {{</* z */>}}\n" + quarto.quarto_text(
        "{{< meta x >}}"), encoding="utf-8")
    assert len(_shortcode_funde([datei])) == 4  # {{{< zählt auch als inneres {{<


def test_vorlage_liegt_im_paket_und_ist_verlinkt():
    assert (WURZEL / "_quarto.yml").resolve() == quarto.VORLAGE.resolve()
    for name in quarto.BEIGABEN:
        assert website.VORLAGEN.joinpath(name).is_file()
    konf = yaml.safe_load(quarto.VORLAGE.read_text(encoding="utf-8"))
    html = konf["format"]["html"]
    verwiesen = {html["css"], html["include-before-body"],
                 *(t for t in html["theme"] if t.endswith(".scss"))}
    assert verwiesen == set(quarto.BEIGABEN)


def _berichtsordner(tmp_path: Path, n: int, referenz: int = 8):
    """Ein Berichtsordner wie nach ``analyse berichte --alle`` mit ``n`` Kommunen (kleine
    Notebooks statt ausgeführter Berichte) und ein passendes Ergebnisobjekt."""
    namen = [FEINDLICH[i % len(FEINDLICH)] + f" {i}" for i in range(n)]
    kommunen = pd.DataFrame({
        "ags": [f"{9900000 + i:08d}" for i in range(n)], "name": namen,
        "art": "Gemeinde", "kreis": "Kreis <b>", "groessenklasse": "GK7",
        "referenzkommune": [i < referenz for i in range(n)], "mitglied": True,
        "einwohner": 5000}).set_index("ags")
    reifegrad = pd.DataFrame({"ags": kommunen.index, "welle": 2026, "handlungsfeld": "gesamt",
                              "wert": 40.0, "stufe": "Grundlagen <i>"})

    def tabelle(name):
        if name == "reifegrad":
            return reifegrad
        raise FileNotFoundError(name)

    def tabelle_oder_leer(name):
        try:
            return tabelle(name)
        except FileNotFoundError:
            return pd.DataFrame()

    erg = SimpleNamespace(kommunen=kommunen, tabelle=tabelle, tabelle_oder_leer=tabelle_oder_leer,
                          modell={},
                          fragebogen=SimpleNamespace(handlungsfelder=[]),
                          typkatalog=SimpleNamespace(name={}), studie=SimpleNamespace(
        titel="Monitor <b>&</b> {{< x >}}", verband="Verband $y$", aktuelle_welle=2026,
        barrierefreiheit=None,
        wellen=[SimpleNamespace(id=2026, bezeichnung="Erhebung {{< y >}}", datum=None)]))
    berichte = tmp_path / "berichte"
    (berichte / "kommunen").mkdir(parents=True)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_raw_cell("---\ntitle: x\n---"),
                                         nbformat.v4.new_markdown_cell("## Abschnitt")])
    nbformat.write(nb, berichte / "abschlussbericht.ipynb")
    for i, ags in enumerate(kommunen.index):
        nbformat.write(nb, berichte / "kommunen" / f"{ags}.ipynb")
        if i % 2 == 0:
            (berichte / "kommunen" / f"{ags}.xlsx").write_bytes(b"x")
    (berichte / "kommunen" / f"{kommunen.index[0]}.pdf").write_bytes(b"x")
    (berichte / "berichte.json").write_text(json.dumps({"kommunen": list(kommunen.index)}),
                                            encoding="utf-8")
    return erg, berichte


def test_alle_450_kommunen_navigation_und_suchindex_bleiben_klein(tmp_path):
    erg, berichte = _berichtsordner(tmp_path, 450)
    projekt = tmp_path / "projekt"
    konf = quarto.projekt_schreiben(erg, berichte, projekt)
    assert schluessel_pruefen(konf) == []
    # Render-Liste, Dateien und Downloads passen zueinander
    render = konf["project"]["render"]
    assert len(render) == 453 and all((projekt / r).is_file() for r in render)
    assert set(konf["project"]["resources"]) == set(website.downloads(berichte, website
                                                    .kommunenliste(erg, berichte)))
    assert len(konf["project"]["resources"]) == 226  # 225 XLSX und ein PDF
    assert all((projekt / d).is_file() for d in konf["project"]["resources"])
    # Navigation: vier Einträge, keine Sidebar; die Kommunen stehen in der Startseite
    assert len(konf["website"]["navbar"]["left"]) == 4 and "sidebar" not in konf["website"]
    index = (projekt / "index.qmd").read_text(encoding="utf-8")
    assert index.count('<tr><th scope="row"><a href="kommunen/') == 450
    assert 'id="filter"' in index and "<script>" in index  # Filter wie bei nbconvert
    # Suchindex: höchstens SUCHINDEX_BERICHTE Kommunenberichte, Referenzkommunen darunter
    gesucht = []
    assert render[2] == quarto.ERKLAERUNG
    for r in render[3:]:
        kopf = _front_matter(nbformat.read(projekt / r, as_version=4).cells[0].source)
        assert "title" not in kopf
        if kopf.get("search", True):
            gesucht.append(Path(r).stem)
    assert len(gesucht) == quarto.SUCHINDEX_BERICHTE
    assert set(erg.kommunen.index[erg.kommunen["referenzkommune"]]) <= set(gesucht)
    # alles, was Quarto liest, ohne Shortcode-Anfang
    assert _shortcode_funde([projekt / "_quarto.yml", projekt / "index.qmd",
                             *(projekt / r for r in render[1:])]) == []


# ---------------------------------------------------------------------------- mit Lauf


@pytest.fixture(scope="module")
def feindlich(kleine_studie_vorlage, tmp_path_factory):
    """Eine Studie, deren Referenzkommunen und Titel feindliche Namen tragen, ausgewertet, mit
    Berichten und nbconvert-Site."""
    basis = tmp_path_factory.mktemp("quarto")
    daten = basis / "studie"
    shutil.copytree(kleine_studie_vorlage, daten)
    kommunen = pd.read_csv(daten / "kommunen.csv", dtype=str, keep_default_na=False)
    refs = kommunen.index[kommunen["referenzkommune"] == "ja"]
    for i, name in zip(refs, FEINDLICH, strict=False):
        kommunen.loc[i, "name"] = name
    kommunen.to_csv(daten / "kommunen.csv", index=False)
    studie = yaml.safe_load((daten / "studie.yml").read_text(encoding="utf-8"))
    studie["titel"] = 'Monitor "<i>x</i>" & {{< meta y >}} $z$ \\ (Demo)'
    (daten / "studie.yml").write_text(yaml.safe_dump(studie, allow_unicode=True),
                                      encoding="utf-8")
    ausgabe = basis / "aus"
    r = analyse_lauf("alles", "--daten", str(daten), "--ausgabe", str(ausgabe), "--nbconvert",
                     "--parallel", "2", cwd=basis)
    assert r.returncode == 0, r.stdout + r.stderr
    erg = ergebnisse.laden(ausgabe / "ergebnisse")
    projekt = basis / "projekt"
    konf = quarto.projekt_schreiben(erg, ausgabe / "berichte", projekt)
    return SimpleNamespace(erg=erg, berichte=ausgabe / "berichte", projekt=projekt, konf=konf,
                           namen=[FEINDLICH[j] for j in range(min(len(refs), len(FEINDLICH)))],
                           basis=basis, daten=daten, ausgabe=ausgabe)


@pytest.mark.langsam
def test_projekt_ist_in_sich_stimmig(feindlich):
    f = feindlich
    geschrieben = yaml.safe_load((f.projekt / "_quarto.yml").read_text(encoding="utf-8"))
    assert geschrieben == f.konf and schluessel_pruefen(geschrieben) == []
    render = geschrieben["project"]["render"]
    assert all((f.projekt / r).is_file() for r in render)
    # genau die Seiten des letzten Laufs, wie auf dem nbconvert-Weg
    nb_site = f.berichte / "_site"
    assert {Path(r).stem for r in render if r.startswith("kommunen/")} == \
        {p.stem for p in (nb_site / "kommunen").glob("*.html")}
    # dieselben Downloads (XLSX, PDF wo gebaut) wie die nbconvert-Site, alle im Projekt
    ressourcen = geschrieben["project"]["resources"]
    assert all((f.projekt / d).is_file() for d in ressourcen)
    assert set(ressourcen) == {p.relative_to(nb_site).as_posix() for p in nb_site.rglob("*")
                               if p.suffix in (".xlsx", ".pdf")}
    assert any(d.endswith(".xlsx") for d in ressourcen)
    # Navigation zeigt nur auf gerenderte Seiten
    for eintrag in geschrieben["website"]["navbar"]["left"]:
        assert eintrag["href"].split("#")[0] in render
    # jeder Download-Link einer Seite zeigt auf eine mitgelieferte Datei
    for seite in render:
        if seite.endswith(".ipynb"):
            for ziel in re.findall(r'href=\\?"([^"\\#]+\.(?:xlsx|pdf))', (f.projekt / seite)
                                   .read_text(encoding="utf-8")):
                assert (Path(seite).parent / ziel).as_posix() in ressourcen, (seite, ziel)


@pytest.mark.langsam
def test_titel_und_startseite_kommen_durch_pandoc_zurueck(feindlich):
    f = feindlich
    erwartet = {"abschlussbericht.ipynb": uebersicht.titel(f.erg)}
    for ags in f.erg.kommunen.index[f.erg.kommunen["referenzkommune"]]:
        erwartet[f"kommunen/{ags}.ipynb"] = kommune.titel(f.erg, ags)
    for seite, titel in erwartet.items():
        nb = nbformat.reads((f.projekt / seite).read_text(encoding="utf-8"), as_version=4)
        kopf = nb.cells[0].source
        assert "title" not in _front_matter(kopf)
        assert _meta_text(_pandoc_json(kopf + "\n")["meta"]["pagetitle"]) == _normal(titel)
    assert _markdown_zurueck(f.konf["website"]["title"]) == _normal(f.erg.studie.titel)
    # Startseite: jeder Link-Text ist der Rohname (Pandoc liest das Roh-HTML als HTML)
    index = (f.projekt / "index.qmd").read_text(encoding="utf-8")
    roh = re.search(r"\n(`{3,})\{=html\}\n(.*)\n\1\n", index, re.S).group(2)
    links = {}

    def sammeln(bloecke):
        for b in bloecke:
            if isinstance(b, dict):
                if b.get("t") == "Link":
                    links[b["c"][2][0]] = _klartext(b["c"][1])
                sammeln(b.get("c", []) if isinstance(b.get("c"), list) else [])
            elif isinstance(b, list):
                sammeln(b)

    sammeln(_pandoc_json(roh, "html")["blocks"])
    namen = {f"kommunen/{k['ags']}.html": _normal(k["name"])
             for k in website.kommunenliste(f.erg, f.berichte)}
    assert {h: t for h, t in links.items()
            if h.startswith("kommunen/") and h.endswith(".html")} == namen
    assert set(f.namen) <= {k["name"] for k in website.kommunenliste(f.erg, f.berichte)}


@pytest.mark.langsam
def test_kein_shortcode_in_dem_was_quarto_liest(feindlich):
    f = feindlich
    dateien = [p for p in f.projekt.rglob("*") if p.suffix in (".yml", ".qmd", ".ipynb")]
    markdown = []
    for nb in f.projekt.rglob("*.ipynb"):
        ziel = nb.with_suffix(".quarto.md")
        ziel.write_text(quarto_markdown(nb.read_text(encoding="utf-8")), encoding="utf-8")
        markdown.append(ziel)
    try:
        assert _shortcode_funde(dateien + markdown) == []
    finally:
        for p in markdown:
            p.unlink()


@pytest.mark.langsam
def test_gleiche_seiten_wie_nbconvert_und_eine_h1(feindlich):
    f = feindlich
    nb_site = f.berichte / "_site"
    seiten = ["abschlussbericht", *(f"kommunen/{p.stem}" for p in
                                    (nb_site / "kommunen").glob("*.html"))]
    for seite in seiten:
        md = quarto_markdown((f.projekt / f"{seite}.ipynb").read_text(encoding="utf-8"))
        q = BeautifulSoup(pypandoc.convert_text(md, "html5", format="markdown",
                                                extra_args=["--section-divs"]), "html.parser")
        n = BeautifulSoup((nb_site / f"{seite}.html").read_text(encoding="utf-8"),
                          "html.parser").select_one("main")
        # Das Inhaltsverzeichnis ist Rahmen: nbconvert setzt es in die Seite, Quarto baut es
        # selbst (toc: true, toc-title: Inhalt) aus denselben h2.
        for nav in n.select("nav.inhaltsverzeichnis"):
            nav.decompose()
        mq, mn = _merkmale(q), _merkmale(n)
        assert mq == mn, seite
        assert len(mq["h1"]) == 1 and mq["anzahl_tabellen"] > 0, seite
        # feindliche Namen bleiben Text
        assert not q.select("img[onerror], svg, script"), seite
    # Startseite: derselbe Inhalt wie auf dem nbconvert-Weg
    index = (f.projekt / "index.qmd").read_text(encoding="utf-8")
    q = BeautifulSoup(pypandoc.convert_text(index, "html5", format="markdown"), "html.parser")
    n = BeautifulSoup((nb_site / "index.html").read_text(encoding="utf-8"),
                      "html.parser").select_one("main")
    assert _merkmale(q) == _merkmale(n) and len(_merkmale(q)["h1"]) == 1
    assert _front_matter(index)["pagetitle"] == website.STARTSEITE
    # Sprunglink und Sprache: aus der Vorlage auf jeder Seite
    html = f.konf["format"]["html"]
    sprung = (f.projekt / html["include-before-body"]).read_text(encoding="utf-8")
    assert 'href="#quarto-document-content"' in sprung and "Zum Inhalt springen" in sprung
    assert f.konf["lang"] == "de"
    assert html["toc"] is True and html["toc-title"] == "Inhalt"


# ---------------------------------------------------------------------------- mit Quarto


class _Externe(HTMLParser):
    """Sammelt Verweise, die der Browser beim Laden nachlädt (nicht Links zum Anklicken)."""

    def __init__(self):
        super().__init__()
        self.extern: list[str] = []
        self.h1 = 0
        self.suche = 0
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.h1 += tag == "h1"
        self.suche += a.get("id") == "quarto-search"
        if a.get("id"):
            self.ids.add(a["id"])
        quellen = [a.get("src")] + ([a.get("href")] if tag == "link" else [])
        self.extern += [q for q in quellen if q and re.match(r"(https?:)?//", q)]


@pytest.mark.quarto
@pytest.mark.langsam
@pytest.mark.skipif(shutil.which("quarto") is None, reason="quarto ist nicht installiert")
def test_quarto_rendert_die_site(feindlich):
    f = feindlich
    r = analyse_lauf("website", "--daten", str(f.daten), "--ausgabe", str(f.ausgabe),
                     "--quarto", cwd=f.basis)
    assert r.returncode == 0, r.stderr
    site = f.berichte / "_site"
    seiten = [site / "index.html", site / "abschlussbericht.html",
              *(site / "kommunen").glob("*.html")]
    assert len(seiten) > 2
    for seite in seiten:
        text = seite.read_text(encoding="utf-8")
        p = _Externe()
        p.feed(text)
        assert 'lang="de"' in text, seite
        assert p.h1 == 1 and p.suche == 1, seite
        assert p.extern == [], (seite, p.extern)
        assert "quarto-document-content" in p.ids, seite  # Ziel des Sprunglinks
        soup = BeautifulSoup(text, "html.parser")
        assert not soup.select("img[onerror], svg[onload]"), seite
        assert "<script>alert" not in text, seite
        tab = soup.title.get_text()
        assert "\\(" not in tab and _normal(f.erg.studie.titel) in tab
    for css in site.rglob("*.css"):
        assert not re.search(r"@import\s+url\(\s*['\"]?(https?:)?//", css.read_text("utf-8"))
    for eintrag in json.loads((site / "search.json").read_text(encoding="utf-8")):
        assert "<" not in eintrag["text"]  # Quarto maskiert den Suchtext (encodeHtml)
    assert len(json.loads((site / "search.json").read_text(encoding="utf-8"))) < 2000
