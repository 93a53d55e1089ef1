// Disclosures that are open on wide screens and folded on narrow ones: the
// header menu and the filter panels (<details data-open-when="MEDIA QUERY">).
// Without this script app.css still shows their contents on wide screens; the
// script keeps the element's open state (and so what screen readers announce)
// in step with what is shown, and closes the panel again if the window narrows.
// The header's links stay in line on a wide screen only if they fit there
// (words run longer in Belarusian and French, and the product name and the
// user's address are anyone's): otherwise the header is marked .folded and
// shows the Menu button, as on a phone, rather than wrap or scroll sideways.
(function () {
  "use strict";
  function overflows(element) {
    return element.scrollWidth > element.clientWidth;
  }
  function follow(details) {
    var query = window.matchMedia(details.getAttribute("data-open-when"));
    // Served open (a filter in error, say): stays open on every screen.
    var servedOpen = details.open;
    var header = details.closest(".site-header");
    var bar = header && header.querySelector(".site-bar");
    var shownWide = null;
    function apply() {
      var wide = query.matches;
      if (bar) {
        // Measured in line (the fold undone first), as app.css lays it out.
        header.classList.remove("folded");
        if (wide && overflows(bar)) {
          header.classList.add("folded");
          wide = false;
        }
      }
      // Only when the layout changes: phones fire resize as their address bar
      // hides, which must not close a menu the user opened.
      if (wide !== shownWide) {
        details.open = servedOpen || wide;
        shownWide = wide;
      }
    }
    apply();
    query.addEventListener("change", apply);
    if (bar) {
      window.addEventListener("resize", apply);
      // Web fonts or late styles can change the widths after the first measure.
      window.addEventListener("load", apply);
    }
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
