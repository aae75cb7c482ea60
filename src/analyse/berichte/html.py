"""Sichere HTML-Bausteine für Berichte.

Jeder Baustein maskiert Text aus Daten. ``Html`` trägt bereits sicheres HTML und
zeigt sich in Jupyter, papermill, nbconvert und Quarto über ``_repr_html_``.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import inspect
import io
import re
from collections.abc import Callable, Iterable, Sequence
from html import escape, unescape

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from analyse.berichte import kleine_zellen  # noqa: E402
from analyse.berichte.kleine_zellen import Diagrammdaten  # noqa: E402
from analyse.zahlen import euro, zahl  # noqa: E402,F401  (für Aufrufer: html.zahl, html.euro)

#: Für alle Abbildungen: Text aus Daten ist nie eine Formel ("$" in Namen würde sonst als
#: mathtext gelesen und bräche die Abbildung ab). SVG ist deterministisch: feste Salz für die IDs,
#: Text als Pfade (sieht überall gleich aus, auch ohne die Schrift beim Leser).
STIL = {"text.parse_math": False, "svg.hashsalt": "analyse", "svg.fonttype": "path"}

#: Format der eingebetteten Bilder: "svg" (Vektor, scharf bei jedem Zoom) oder "png".
#: Entschieden nach Messung, siehe ``docs/benchmarks.md`` und ``benchmarks/abbildungen.py``.
BILDFORMAT = "svg"
#: Auflösung der PNG-Bilder und Maßstab der SVG-Bilder (SVG wird gleich groß angezeigt).
DPI = 110

#: Alle Abbildungsfunktionen der Berichte: Name → Funktion ``f(erg)`` oder ``f(erg, ags)``.
#: Der Test der kleinen Zellen ruft jede auf (``tests/test_abbildungen.py``).
ABBILDUNGEN: dict[str, Callable] = {}

#: Die Diagrammdaten der gerade laufenden Abbildungsfunktionen (Stapel, innen zuletzt).
_laufend: list[list[Diagrammdaten]] = []
#: Offene Protokolle (``protokollieren``): (Abbildungsfunktion, Diagrammdaten) je Abbildung.
_protokolle: list[list[tuple[str, Diagrammdaten]]] = []


class AbbildungsFehler(RuntimeError):
    """Eine Abbildung ohne Abbildungsfunktion oder ohne Diagrammdaten (ein Programmierfehler)."""


def abbildungsfunktion(funktion):
    """Dekorator für jede Funktion, die Abbildungen zeichnet.

    Sie zeichnet im Berichtsstil (``STIL``), egal was zuvor eingestellt war, und steht in
    ``ABBILDUNGEN``. Ihre Signatur ist ``(erg)`` oder ``(erg, ags)``. Jede Abbildung, die sie über
    ``abbildung`` einbettet, bringt ihre ``Diagrammdaten`` mit; hier werden sie gegen die
    Mindestgröße aus ``studie.yml`` geprüft (``kleine_zellen.verletzungen``). Eine Figur, die sie
    offen lässt (gezeichnet, aber nicht über ``abbildung`` eingebettet), ist ein Fehler.
    """
    parameter = list(inspect.signature(funktion).parameters)
    if parameter not in (["erg"], ["erg", "ags"]):
        raise TypeError(f"Abbildungsfunktion {funktion.__qualname__}: Signatur (erg) oder "
                        f"(erg, ags) erwartet, nicht ({', '.join(parameter)})")
    name = f"{funktion.__module__}.{funktion.__qualname__}"

    @functools.wraps(funktion)
    def mit_stil(erg, *args, **kwargs):
        mindest = erg.studie.berichte.peer_mindestgroesse
        vorher = set(plt.get_fignums())
        gesammelt: list[Diagrammdaten] = []
        _laufend.append(gesammelt)
        try:
            with plt.rc_context(STIL):
                ergebnis = funktion(erg, *args, **kwargs)
        finally:
            _laufend.pop()
            offen = set(plt.get_fignums()) - vorher
            for nummer in offen:
                plt.close(nummer)
        if offen:
            raise AbbildungsFehler(f"{name} hat eine Figur gezeichnet, aber nicht über "
                                   "html.abbildung (mit Diagrammdaten) eingebettet")
        for daten in gesammelt:
            if fehler := kleine_zellen.verletzungen(daten, mindest):
                raise kleine_zellen.KleineZellenFehler(
                    f"{name} zeigt Gruppen unter der Mindestgröße {mindest}: {', '.join(fehler)}")
            for protokoll in _protokolle:
                protokoll.append((name, daten))
        return ergebnis

    ABBILDUNGEN[name] = mit_stil
    return mit_stil


@contextlib.contextmanager
def protokollieren():
    """Sammelt (Abbildungsfunktion, Diagrammdaten) jeder geprüften Abbildung (für Tests)."""
    protokoll: list[tuple[str, Diagrammdaten]] = []
    _protokolle.append(protokoll)
    try:
        yield protokoll
    finally:
        _protokolle.remove(protokoll)


#: Was seit ``seite_beginnen()`` angezeigt wurde: das Glossar einer Seite liest daraus, welche
#: Begriffe auf ihr vorkommen. Der Kopf jeder Seite setzt die Sammlung zurück (ein warmer Kernel
#: führt viele Berichte nacheinander aus).
_angezeigt: list[str] = []


def seite_beginnen() -> None:
    _angezeigt.clear()


def angezeigter_text() -> str:
    return "\n".join(_angezeigt)


class Html:
    """Bereits maskiertes HTML; Verkettung mit ``+`` oder ``Html.verbinden``."""

    __slots__ = ("inhalt",)

    def __init__(self, inhalt: str = ""):
        self.inhalt = inhalt

    def _repr_html_(self) -> str:
        _angezeigt.append(self.inhalt)
        return self.inhalt

    def __str__(self) -> str:
        return self.inhalt

    def __add__(self, other: Html) -> Html:
        return Html(self.inhalt + other.inhalt)

    @staticmethod
    def verbinden(teile: Iterable[Html]) -> Html:
        return Html("\n".join(t.inhalt for t in teile))


def text(wert: object) -> str:
    """Maskiert einen Wert aus Daten für HTML."""
    return escape("" if wert is None else str(wert), quote=True)


def unmaskieren(inhalt: str) -> str:
    """Umkehrung von ``text`` (für Textvergleiche, nie für Ausgabe)."""
    return unescape(inhalt)


def ueberschrift(titel: str, ebene: int = 3, anker: str | None = None) -> Html:
    attr = f' id="{text(anker)}"' if anker else ""
    return Html(f"<h{ebene}{attr}>{text(titel)}</h{ebene}>")


def absatz(inhalt: str, klasse: str | None = None) -> Html:
    attr = f' class="{text(klasse)}"' if klasse else ""
    return Html(f"<p{attr}>{text(inhalt)}</p>")


def hinweis(inhalt: str) -> Html:
    """Ein hervorgehobener Hinweis (z. B. zu kleine Vergleichsgruppe)."""
    return Html(f'<p class="hinweis" role="note">{text(inhalt)}</p>')


def liste(eintraege: Iterable[str], geordnet: bool = False) -> Html:
    tag = "ol" if geordnet else "ul"
    punkte = "".join(f"<li>{text(e)}</li>" for e in eintraege)
    return Html(f"<{tag}>{punkte}</{tag}>")


def kennzahlen(paare: Sequence[tuple[str, object]]) -> Html:
    """Eine Definitionsliste für Eckdaten."""
    zeilen = "".join(f"<dt>{text(k)}</dt><dd>{text(v)}</dd>" for k, v in paare)
    return Html(f'<dl class="kennzahlen">{zeilen}</dl>')


def tabelle(df: pd.DataFrame, beschriftung: str | None = None, index: bool = False,
            formate: dict[str, str] | None = None, zeilenkopf: bool | str = True) -> Html:
    """Eine barrierearme Tabelle (mit ``caption`` und ``th scope``), Inhalte maskiert.

    ``formate`` bildet Spaltennamen auf Formatstrings ab, z. B. ``{"Kosten": "{:,.0f} €"}``.
    ``zeilenkopf``: welche Spalte die Zeile benennt (``th scope="row"``, WCAG 1.3.1): ``True``
    die erste (so ist es in fast jeder Berichtstabelle), ein Spaltenname diese Spalte (etwa
    „Maßnahme“ neben einem Rang), ``False`` keine (wo erst mehrere Spalten zusammen die Zeile
    benennen).
    """
    df = df.reset_index() if index else df
    formate = formate or {}
    if isinstance(zeilenkopf, str) and zeilenkopf not in df.columns:
        raise ValueError(f"Zeilenkopf {zeilenkopf!r} ist keine Spalte der Tabelle")
    kopf_spalte = (0 if zeilenkopf is True else
                   list(df.columns).index(zeilenkopf) if isinstance(zeilenkopf, str) else None)
    kopf = "".join(f'<th scope="col">{text(s)}</th>' for s in df.columns)
    zeilen = []
    for zeile in df.itertuples(index=False):
        zellen = []
        for i, (spalte, wert) in enumerate(zip(df.columns, zeile, strict=True)):
            inhalt = text(_formatieren(wert, formate.get(spalte)))
            zellen.append(f'<th scope="row">{inhalt}</th>' if i == kopf_spalte
                          else f"<td>{inhalt}</td>")
        zeilen.append("<tr>" + "".join(zellen) + "</tr>")
    cap = f"<caption>{text(beschriftung)}</caption>" if beschriftung else ""
    # Breite Tabellen scrollen in ihrem Rahmen statt die Seite zu verbreitern; der Rahmen ist
    # per Tastatur erreichbar (WCAG 2.1.1) und benannt.
    name = f' aria-label="{text(beschriftung)}"' if beschriftung else ""
    return Html(f'<div class="tabelle-rahmen" role="region" tabindex="0"{name}>'
                f'<table class="tabelle">{cap}<thead><tr>{kopf}</tr></thead>'
                f"<tbody>{''.join(zeilen)}</tbody></table></div>")




def _formatieren(wert: object, format_: str | None) -> object:
    if wert is None or (not isinstance(wert, str) and pd.api.types.is_scalar(wert) and pd.isna(wert)):
        return "–"
    if format_ == "euro":
        return euro(wert)
    if format_ and format_.startswith("zahl"):
        return zahl(wert, int(format_[4:] or 0))
    if format_:
        return format_.format(wert)
    if isinstance(wert, float):
        return zahl(wert, 1)
    return wert


def bild(fig: plt.Figure, format_: str | None = None) -> tuple[str, bytes, str]:
    """Die Figur als Bild: (MIME-Typ, Bytes, Größenattribute), deterministisch, ohne Datum."""
    format_ = format_ or BILDFORMAT
    puffer = io.BytesIO()
    with plt.rc_context(STIL):
        if format_ == "svg":
            fig.savefig(puffer, format="svg", bbox_inches="tight",
                        metadata={"Date": None, "Creator": None})
        else:
            fig.savefig(puffer, format="png", dpi=DPI, bbox_inches="tight",
                        metadata={"Software": None})
    inhalt = puffer.getvalue()
    if format_ != "svg":
        return "image/png", inhalt, ""
    # Gleich groß wie das PNG mit DPI anzeigen: die SVG-Maße stehen in pt (1/72 Zoll)
    masse = re.search(rb'width="([\d.]+)pt" height="([\d.]+)pt"', inhalt[:2000])
    groesse = (f' width="{round(float(masse[1]) * DPI / 72)}" '
               f'height="{round(float(masse[2]) * DPI / 72)}"' if masse else "")
    return "image/svg+xml", inhalt, groesse


def abbildung(fig: plt.Figure, alt: str, beschriftung: str | None = None, *,
              daten: Diagrammdaten) -> Html:
    """Bettet eine Abbildung mit Alternativtext und ihren Daten ein und schließt sie.

    Der Alternativtext ist Pflicht (BITV 2.0 / WCAG 2.1 AA, 1.1.1), die Daten auch: Sie stehen
    aufklappbar unter dem Bild („Daten zur Abbildung“, außer ``daten.sichtbar``) und werden von
    der umgebenden ``abbildungsfunktion`` auf kleine Gruppen geprüft. Das Bild ist ein ``img``
    (Rolle ``img``, Name aus ``alt``) mit einer Data-URI: es bringt keine IDs, Skripte oder Texte
    in die Seite und wird in Browsern, WeasyPrint und Quarto gleich dargestellt.
    """
    if not _laufend:
        plt.close(fig)
        raise AbbildungsFehler("html.abbildung nur in einer @html.abbildungsfunktion aufrufen "
                               "(dort werden die Diagrammdaten geprüft)")
    _laufend[-1].append(daten)
    mime, inhalt, groesse = bild(fig)
    plt.close(fig)
    b64 = base64.b64encode(inhalt).decode("ascii")
    cap = f"<figcaption>{text(beschriftung)}</figcaption>" if beschriftung else ""
    teile = [f'<figure class="abbildung"><img src="data:{mime};base64,{b64}" alt="{text(alt)}"'
             f'{groesse} style="max-width:100%;height:auto">{cap}</figure>']
    if not daten.sichtbar:
        titel = f"Daten zur Abbildung: {beschriftung}" if beschriftung else "Daten zur Abbildung"
        tab = tabelle(daten.tabelle, titel, formate=daten.formate, zeilenkopf=daten.zeilenkopf)
        teile.append(f'<details class="abbildung-daten"><summary>{text(titel)}</summary>'
                     f"{tab.inhalt}</details>")
    return Html("".join(teile))


def link(ziel: str, beschriftung: str) -> Html:
    return Html(f'<a href="{text(ziel)}">{text(beschriftung)}</a>')
