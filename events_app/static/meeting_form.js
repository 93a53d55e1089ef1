// Small progressive enhancement of the meeting form; the form works fully without it.
(function () {
  "use strict";
  var form = document.getElementById("meeting-form");
  if (!form) { return; }

  // A new meeting starts in the browser's own time zone.
  var zoneInput = form.querySelector("[data-detect-timezone]");
  if (zoneInput && (!zoneInput.value || zoneInput.value === "UTC")) {
    try {
      var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      if (zone) { zoneInput.value = zone; }
    } catch (error) { /* keep the server default */ }
  }

  // After a failed save, the error summary takes the focus (its links lead on).
  var summary = document.getElementById("error-summary") || document.getElementById("disclosure");
  if (summary) { summary.focus(); }

  // Show a part of the form only when it applies; without this script all show.
  // Hidden fields are still posted, so nothing typed there is lost.
  function showWhen(elements, visible) {
    elements.forEach(function (element) { element.hidden = !visible; });
  }
  var confidentiality = form.querySelector("select[name=confidentiality]");
  var accessParts = form.querySelectorAll("[data-shown-for-confidentiality]");
  function updateAccess() {
    accessParts.forEach(function (part) {
      showWhen([part], confidentiality.value === part.getAttribute("data-shown-for-confidentiality"));
    });
  }
  if (confidentiality) {
    confidentiality.addEventListener("change", updateAccess);
    updateAccess();
  }
  var allDay = form.querySelector("input[name=all_day]");
  var timesOfDay = form.querySelectorAll(".time-of-day");
  function updateTimes() { showWhen(timesOfDay, !allDay.checked); }
  if (allDay) {
    allDay.addEventListener("change", updateTimes);
    updateTimes();
  }

  // "Add more rows" clones an empty row in place instead of reloading the page,
  // up to the number of rows the server accepts (data-maximum-rows).
  function stopAtMaximum(button, rowCount) {
    var maximum = parseInt(button.getAttribute("data-maximum-rows"), 10);
    if (!(rowCount >= maximum)) { return false; }
    button.disabled = true;
    if (!button.nextElementSibling || !button.nextElementSibling.matches("small.row-limit")) {
      var note = document.createElement("small");
      note.className = "help row-limit";
      note.textContent = " " + interfaceWord("at_most_rows", "At most {num} rows.", { num: maximum });
      button.after(note);
    }
    return true;
  }

  form.querySelectorAll("button[name=add_rows]").forEach(function (button) {
    stopAtMaximum(button, form.querySelectorAll("[data-row=" + button.value + "]").length);
    button.addEventListener("click", function (event) {
      var group = button.value;
      var rows = form.querySelectorAll("[data-row=" + group + "]");
      if (!rows.length) { return; }
      event.preventDefault();
      if (stopAtMaximum(button, rows.length)) { return; }
      var last = rows[rows.length - 1];
      var index = rows.length;
      var copy = last.cloneNode(true);
      copy.querySelectorAll("input, select, textarea, label, p.error").forEach(function (element) {
        if (element.matches("p.error")) { element.remove(); return; }
        ["id", "name", "for", "aria-describedby"].forEach(function (attribute) {
          var value = element.getAttribute(attribute);
          if (value) {
            element.setAttribute(attribute, value.replace(new RegExp("^" + group + "-\\d+-"), group + "-" + index + "-"));
          }
        });
        if (element.matches("input, textarea")) { element.value = ""; }
        if (element.matches("select")) { element.selectedIndex = element.querySelector("option[selected]") ? element.querySelector("option[selected]").index : 0; }
        element.removeAttribute("aria-invalid");
      });
      copy.querySelectorAll(".has-error").forEach(function (element) { element.classList.remove("has-error"); });
      last.after(copy);
      var first = copy.querySelector("input, textarea");
      if (first) { first.focus(); }
      stopAtMaximum(button, rows.length + 1);
    });
  });
})();
