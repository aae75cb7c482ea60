"""Was die Browserprüfungen an einer Seite messen, und wie Links gegen die Site geprüft werden.

Dieselben Funktionen prüfen die Demo-Site und absichtlich kaputte Seiten (so zeigt sich, dass
jede Prüfung scheitern kann).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from cdp import Browser, chromium_programm

WURZEL = Path(__file__).resolve().parents[2]
AXE = WURZEL / "node_modules" / "axe-core" / "axe.min.js"
#: WCAG 2.0 und 2.1, Stufen A und AA (BITV 2.0)
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
SCHMAL = 320  # CSS-px: 1280 px bei 400 % Zoom (WCAG 1.4.10)
BREIT = 1280
LOKAL = ("file", "data")

_AXE_LAUF = ("axe.run(document, {runOnly: {type: 'tag', values: %s}, resultTypes: ['violations']})"
             ".then(r => r.violations.map(v => ({id: v.id, hilfe: v.help, wirkung: v.impact, "
             "knoten: v.nodes.slice(0, 5).map(n => n.target.join(' '))})))")

#: Elemente, die rechts über den schmalen Viewport ragen, ohne in einem Scroll-Kasten zu liegen
#: (nur die äußersten: ihre Kinder ragen meist mit hinaus).
_ZU_BREIT = """(() => {
  const w = document.documentElement.clientWidth, aus = [];
  const innen = el => el.closest('.tabelle-rahmen') !== null;
  for (const el of document.querySelectorAll('body *')) {
    if (innen(el) || el.getBoundingClientRect().right <= w + 0.5) continue;
    const p = el.parentElement;
    if (p && p !== document.body && !innen(p) && p.getBoundingClientRect().right > w + 0.5) continue;
    aus.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : '') + ' ('
             + Math.round(el.getBoundingClientRect().right) + ' px): '
             + (el.textContent || '').trim().slice(0, 50));
  }
  return aus.slice(0, 8);
})()"""

_LINKS_UND_IDS = """({
  links: [...document.querySelectorAll('a[href], area[href], link[href]')]
           .map(a => ({href: a.getAttribute('href'), url: a.href})),
  ids: [...document.querySelectorAll('[id]')].map(e => e.id)
           .concat([...document.querySelectorAll('a[name]')].map(e => e.name)),
  tabellen: [...document.querySelectorAll('table')].map(t => ({
    beschriftung: (t.caption ? t.caption.textContent : '').trim(),
    zeilenkoepfe: t.querySelectorAll('tbody th[scope="row"]').length,
    zeilen: t.querySelectorAll('tbody tr').length}))
})"""


#: Jedes fokussierbare Element bekommt den Fokus; gemessen wird der Ring (Umriss innen,
#: Schatten außen) gegen den Hintergrund, auf dem er liegt (erster nicht transparenter Vorfahr).
#: Ergebnis: Anzahl geprüfter Elemente und die, deren bester Ring unter 3:1 bleibt.
_FOKUS = """(() => {
  const rgb = s => (s.match(/rgba?\\(([^)]+)\\)/) || [null, '0,0,0,0'])[1].split(',').map(Number);
  const lum = ([r, g, b]) => [r, g, b].map(c => { c /= 255;
    return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); })
    .reduce((s, c, i) => s + c * [0.2126, 0.7152, 0.0722][i], 0);
  const kontrast = (a, b) => { const x = lum(a), y = lum(b);
    return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
  const grund = el => { for (let e = el.parentElement; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor); if (c.length < 4 || c[3] > 0) return c; }
    return [255, 255, 255]; };
  const sel = 'a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])';
  const schlecht = []; let geprueft = 0;
  for (const el of document.querySelectorAll(sel)) {
    if (!el.getClientRects().length) continue;
    el.focus({focusVisible: true});
    if (document.activeElement !== el) continue;
    geprueft++;
    const st = getComputedStyle(el), hg = grund(el);
    const ringe = [];
    if (st.outlineStyle !== 'none' && parseFloat(st.outlineWidth) >= 2) ringe.push(rgb(st.outlineColor));
    const schatten = st.boxShadow.match(/rgba?\\([^)]+\\)/g) || [];
    schatten.forEach(c => ringe.push(rgb(c)));
    const bester = Math.max(0, ...ringe.map(r => kontrast(r, hg)));
    if (bester < 3) schlecht.push(el.tagName.toLowerCase() + ' "' + (el.textContent || '').trim()
                                  .slice(0, 30) + '": ' + bester.toFixed(2) + ':1');
  }
  document.activeElement && document.activeElement.blur();
  return {geprueft, schlecht: schlecht.slice(0, 10)};
})()"""


def im_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def fehlende_voraussetzungen() -> list[str]:
    """Was für die Browserprüfungen fehlt (leer: alles da)."""
    fehlt = []
    if chromium_programm() is None:
        fehlt.append("kein Chromium gefunden (Debian: apt-get install chromium)")
    if not AXE.is_file():
        fehlt.append(f"axe-core fehlt ({AXE.relative_to(WURZEL)}; im Projektordner: npm ci)")
    return fehlt


@dataclass
class Befund:
    """Messungen einer Seite."""

    url: str
    breite_schmal: int = 0
    zu_breit: list[str] = field(default_factory=list)
    verstoesse: list[dict] = field(default_factory=list)
    anfragen: list[str] = field(default_factory=list)
    skriptfehler: list[str] = field(default_factory=list)
    links: list[dict] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    tabellen: list[dict] = field(default_factory=list)
    fokus_geprueft: int = 0
    fokus_schwach: list[str] = field(default_factory=list)

    @property
    def fremde_anfragen(self) -> list[str]:
        return [u for u in self.anfragen if urlsplit(u).scheme not in LOKAL]


def seite_pruefen(browser: Browser, pfad: Path, axe_quelle: str) -> Befund:
    """Lädt die Seite schmal (320 px: Breite, Links) und breit (1280 px: axe-core)."""
    ab = len(browser.ereignisse)
    befund = Befund(url=pfad.resolve().as_uri())
    browser.laden(befund.url, SCHMAL)
    befund.breite_schmal = browser.auswerten(
        "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")
    if befund.breite_schmal > SCHMAL:
        befund.zu_breit = browser.auswerten(_ZU_BREIT)
    gefunden = browser.auswerten(_LINKS_UND_IDS)
    befund.links, befund.ids = gefunden["links"], set(gefunden["ids"])
    befund.tabellen = gefunden["tabellen"]
    browser.breite_setzen(BREIT)
    fokus = browser.auswerten(_FOKUS)
    befund.fokus_geprueft, befund.fokus_schwach = fokus["geprueft"], fokus["schlecht"]
    browser.auswerten(axe_quelle)
    befund.verstoesse = browser.auswerten(_AXE_LAUF % list(AXE_TAGS), warten=True)
    befund.anfragen = browser.anfragen(ab)
    befund.skriptfehler = browser.skriptfehler(ab)
    return befund


def defekte_links(befunde: dict[Path, Befund], site: Path) -> list[str]:
    """Interne Links (file:), deren Ziel fehlt, außerhalb der Site liegt oder deren Anker auf
    der Zielseite fehlt. Externe Links (https:, mailto:) prüft das nicht: Sie werden nicht
    geladen (keine Anfrage verlässt die Maschine)."""
    site = site.resolve()
    ids = {Path(unquote(urlsplit(b.url).path)): b.ids for b in befunde.values()}
    defekt = []
    for pfad, befund in befunde.items():
        for link in befund.links:
            teile = urlsplit(link["url"])
            if teile.scheme != "file":
                continue
            ziel = Path(unquote(teile.path))
            wo = f"{pfad.name}: {link['href']!r}"
            if site not in ziel.parents and ziel != site:
                defekt.append(f"{wo} zeigt aus der Site hinaus")
            elif not ziel.is_file():
                defekt.append(f"{wo}: {ziel.relative_to(site)} fehlt")
            elif teile.fragment and ziel.suffix == ".html":
                ziel_ids = ids.get(ziel)
                if ziel_ids is None:
                    defekt.append(f"{wo}: Zielseite wurde nicht geprüft")
                # wie der Browser: erst der Anker wörtlich, dann dekodiert (HTML-Standard)
                elif not {teile.fragment, unquote(teile.fragment)} & ziel_ids:
                    defekt.append(f"{wo}: Anker #{teile.fragment} fehlt")
    return defekt
