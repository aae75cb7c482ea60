(function () {
  var feld = document.getElementById("filter");
  if (!feld) return;
  var zeilen = Array.prototype.slice.call(document.querySelectorAll("#kommunenliste tbody tr"));
  var status = document.getElementById("treffer");
  function filtern() {
    var q = feld.value.trim().toLowerCase();
    var n = 0;
    zeilen.forEach(function (z) {
      var passt = !q || z.textContent.toLowerCase().indexOf(q) !== -1;
      z.hidden = !passt;
      if (passt) n++;
    });
    status.textContent = n + " von " + zeilen.length + " Kommunen";
  }
  feld.addEventListener("input", filtern);
  filtern();
})();
