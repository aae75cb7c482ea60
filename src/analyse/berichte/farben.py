"""Die eine Palette der Studie: Farbe, Marker und Schraffur je Kommunentyp und Handlungsfeld.

Jede Abbildung holt ihre Stile hier, damit „Optimierer“ oder „Daten & Wissen“ in jeder Abbildung
der Studie gleich aussieht. Die Zuteilung folgt einer festen Reihenfolge, nicht dem einzelnen
Bericht: Typen in der Reihenfolge des Typkatalogs, dann die in der Studie neu gebildeten Typen und
Varianten in der Reihenfolge des Typmodells, zuletzt der Mischtyp (grau); Handlungsfelder in der
Reihenfolge des Codebuchs, „Gesamt“ schwarz.

Die Farben sind die vier Okabe-Ito-Farben mit mindestens 3:1 Kontrast gegen Weiß (WCAG 1.4.11)
und vier dunkle Ergänzungen, gewählt so, dass sie sich auch bei simulierter Protanopie,
Deuteranopie und Tritanopie unterscheiden (``tests/test_farben.py`` prüft beides). Farbe trägt
nie allein Bedeutung: jede Reihe hat dazu einen eigenen Marker und eine eigene Schraffur.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.legend_handler import HandlerPatch
from matplotlib.patches import Patch, Rectangle

from analyse.ergebnisse.speicher import Ergebnisse

#: Okabe & Ito (2008): Blau, Zinnoberrot, Blaugrün, Rötlich-Lila; dazu Weinrot, Oliv, Violett und
#: Siena (Tol bzw. abgedunkelt), alle mit mindestens 3:1 gegen Weiß.
FARBEN: tuple[str, ...] = ("#0072B2", "#D55E00", "#009E73", "#CC79A7",
                           "#882255", "#999933", "#5A3A8C", "#A0522D")
MARKER: tuple[str, ...] = ("o", "s", "^", "D", "v", "P", "h", "*")
SCHRAFFUR: tuple[str, ...] = ("", "//", "\\\\", "xx", "||", "--", "++", "/-")
#: (nur Linienmuster: Punkt- und Kreismuster kosten im SVG je Abbildung bis zu 140 kB)

GESAMT_FARBE = "#000000"
GRAU = "#767676"  # Mischtyp und Zusammengefasstes (4,5:1 gegen Weiß)
#: Kanten von Flächen: trennen Nachbarflächen unabhängig von ihrer Farbe.
KANTE = "#222222"

MISCHTYP = "mischtyp"
#: Zusammengelegte kleine Gruppen (siehe ``kleine_zellen``) in Abbildungen.
WEITERE = "weitere"


@dataclass(frozen=True)
class Stil:
    farbe: str
    marker: str
    schraffur: str


def _stil(platz: int) -> Stil:
    # Ab dem neunten Platz wiederholt sich die Farbe, Marker und Schraffur aber verschoben: die
    # Kombination bleibt eindeutig.
    n = len(FARBEN)
    runde = platz // n
    return Stil(FARBEN[platz % n], MARKER[(platz + runde) % n], SCHRAFFUR[(platz + runde) % n])


def stile(ids: Iterable[str]) -> dict[str, Stil]:
    """Stile für Kennungen in fester Reihenfolge (Platz i bekommt Farbe i)."""
    return {i: _stil(p) for p, i in enumerate(dict.fromkeys(ids))}


def typ_reihenfolge(katalog: Iterable[str], modell: Iterable[str]) -> list[str]:
    """Alle Typen der Studie in Berichtsreihenfolge: Katalog, neue Typen/Varianten, Mischtyp."""
    katalog = list(katalog)
    neu = [t for t in modell if t not in katalog and t != MISCHTYP]
    return list(dict.fromkeys([*katalog, *neu, MISCHTYP]))


def typstile_aus(katalog: Iterable[str], modell: Iterable[str]) -> dict[str, Stil]:
    reihenfolge = typ_reihenfolge(katalog, modell)
    aus = stile(t for t in reihenfolge if t != MISCHTYP)
    aus[MISCHTYP] = Stil(GRAU, "x", "/")
    aus[WEITERE] = Stil("#4D4D4D", "+", "\\")
    return aus


def typstile(erg: Ergebnisse) -> dict[str, Stil]:
    """Stil je Kommunentyp der Studie (dieselben in jeder Abbildung)."""
    return typstile_aus([t.id for t in erg.typkatalog.typen],
                        [b.typ for b in erg.modell.kommunentypen.benennung])


def typen_der_studie(erg: Ergebnisse) -> list[str]:
    return typ_reihenfolge([t.id for t in erg.typkatalog.typen],
                           [b.typ for b in erg.modell.kommunentypen.benennung])


def feldstile_aus(felder: Iterable[str]) -> dict[str, Stil]:
    aus = stile(f for f in felder if f != "gesamt")
    aus["gesamt"] = Stil(GESAMT_FARBE, "o", "")
    return aus


def feldstile(erg: Ergebnisse) -> dict[str, Stil]:
    """Stil je Handlungsfeld (Codebuch-Reihenfolge) und ``gesamt`` (schwarz)."""
    return feldstile_aus(h.id for h in erg.fragebogen.handlungsfelder)


#: Reihen im Vergleichsdiagramm einer Kommune: eigener Wert, Median der Größenklasse. Der Median
#: des Typs nimmt die Farbe des Typs.
EIGEN = Stil(GESAMT_FARBE, "o", "")
GROESSENKLASSE = Stil(FARBEN[6], "s", "")


#: Richtungen der Linien je Schraffur (Winkel in Grad gegen die Waagerechte).
_SCHRAFFUR_WINKEL = {"//": (45,), "\\\\": (135,), "xx": (45, 135), "||": (90,), "--": (0,),
                     "++": (0, 90), "/-": (45, 0), "/": (45,), "\\": (135,)}


def _segmente(lx: float, ly: float, bx: float, by: float, muster: str,
              abstand: float) -> list[list[tuple[float, float]]]:
    """Schraffurlinien im Rechteck (gleiche Einheit auf beiden Achsen), an ihm abgeschnitten."""
    if not muster:
        return []
    x_lo, x_hi = sorted((lx, lx + bx))
    y_lo, y_hi = sorted((ly, ly + by))
    ecken = np.array([[x_lo, y_lo], [x_hi, y_lo], [x_lo, y_hi], [x_hi, y_hi]])
    segmente = []
    for winkel in _SCHRAFFUR_WINKEL.get(muster, (45,)):
        d = np.array([np.cos(np.radians(winkel)), np.sin(np.radians(winkel))])
        n = np.array([-d[1], d[0]])  # Linien sind {p : n·p = c}
        proj = ecken @ n
        for c in np.arange(np.ceil(proj.min() / abstand) * abstand, proj.max(), abstand):
            p = n * c
            t0, t1 = -np.inf, np.inf  # Liang-Barsky
            for k, lo, hi in ((0, x_lo, x_hi), (1, y_lo, y_hi)):
                if abs(d[k]) < 1e-12:
                    t0, t1 = (t0, t1) if lo <= p[k] <= hi else (1.0, 0.0)
                    continue
                u, v = (lo - p[k]) / d[k], (hi - p[k]) / d[k]
                t0, t1 = max(t0, min(u, v)), min(t1, max(u, v))
            if t1 > t0:
                segmente.append([tuple(p + t0 * d), tuple(p + t1 * d)])
    return segmente


def schraffieren(ax, x0: float, y0: float, breite: float, hoehe: float, muster: str,
                 farbe: str = "white", abstand_zoll: float = 0.085) -> None:
    """Schraffur als echte Linien im Rechteck (Datenkoordinaten), statt als Füllmuster.

    Füllmuster (``hatch``) werden im SVG zu ``<pattern>``; Chromium macht daraus im PDF je
    Fläche einen großen Strom (eine Abbildung mit 16 Flächen: 0,5 MB). Linien bleiben kleine
    Vektoren. Der Abstand gilt in Zoll; Achsengrenzen und Größe der Achsen müssen feststehen.
    """
    if not muster or breite <= 0 or hoehe <= 0:
        return
    fig, pos = ax.figure, ax.get_position()
    (xa, xb), (ya, yb) = ax.get_xlim(), ax.get_ylim()
    sx = pos.width * fig.get_figwidth() / (xb - xa)  # Zoll je Dateneinheit (mit Vorzeichen)
    sy = pos.height * fig.get_figheight() / (yb - ya)
    segmente = [[(x / sx, y / sy) for x, y in seg]
                for seg in _segmente(x0 * sx, y0 * sy, breite * sx, hoehe * sy, muster,
                                     abstand_zoll)]
    ax.add_collection(LineCollection(segmente, colors=farbe, linewidths=0.8, zorder=2.5),
                      autolim=False)


class _SchraffurGriff(HandlerPatch):
    """Legendenfeld mit Farbe und Schraffur als Linien (wie ``schraffieren``)."""

    def __init__(self, muster: str):
        super().__init__()
        self.muster = muster

    def create_artists(self, legend, orig_handle, xdescent, ydescent, width, height,
                       fontsize, trans):
        rechteck = Rectangle((-xdescent, -ydescent), width, height, transform=trans,
                             facecolor=orig_handle.get_facecolor(), edgecolor=KANTE,
                             linewidth=0.6)
        linien = LineCollection(_segmente(-xdescent, -ydescent, width, height, self.muster,
                                          4.5), colors="white", linewidths=0.8, transform=trans)
        return [rechteck, linien]


def legende(ax, eintraege: list[tuple[str, Stil]], **kwargs):
    """Legende für Flächen mit Farbe und Schraffur (``schraffieren``)."""
    griffe = [Patch(facecolor=stil.farbe, label=name) for name, stil in eintraege]
    karte = {g: _SchraffurGriff(stil.schraffur) for g, (_, stil) in zip(griffe, eintraege,
                                                                         strict=True)}
    return ax.legend(handles=griffe, handler_map=karte, **kwargs)
