// Reload a progress page every few seconds while a matching run is working (the page also has a
// plain "Refresh" link for browsers without JavaScript).
(function () {
  "use strict";
  var link = document.querySelector("[data-refresh]");
  if (!link) { return; }
  var seconds = parseInt(link.getAttribute("data-refresh"), 10) || 2;
  window.setTimeout(function () { window.location.reload(); }, seconds * 1000);
})();
