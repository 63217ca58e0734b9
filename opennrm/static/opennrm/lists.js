// Country and language lists are rendered lean (opennrm/locales.py): the region's entries and
// the chosen ones. This adds every other one from the page language's list, fetched once and
// kept by the browser's cache.
(function () {
  "use strict";
  var where = (document.currentScript && document.currentScript.dataset.lists) || "";
  var pending = null;
  function load() {
    if (!pending) {
      var lang = document.documentElement.lang || "en";
      pending = fetch(where + lang + ".json", { credentials: "omit" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .catch(function () { return null; });
    }
    return pending;
  }
  function fill(root) {
    var selects = root.querySelectorAll("select[data-list]:not([data-filled])");
    if (!selects.length) return;
    load().then(function (lists) {
      if (!lists) return;
      selects.forEach(function (select) {
        var entries = lists[select.dataset.list];
        if (!entries) return;
        var chosen = Array.prototype.map.call(select.selectedOptions, function (o) { return o.value; });
        var groups = select.querySelectorAll("optgroup");
        for (var i = 1; i < groups.length; i++) groups[i].remove();
        var group = document.createElement("optgroup");
        group.label = lists.others;
        entries.forEach(function (entry) {
          var option = new Option(entry[1], entry[0]);
          option.selected = chosen.indexOf(entry[0]) >= 0;
          group.appendChild(option);
        });
        select.appendChild(group);
        select.dataset.filled = "1";
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { fill(document); });
  document.addEventListener("htmx:afterSwap", function (event) { fill(event.target); });
})();
