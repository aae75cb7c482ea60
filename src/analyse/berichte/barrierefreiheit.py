"""Die Erklärung zur Barrierefreiheit der Website (BITV 2.0 § 7, Durchführungsbeschluss
(EU) 2018/1523, Mustererklärung).

Aufbau wie im Muster: für welche Website sie gilt, Stand der Vereinbarkeit, nicht barrierefreie
Inhalte mit Begründung, Erstellung (Datum und Methode), Feedback und Kontakt,
Durchsetzungsverfahren. Kontakt und Durchsetzungsstelle stehen in ``studie.yml``
(``barrierefreiheit``); was erfüllt ist und was nicht, steht hier, an einer Stelle, und folgt
dem, was die Software prüft (``tests/browser/``) und was auf der Site liegt (PDF, Excel).
Alles aus Daten ist maskiert (``html``).
"""

from __future__ import annotations

from analyse.berichte import html
from analyse.eingabe.studie import BarrierefreiheitAngaben, Studie

DATEI = "barrierefreiheit.html"
TITEL = "Erklärung zur Barrierefreiheit"
#: Version von axe-core in ``package.json`` (ein Test hält beide gleich).
AXE_VERSION = "4.14.1"

#: Was die Seiten erfüllen und die Browserprüfung bei jeder Änderung der Software belegt.
ERFUELLT = (
    "Automatisierte Prüfung: axe-core findet mit den Regeln für WCAG 2.0 und 2.1, Stufen A und "
    "AA, auf keiner Seite einen Verstoß.",
    "Umbruch (WCAG 1.4.10): Bei 320 CSS-Pixeln Breite (400 % Zoom) scrollt keine Seite "
    "seitwärts; nur breite Tabellen scrollen in einem eigenen Rahmen, der per Tastatur "
    "erreichbar und benannt ist. Lange Wörter brechen um.",
    "Fokus (WCAG 2.4.7, 1.4.11): Jedes bedienbare Element zeigt den Tastaturfokus als doppelten "
    "Ring (weiß und fast schwarz) mit mindestens 3:1 Kontrast auf jedem Hintergrund.",
    "Tabellen haben eine Beschriftung, Spaltenköpfe und, wo eine Spalte die Zeile benennt, "
    "Zeilenköpfe (WCAG 1.3.1).",
    "Jede Abbildung hat eine Textalternative, und ihre Daten stehen als Tabelle darunter "
    "(„Daten zur Abbildung“, WCAG 1.1.1).",
    "Die Sprache jeder Seite ist Deutsch ausgezeichnet; jede Seite hat einen Titel, eine "
    "Überschriftenfolge und einen Link „Zum Inhalt springen“.",
    "Keine Inhalte von fremden Servern: keine Schriften, Skripte oder Zähler von außen, "
    "keine Cookies.",
    "Die Liste der Kommunenberichte ist auch ohne JavaScript vollständig.",
)


