// Filtern und Sortieren der Kommunentabelle. Ohne JavaScript bleibt die Tabelle vollständig
// (alle Zeilen, alle Links); das Suchfeld erscheint erst, wenn dieses Skript läuft.
(function () {
  var tabelle = document.getElementById("kommunenliste");
  if (!tabelle) return;
  var koerper = tabelle.tBodies[0];
  var zeilen = Array.prototype.slice.call(koerper.rows);
  var feld = document.getElementById("filter");
  var status = document.getElementById("treffer");
  if (feld) {
    feld.parentNode.hidden = false;
    var filtern = function () {
      var q = feld.value.trim().toLowerCase();
      var n = 0;
      zeilen.forEach(function (z) {
        var passt = !q || z.textContent.toLowerCase().indexOf(q) !== -1;
        z.hidden = !passt;
        if (passt) n++;
      });
      status.textContent = n + " von " + zeilen.length + " Kommunen";
    };
    feld.addEventListener("input", filtern);
    filtern();
  }
  // Sortieren: jeder Spaltenkopf wird ein Knopf; aria-sort sagt Screenreadern die Richtung.
  var koepfe = Array.prototype.slice.call(tabelle.tHead.rows[0].cells);
  koepfe.forEach(function (kopf, spalte) {
    var knopf = document.createElement("button");
    knopf.type = "button";
    knopf.className = "sortieren";
    knopf.textContent = kopf.textContent;
    kopf.textContent = "";
    kopf.appendChild(knopf);
    knopf.addEventListener("click", function () {
      var auf = kopf.getAttribute("aria-sort") !== "ascending";
      koepfe.forEach(function (k) { k.removeAttribute("aria-sort"); });
      kopf.setAttribute("aria-sort", auf ? "ascending" : "descending");
      var wert = function (z) {
        var zelle = z.cells[spalte];
        return zelle.getAttribute("data-wert") || zelle.textContent.trim();
      };
      zeilen.sort(function (a, b) {
        var x = wert(a), y = wert(b);
        var r = x.localeCompare(y, "de", { numeric: true });
        return auf ? r : -r;
      });
      zeilen.forEach(function (z) { koerper.appendChild(z); });
    });
  });
})();
