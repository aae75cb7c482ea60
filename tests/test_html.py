from types import SimpleNamespace

import matplotlib.pyplot as plt
import pandas as pd

from analyse.berichte import html
from analyse.berichte.kleine_zellen import Diagrammdaten

BOESE = '<script>alert(1)</script>'


def test_text_wird_maskiert():
    for baustein in (html.absatz(BOESE), html.hinweis(BOESE), html.liste([BOESE]),
                     html.ueberschrift(BOESE), html.kennzahlen([(BOESE, BOESE)]),
                     html.link(BOESE, BOESE)):
        assert "<script>" not in baustein.inhalt
        assert "&lt;script&gt;" in baustein.inhalt


def test_tabelle_maskiert_kopf_und_zellen():
    df = pd.DataFrame({BOESE: [BOESE, None], "zahl": [1234.5, float("nan")]})
    t = html.tabelle(df, beschriftung=BOESE).inhalt
    assert "<script>" not in t
    assert t.count("&lt;script&gt;") == 4  # Kopf, Zelle, Beschriftung, Name des Rahmens
    assert "1.234,5" in t and "–" in t
    assert '<th scope="col">' in t and "<caption>" in t


def test_abbildung_hat_alternativtext_und_daten():
    studie = SimpleNamespace(studie=SimpleNamespace(berichte=SimpleNamespace(
        peer_mindestgroesse=5)))

    @html.abbildungsfunktion
    def linie(erg):
        fig, ax = plt.subplots()
        ax.plot([1, 2])
        return html.abbildung(fig, alt='Linie "steigend" <b>', beschriftung="Abb. 1",
                              daten=Diagrammdaten(pd.DataFrame({"x": [BOESE]}), {"alle": 5}))

    try:
        a = linie(studie).inhalt
    finally:
        html.ABBILDUNGEN.pop(f"{__name__}.{linie.__qualname__}", None)
    assert 'alt="Linie &quot;steigend&quot; &lt;b&gt;"' in a
    assert a.startswith('<figure class="abbildung"><img src="data:image/svg+xml;base64,')
    assert "<details" in a and "Daten zur Abbildung: Abb. 1" in a and "<script>" not in a
    assert not plt.get_fignums()  # Abbildung wurde geschlossen


def test_deutsche_zahlen():
    assert html.zahl(1234567.891, 2) == "1.234.567,89"
    assert html.euro(25000) == "25.000\u00a0€"
    assert html.zahl(float("nan")) == "–"
