/* Stacked tables on narrow screens: each cell carries its column's heading as
   data-label, which patchbay.css shows beside the value when a row becomes a block.
   Runs on load and on every piece of page htmx swaps in (a polled table). */
(function () {
  "use strict";

  function headings(table) {
    var row = table.tHead && table.tHead.rows[0];
    if (!row) { return []; }
    var names = [];
    Array.prototype.forEach.call(row.cells, function (cell) {
      var name = cell.textContent.replace(/\s+/g, " ").trim();
      for (var i = 0; i < (cell.colSpan || 1); i += 1) { names.push(name); }
    });
    return names;
  }

  function label(table) {
    var names = headings(table);
    if (!names.length) { return; }
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          if ((cell.colSpan || 1) === 1 && names[column] && !cell.hasAttribute("data-label")) {
            cell.setAttribute("data-label", names[column]);
          }
          column += cell.colSpan || 1;
        });
      });
    });
  }

  function labelAll(root) {
    var scope = root && root.querySelectorAll ? root : document;
    if (scope.matches && scope.matches("table.data")) { label(scope); }
    Array.prototype.forEach.call(scope.querySelectorAll("table.data"), label);
  }

  document.addEventListener("DOMContentLoaded", function () { labelAll(document); });
  document.addEventListener("htmx:load", function (event) { labelAll(event.target); });
}());
