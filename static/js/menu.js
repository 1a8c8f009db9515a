/* The one behaviour of Bootstrap's JavaScript the pages use: the menu button that opens and
   closes the menu on a narrow screen (data-bs-toggle="collapse"). Loaded in <head> without
   defer on purpose: the "js" class is on <html> before the first paint, so without JavaScript
   the menu is simply shown open (tod.css) and never flashes open where JavaScript runs. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  document.addEventListener("click", function (event) {
    var button = event.target.closest('[data-bs-toggle="collapse"]');
    if (!button) return;
    var target = document.querySelector(button.getAttribute("data-bs-target"));
    if (!target) return;
    event.preventDefault();
    var open = target.classList.toggle("show");
    button.setAttribute("aria-expanded", open ? "true" : "false");
    button.classList.toggle("collapsed", !open);
  });
})();
