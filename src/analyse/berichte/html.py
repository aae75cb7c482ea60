"""Sichere HTML-Bausteine für Berichte.

Jeder Baustein maskiert Text aus Daten. ``Html`` trägt bereits sicheres HTML und
zeigt sich in Jupyter, papermill, nbconvert und Quarto über ``_repr_html_``.
"""

from __future__ import annotations

import base64
import functools
import io
from collections.abc import Iterable, Sequence
from html import escape, unescape

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from analyse.zahlen import euro, zahl  # noqa: E402,F401  (für Aufrufer: html.zahl, html.euro)

#: Für alle Abbildungen: Text aus Daten ist nie eine Formel ("$" in Namen würde sonst als
#: mathtext gelesen und bräche die Abbildung ab).
STIL = {"text.parse_math": False}


def abbildungsfunktion(funktion):
    """Dekorator: die Funktion zeichnet im Berichtsstil (``STIL``), egal was zuvor eingestellt war."""

    @functools.wraps(funktion)
    def mit_stil(*args, **kwargs):
        with plt.rc_context(STIL):
            return funktion(*args, **kwargs)

    return mit_stil


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
            formate: dict[str, str] | None = None, zeilenkopf: bool = False) -> Html:
    """Eine barrierearme Tabelle (mit ``caption`` und ``th scope``), Inhalte maskiert.

    ``formate`` bildet Spaltennamen auf Formatstrings ab, z. B. ``{"Kosten": "{:,.0f} €"}``.
    ``zeilenkopf``: die erste Spalte benennt die Zeile (``th scope="row"``).
    """
    df = df.reset_index() if index else df
    formate = formate or {}
    kopf = "".join(f'<th scope="col">{text(s)}</th>' for s in df.columns)
    zeilen = []
    for zeile in df.itertuples(index=False):
        zellen = []
        for i, (spalte, wert) in enumerate(zip(df.columns, zeile, strict=True)):
            inhalt = text(_formatieren(wert, formate.get(spalte)))
            zellen.append(f'<th scope="row">{inhalt}</th>' if zeilenkopf and i == 0
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


def abbildung(fig: plt.Figure, alt: str, beschriftung: str | None = None) -> Html:
    """Bettet eine Abbildung als SVG-freies PNG mit Alternativtext ein und schließt sie.

    Der Alternativtext ist Pflicht (BITV 2.0 / WCAG 2.1 AA, 1.1.1).
    """
    puffer = io.BytesIO()
    fig.savefig(puffer, format="png", dpi=110, bbox_inches="tight",
                metadata={"Software": None})
    plt.close(fig)
    daten = base64.b64encode(puffer.getvalue()).decode("ascii")
    cap = f"<figcaption>{text(beschriftung)}</figcaption>" if beschriftung else ""
    return Html(f'<figure><img src="data:image/png;base64,{daten}" alt="{text(alt)}" '
                f'style="max-width:100%;height:auto">{cap}</figure>')


def link(ziel: str, beschriftung: str) -> Html:
    return Html(f'<a href="{text(ziel)}">{text(beschriftung)}</a>')
