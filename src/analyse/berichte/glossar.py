"""Glossar einer Berichtsseite: erklärt jede Abkürzung und jedes Fachwort, das auf ihr vorkommt.

Die Begriffe stehen in einer Datei (``vorlagen/glossar.yml``). Welche davon eine Seite braucht,
ergibt sich aus ihrem Text: Die Abschnitte einer Seite werden beim Anzeigen gesammelt
(``html.angezeigter_text``), das Glossar steht als letzter Abschnitt und sieht sie alle.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import yaml

from analyse.berichte import html
from analyse.ressourcen import berichtsvorlage


@dataclass(frozen=True)
class Begriff:
    begriff: str
    erklaerung: str
    schreibweisen: tuple[str, ...]

    @property
    def anker(self) -> str:
        return "glossar-" + re.sub(r"[^a-z0-9]+", "-", self.begriff.lower()).strip("-")


@functools.cache
def begriffe() -> tuple[Begriff, ...]:
    """Alle Einträge der Glossardatei, alphabetisch (ohne Groß-/Kleinschreibung)."""
    daten = yaml.safe_load(berichtsvorlage("glossar.yml").read_text(encoding="utf-8"))
    eintraege = [Begriff(e["begriff"], e["erklaerung"], (e["begriff"], *e.get("auch", ())))
                 for e in daten["begriffe"]]
    return tuple(sorted(eintraege, key=lambda b: b.begriff.casefold()))


@functools.cache
def _muster(schreibweise: str) -> re.Pattern[str]:
    # Ganzes Wort: kein Buchstabe/keine Ziffer davor oder dahinter ("GK" in "GK 7", nicht in "GKx";
    # "PT" nicht in "PTB"). Bindestrich-Komposita zählen mit ("OZG-Leistung" enthält "OZG").
    return re.compile(rf"(?<![\w]){re.escape(schreibweise)}(?![\w])")


def _nur_text(inhalt: str) -> str:
    """Sichtbarer Text eines HTML-Fragments (ohne Tags, Attribute und eingebettete Bilder)."""
    inhalt = re.sub(r"<(script|style)\b.*?</\1>", " ", inhalt, flags=re.S | re.I)
    inhalt = re.sub(r"<[^>]+>", " ", inhalt)
    return html.unmaskieren(inhalt)


def gefunden(text: str) -> list[Begriff]:
    """Die Begriffe, die im (sichtbaren) Text vorkommen, alphabetisch."""
    sichtbar = _nur_text(text)
    return [b for b in begriffe() if any(_muster(s).search(sichtbar) for s in b.schreibweisen)]


KEINE_ABKUERZUNGEN = "Auf dieser Seite werden keine Abkürzungen verwendet."


def _liste(eintraege: list[Begriff]) -> str:
    zeilen = "".join(f'<dt id="{html.text(b.anker)}">{html.text(b.begriff)}</dt>'
                     f"<dd>{html.text(b.erklaerung)}</dd>" for b in eintraege)
    return f'<dl class="glossar">{zeilen}</dl>'


def glossar(zusatz: str = "") -> html.Html:
    """Das Glossar der Seite: alle Begriffe aus den bisher angezeigten Abschnitten (und ``zusatz``,
    etwa den Überschriften der Vorlage)."""
    eintraege = gefunden(html.angezeigter_text() + "\n" + zusatz)
    if not eintraege:
        return html.absatz(KEINE_ABKUERZUNGEN)
    return html.Html(_liste(eintraege))


_GLOSSAR = re.compile(r'<dl class="glossar">.*?</dl>', re.S)
_LEER = re.compile(r"<p>" + re.escape(KEINE_ABKUERZUNGEN) + "</p>")


def ergaenzen(seite: str, zusatz: str) -> str:
    """Das Glossar einer fertigen Seite um die Begriffe aus ``zusatz`` ergänzt.

    Für Text, der erst nach dem Notebook auf die Seite kommt (der Link auf die PDF-Fassung):
    auch er wird dort erklärt, wo die Seite ihre Abkürzungen erklärt. Seiten ohne Glossar
    bleiben, wie sie sind.
    """
    treffer = _GLOSSAR.search(seite)
    liste_alt = treffer.group(0) if treffer else ""
    vorhanden = [b for b in begriffe() if f'<dt id="{html.text(b.anker)}">' in liste_alt]
    neu = [b for b in gefunden(zusatz) if b not in vorhanden]
    if not neu:
        return seite
    liste = _liste(sorted({*vorhanden, *neu}, key=lambda b: b.begriff.casefold()))
    if treffer:
        return seite[:treffer.start()] + liste + seite[treffer.end():]
    return _LEER.sub(lambda _: liste, seite, count=1)
