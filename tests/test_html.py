import matplotlib.pyplot as plt
import pandas as pd

from analyse.berichte import html

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


def test_abbildung_hat_alternativtext():
    fig, ax = plt.subplots()
    ax.plot([1, 2])
    a = html.abbildung(fig, alt='Linie "steigend" <b>', beschriftung="Abb. 1").inhalt
    assert 'alt="Linie &quot;steigend&quot; &lt;b&gt;"' in a
    assert a.startswith("<figure><img src=\"data:image/png;base64,")
    assert not plt.get_fignums()  # Abbildung wurde geschlossen


def test_deutsche_zahlen():
    assert html.zahl(1234567.891, 2) == "1.234.567,89"
    assert html.euro(25000) == "25.000\u00a0€"
    assert html.zahl(float("nan")) == "–"