def nicht_barrierefrei(downloads: list[str], quarto: bool = False) -> list[tuple[str, str]]:
    """Inhalte, die nicht (oder nicht nachweislich) barrierefrei sind, mit Begründung.

    ``downloads``: die Dateien, die auf der Site liegen (``website.downloads``).
    """
    punkte = [
        ("Leichte Sprache und Deutsche Gebärdensprache (BITV 2.0 § 4)",
         "Die Startseite erläutert Inhalte, Navigation und diese Erklärung nicht in Leichter "
         "Sprache und nicht in Deutscher Gebärdensprache. Das ist noch nicht umgesetzt "
         "(Unvereinbarkeit mit der BITV 2.0)."),
        ("Diagramme",
         "Die Diagramme sind als Bilder eingebettet: Ihre Beschriftungen lassen sich nicht "
         "markieren, und ein Screenreader liest nur die Textalternative, nicht das Bild. Die "
         "Werte stehen deshalb in einer Tabelle unter jedem Diagramm. Farben tragen mit Markern, "
         "Mustern oder Beschriftungen Bedeutung; ob jedes Diagramm ohne Farbwahrnehmung und bei "
         "starker Vergrößerung vollständig lesbar ist (WCAG 1.4.1, 1.4.11), ist nicht von "
         "Menschen geprüft."),
        ("Bedienung mit Hilfsmitteln",
         "Die Prüfung ist automatisiert. Sie deckt nur einen Teil der Anforderungen ab: ob "
         "Texte verständlich, Alternativtexte treffend und die Seiten mit Screenreader und "
         "Sprachsteuerung gut bedienbar sind, ist nicht durch Menschen mit diesen Hilfsmitteln "
         "geprüft (kein BITV-Test durch Dritte)."),
    ]
    if any(d.endswith(".pdf") for d in downloads):
        punkte.append((
            "PDF-Fassungen der Berichte",
            "Die PDF-Dateien werden automatisch aus den Seiten erzeugt und mit Struktur, Sprache "
            "und Titel versehen, aber nicht nach PDF/UA (Matterhorn-Protokoll) geprüft. Die "
            "barrierefreie Fassung desselben Inhalts ist die HTML-Seite des Berichts."))
    if any(d.endswith(".xlsx") for d in downloads):
        punkte.append((
            "Excel-Arbeitsbücher (Maßnahmen, Roadmap, Verbandsplan, Selbstauskunft)",
            "Die Arbeitsbücher sind nicht auf Barrierefreiheit geprüft. Ihre Inhalte stehen auch "
            "auf den Berichtsseiten; wer die Selbstauskunft nicht im Arbeitsbuch ausfüllen "
            "kann, erhält über den Kontakt unten eine andere Form."))
    if quarto:
        punkte.append((
            "Bestandteile von Quarto",
            "Diese Website wurde mit Quarto erzeugt. Die Browserprüfung läuft auf dem gleichwertigen "
            "nbconvert-Weg; Quartos eigene Bestandteile (Navigationsleiste, Suche, "
            "Inhaltsverzeichnis) sind nicht automatisiert geprüft."))
    return punkte


def _kontakt(a: BarrierefreiheitAngaben) -> html.Html:
    zeilen = [html.Html(f"<p>{html.text(a.stelle)}")]
    if a.anschrift:
        zeilen.append(html.Html(f"<br>{html.text(a.anschrift)}"))
    zeilen.append(html.Html("<br>E-Mail: ") + html.link(f"mailto:{a.email}", a.email))
    if a.telefon:
        zeilen.append(html.Html(f"<br>Telefon: {html.text(a.telefon)}"))
    return html.Html("".join(z.inhalt for z in zeilen) + "</p>")


def _durchsetzung(a: BarrierefreiheitAngaben) -> html.Html:
    d = a.durchsetzung
    zeilen = [html.Html(f"<p>{html.text(d.name)}")]
    if d.anschrift:
        zeilen.append(html.Html(f"<br>{html.text(d.anschrift)}"))
    if d.email:
        zeilen.append(html.Html("<br>E-Mail: ") + html.link(f"mailto:{d.email}", d.email))
    if d.telefon:
        zeilen.append(html.Html(f"<br>Telefon: {html.text(d.telefon)}"))
    if d.webseite:
        zeilen.append(html.Html("<br>Internet: ") + html.link(d.webseite, d.webseite))
    return html.Html("".join(z.inhalt for z in zeilen) + "</p>")


def _datum(tag) -> str:
    return f"{tag:%d.%m.%Y}"


