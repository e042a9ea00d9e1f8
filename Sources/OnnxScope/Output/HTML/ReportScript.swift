/// The one inline script of the model report: a filter box for the layer table and a
/// fold button on every row that has parts. It only adds to a page that is complete
/// without it: every row is in the HTML and visible; the filter box is shown (and the
/// buttons made) only when the script runs.
enum ReportScript {
    static let layerTable = """
    <script>
    (function () {
      var table = document.querySelector("#layers table");
      var search = document.getElementById("layer-search");
      if (!table || !search || !table.tBodies.length) return;
      document.documentElement.classList.add("js");
      var rows = Array.prototype.slice.call(table.tBodies[0].rows);
      function depth(row) { return Number(row.getAttribute("data-depth")) || 0; }
      rows.forEach(function (row, i) {
        var next = rows[i + 1];
        if (!next || depth(next) <= depth(row)) return;
        var button = document.createElement("button");
        button.type = "button";
        button.className = "fold";
        button.textContent = "\\u2212";
        button.setAttribute("aria-expanded", "true");
        button.setAttribute("aria-label", "fold the parts of " + row.getAttribute("data-layer"));
        button.addEventListener("click", function () {
          var open = button.getAttribute("aria-expanded") === "true";
          button.setAttribute("aria-expanded", open ? "false" : "true");
          button.textContent = open ? "+" : "\\u2212";
          for (var j = i + 1; j < rows.length && depth(rows[j]) > depth(row); j++) {
            rows[j].classList.toggle("collapsed-away", open);
            var inner = rows[j].querySelector("button.fold");
            if (inner && !open) { inner.setAttribute("aria-expanded", "true"); inner.textContent = "\\u2212"; }
          }
        });
        row.cells[0].insertBefore(button, row.cells[0].firstChild);
      });
      search.addEventListener("input", function () {
        var query = search.value.trim().toLowerCase();
        rows.forEach(function (row) {
          var text = (row.getAttribute("data-layer") + " " + row.getAttribute("data-kind")).toLowerCase();
          row.classList.toggle("filtered-away", query !== "" && text.indexOf(query) < 0);
        });
      });
    })();
    </script>
    """
}
