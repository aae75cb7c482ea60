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

from analyse.ergebnisse.speicher import Ergebnisse

#: Okabe & Ito (2008): Blau, Zinnoberrot, Blaugrün, Rötlich-Lila; dazu Weinrot, Oliv, Violett und
#: Siena (Tol bzw. abgedunkelt), alle mit mindestens 3:1 gegen Weiß.
FARBEN: tuple[str, ...] = ("#0072B2", "#D55E00", "#009E73", "#CC79A7",
                           "#882255", "#999933", "#5A3A8C", "#A0522D")
MARKER: tuple[str, ...] = ("o", "s", "^", "D", "v", "P", "h", "*")
SCHRAFFUR: tuple[str, ...] = ("", "//", "..", "xx", "\\\\", "++", "oo", "--")

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

    def balken(self) -> dict:
        """Schlüsselwörter für ``ax.bar``/``ax.barh``: Farbe, Schraffur, sichtbare Kante."""
        return {"color": self.farbe, "hatch": self.schraffur, "edgecolor": KANTE,
                "linewidth": 0.6}


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
    aus[MISCHTYP] = Stil(GRAU, "x", "||")
    aus[WEITERE] = Stil("#4D4D4D", "+", "..")
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
