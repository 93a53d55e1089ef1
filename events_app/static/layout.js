// Disclosures that are open on wide screens and folded on narrow ones: the
// header menu and the filter panels (<details data-open-when="MEDIA QUERY">).
// Without this script app.css still shows their contents on wide screens; the
// script keeps the element's open state (and so what screen readers announce)
// in step with what is shown, and closes the panel again if the window narrows.
(function () {
  "use strict";
  function follow(details) {
    var query = window.matchMedia(details.getAttribute("data-open-when"));
    // Served open (a filter in error, say): stays open on every screen.
    var servedOpen = details.open;
    function apply() {
      details.open = servedOpen || query.matches;
    }
    apply();
    query.addEventListener("change", apply);
  }
  function start() {
    document.querySelectorAll("details[data-open-when]").forEach(follow);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
