"""Die PDF-Fassung eines Berichts: dieselbe Seite wie auf der Website, für den Druck vorbereitet.

``druckfassung`` macht aus der fertigen HTML-Seite ein in sich geschlossenes Dokument
(``bericht.css`` und ``druck.css`` eingebettet, Beschreibungen aufgeklappt), das der warme
Browser des Batch-Workers (``analyse.batch.browser``) als getaggtes A4-PDF druckt. Die
Druckregeln selbst (A4, Seitenzahlen, Kopfzeile, Tabellen) stehen nur in ``druck.css``; so
sieht ein PDF aus wie die gedruckte Website-Seite.
"""

from __future__ import annotations

import functools
import re
from importlib import resources

VORLAGEN = resources.files("analyse.berichte") / "vorlagen"
DRUCK_CSS = "druck.css"

#: Verweise auf die Stylesheets der Site, die in die Druckfassung eingebettet werden.
_LINK = re.compile(r'<link rel="stylesheet" href="(?:\.\./)*([a-z_]+\.css)"[^>]*>')
_DETAILS = re.compile(r"<details(?![^>]*\bopen\b)")
_TABELLE = re.compile(r"<table\b.*?</table>", re.S)
_ZEILE = re.compile(r"<tr\b.*?</tr>", re.S)
_ZELLE = re.compile(r"<t([hd])\b([^>]*)>(.*?)</t\1>", re.S)
_TAG = re.compile(r"<[^>]+>")
_TITEL = re.compile(r"<title>(.*?) – (.*?)</title>", re.S)

#: Ab so vielen Spalten gilt eine Tabelle als breit; ab so vielen Zeichen im Mittel ist eine
#: Spalte ein Fließtext (etwa „Begründung“), der im Druck den meisten Platz bekommt.
BREIT_AB_SPALTEN = 8
FLIESSTEXT_AB_ZEICHEN = 80


def css_text(wert: str) -> str:
    """Ein Text aus Daten als CSS-Zeichenkette (mit Anführungszeichen), sicher auch in ``<style>``.

    Alles außer Buchstaben, Ziffern, Leerzeichen und harmlosen Satzzeichen wird als
    ``\\HEX `` geschrieben; so kann weder ``"`` die Zeichenkette noch ``</style>`` das Element
    beenden.
    """
    erlaubt = set(" .,:;-–·()/")
    teile = []
    for z in str(wert):
        if z.isalnum() or z in erlaubt:
            teile.append(z)
        else:
            teile.append(f"\\{ord(z):x} ")
    return '"' + "".join(teile) + '"'


def kopfzeile(titel: str, site_titel: str) -> str:
    """Die laufende Kopfzeile: Bericht (Kommune) und Studie, ohne Wiederholung."""
    return titel if site_titel in titel else f"{titel} · {site_titel}"


def kopfzeile_css(text: str) -> str:
    """``@page``-Regel, die ``text`` oben links auf jede gedruckte Seite setzt."""
    return "@page { @top-left { content: " + css_text(text) + "; } }"


@functools.cache
def _stil(name: str) -> str:
    return (VORLAGEN / name).read_text(encoding="utf-8")


def druckfassung(html: str, auftrag=None) -> str:
    """Die Seite als in sich geschlossenes Druckdokument (für den Batch-Worker: ``(html, auftrag)``).

    Stylesheets der Site werden eingebettet (Medium ``print`` bleibt erhalten, die Druckansicht
    wertet es aus), ``<details>`` sind aufgeklappt. Bilder sind schon ``data:``-URIs; weitere
    Quellen lädt die Druckfassung nicht.
    """

    def einbetten(m: re.Match) -> str:
        name = m.group(1)
        if not (VORLAGEN / name).is_file():
            return ""
        medium = ' media="print"' if 'media="print"' in m.group(0) else ""
        return f"<style{medium}>\n{_stil(name)}\n</style>"

    html = _TABELLE.sub(lambda m: _fliesstext_markieren(m.group(0)), html)
    # Dokumenttitel des PDF ohne doppelte Studie („Abschlussbericht: X – X“ → „Abschlussbericht: X“)
    html = _TITEL.sub(lambda m: f"<title>{m.group(1)}</title>" if m.group(2) in m.group(1)
                      else m.group(0), html, count=1)
    return _DETAILS.sub("<details open", _LINK.sub(einbetten, html))


def _fliesstext_markieren(tabelle: str) -> str:
    """Markiert in einer breiten Tabelle die Fließtextspalte (``class="druck-fliesstext"`` am
    Spaltenkopf): Der Browser gibt ihr sonst kaum mehr Platz als ihrem längsten Wort, und die
    Tabelle wird seitenlang."""
    zeilen = _ZEILE.findall(tabelle)
    if not zeilen:
        return tabelle
    zellen = [_ZELLE.findall(z) for z in zeilen]
    spalten = max(len(z) for z in zellen)
    if spalten < BREIT_AB_SPALTEN or len(zellen[0]) != spalten:
        return tabelle
    laengen = [0] * spalten
    anzahl = [0] * spalten
    for zeile in zellen[1:]:
        if len(zeile) != spalten:
            continue
        for i, (_, _, inhalt) in enumerate(zeile):
            laengen[i] += len(_TAG.sub("", inhalt))
            anzahl[i] += 1
    mittel = [laengen[i] / anzahl[i] if anzahl[i] else 0 for i in range(spalten)]
    breit = max(range(spalten), key=mittel.__getitem__)
    if mittel[breit] < FLIESSTEXT_AB_ZEICHEN:
        return tabelle
    kopf = zeilen[0]
    treffer = list(_ZELLE.finditer(kopf))[breit]
    neu = (kopf[: treffer.start()] + f'<t{treffer.group(1)} class="druck-fliesstext"'
           + kopf[treffer.start() + 3:])
    return tabelle.replace(kopf, neu, 1)