def inhalt(studie: Studie, downloads: list[str], quarto: bool = False) -> html.Html:
    """Die Erklärung als sicheres HTML (eine h1, Abschnitte als h2)."""
    a = studie.barrierefreiheit
    stelle = a.stelle if a else studie.verband
    website = (f"die Website {a.webadresse}" if a and a.webadresse
               else f"diese Website mit den Berichten der Studie „{studie.titel}“")
    teile = [
        html.ueberschrift(TITEL, 1),
        html.absatz(f"{stelle} ist bemüht, die Website im Einklang mit der "
                    "Barrierefreie-Informationstechnik-Verordnung (BITV 2.0) beziehungsweise den "
                    "entsprechenden Vorschriften des Landes barrierefrei zugänglich zu machen; "
                    "sie setzen die Richtlinie (EU) 2016/2102 um (Anforderungen: EN 301 549, "
                    f"WCAG 2.1 Stufe AA). Diese Erklärung gilt für {website}."),
    ]
    if a is None:
        teile.append(html.hinweis(
            "In studie.yml fehlt der Abschnitt barrierefreiheit: Kontakt für Rückmeldungen, "
            "Datum der Erklärung und Durchsetzungsstelle sind nicht angegeben. Ohne sie "
            "erfüllt diese Erklärung die BITV 2.0 nicht."))
    teile += [
        html.ueberschrift("Stand der Vereinbarkeit mit den Anforderungen", 2, "stand"),
        html.absatz("Diese Website ist wegen der folgenden Unvereinbarkeiten und Ausnahmen "
                    "teilweise mit der BITV 2.0 vereinbar."),
        html.ueberschrift("Was erfüllt ist", 3, "erfuellt"),
        html.liste(ERFUELLT),
        html.ueberschrift("Nicht barrierefreie Inhalte", 2, "nicht-barrierefrei"),
        html.absatz("Die folgenden Inhalte sind nicht oder nicht nachweislich barrierefrei:"),
        html.Html("<ul>" + "".join(
            f"<li><strong>{html.text(was)}:</strong> {html.text(warum)}</li>"
            for was, warum in nicht_barrierefrei(downloads, quarto)) + "</ul>"),
        html.ueberschrift("Erstellung dieser Erklärung", 2, "erstellung"),
    ]
    if a is not None:
        ueberprueft = (f" und zuletzt am {_datum(a.ueberprueft)} überprüft"
                       if a.ueberprueft else "")
        teile.append(html.absatz(f"Diese Erklärung wurde am {_datum(a.datum)} erstellt"
                                 f"{ueberprueft}."))
    teile += [
        html.absatz(f"Methode: eine Selbstbewertung durch {stelle} und eine automatisierte "
                    f"Prüfung der Seitenvorlagen. Bei jeder Änderung der Software lädt ein Test "
                    f"jede Seite einer Demostudie in Chromium und prüft sie mit axe-core "
                    f"{AXE_VERSION} (Regeln für WCAG 2.0 und 2.1, Stufen A und AA), bei 320 "
                    f"CSS-Pixeln Breite auf seitliches Scrollen, auf Anfragen an fremde Server "
                    f"und auf defekte Links. Die Seiten dieser Website entstehen aus denselben "
                    f"Vorlagen."),
        html.ueberschrift("Feedback und Kontakt", 2, "feedback"),
    ]
    if a is not None:
        teile += [html.absatz("Sind Ihnen Mängel beim barrierefreien Zugang aufgefallen, oder "
                              "brauchen Sie einen Inhalt dieser Website in einer anderen Form? "
                              "Dann schreiben Sie uns:"),
                  _kontakt(a),
                  html.ueberschrift("Durchsetzungsverfahren", 2, "durchsetzung"),
                  html.absatz("Wenn Sie auf Ihre Rückmeldung keine oder keine "
                              "zufriedenstellende Antwort erhalten, können Sie sich an die "
                              "zuständige Durchsetzungs- und Schlichtungsstelle wenden. Das "
                              "Verfahren ist kostenlos; Sie brauchen keinen Rechtsbeistand."),
                  _durchsetzung(a)]
    else:
        teile.append(html.absatz("Keine Kontaktangaben hinterlegt."))
    return html.Html.verbinden(teile)
