// Suggestions while a name is typed, in any spelling: a name field marked
// data-suggest="/people/suggest" (or several addresses, space-separated) asks
// each for ?q=the text and shows the records found in a listbox under it (a combobox, keyboard and
// pointer). Picking one fills the field with that record's own name, which the
// server links exactly. Without this script the field is a plain input and
// the server asks "did you mean" before saving.
// A field that also names a hidden id field (data-suggest-id="person", as the
// history's filters do) puts the picked record's id there, and empties it as
// soon as the name is typed again: the server then resolves the typed name.
(function () {
  "use strict";
  var DELAY_MS = 150;
  var listbox = document.createElement("ul");
  listbox.id = "name-suggestions";
  listbox.className = "suggestions";
  listbox.setAttribute("role", "listbox");
  listbox.setAttribute("aria-label", interfaceWord("suggestions", "Suggestions"));
  listbox.hidden = true;
  document.body.appendChild(listbox);
  var owner = null;   // the input the listbox belongs to now
  var active = -1;    // the highlighted option
  var timer = null;
  var asked = 0;      // answers to older requests are dropped

  function options() { return listbox.querySelectorAll("[role=option]"); }

  function hide() {
    listbox.hidden = true;
    listbox.replaceChildren();
    active = -1;
    if (owner) {
      owner.setAttribute("aria-expanded", "false");
      owner.removeAttribute("aria-activedescendant");
    }
    document.body.appendChild(listbox);  // out of the row, which may be cloned
  }

  function highlight(index) {
    var all = options();
    if (!all.length) { return; }
    active = (index + all.length) % all.length;
    all.forEach(function (option, position) {
      option.setAttribute("aria-selected", position === active ? "true" : "false");
    });
    owner.setAttribute("aria-activedescendant", all[active].id);
  }

  function idField(input) {
    var id = input.getAttribute("data-suggest-id");
    return id ? document.getElementById(id) : null;
  }

  function choose(option) {
    owner.value = option.getAttribute("data-name");
    if (idField(owner)) { idField(owner).value = option.getAttribute("data-id"); }
    owner.dispatchEvent(new Event("change", { bubbles: true }));
    hide();
  }

  function show(input, suggestions) {
    listbox.replaceChildren();
    active = -1;
    suggestions.forEach(function (suggestion, index) {
      var option = document.createElement("li");
      option.id = "name-suggestion-" + index;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.setAttribute("data-name", suggestion.name);
      option.setAttribute("data-id", suggestion.id);
      option.textContent = suggestion.name;
      if (suggestion.matched && suggestion.matched !== suggestion.name) {
        var matched = document.createElement("small");
        matched.textContent = " (" + suggestion.matched + ")";
        option.appendChild(matched);
      }
      option.addEventListener("mousedown", function (event) {
        event.preventDefault();  // keep the focus in the field
        choose(option);
      });
      listbox.appendChild(option);
    });
    if (!suggestions.length) { hide(); return; }
    input.after(listbox);
    listbox.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function suggest(input) {
    var text = input.value.trim();
    var number = ++asked;
    if (text.length < 2) { hide(); return; }
    var addresses = input.getAttribute("data-suggest").split(" ");
    Promise.all(addresses.map(function (address) {
      return fetch(address + "?q=" + encodeURIComponent(text), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      }).then(function (response) { return response.ok ? response.json() : []; });
    })).then(function (answers) {
      if (number !== asked || document.activeElement !== input) { return; }
      var all = [].concat.apply([], answers);
      all.sort(function (a, b) { return b.score - a.score; });
      owner = input;
      show(input, all.slice(0, 8));
    }).catch(function () { /* no suggestions; the form still works */ });
  }

  function prepare(input) {
    if (input.getAttribute("role") === "combobox") { return; }
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", listbox.id);
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("autocomplete", "off");
    input.removeAttribute("list");  // this listbox replaces the page's datalist
  }

  document.querySelectorAll("input[data-suggest]").forEach(prepare);

  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[data-suggest]")) { return; }
    prepare(input);
    if (idField(input)) { idField(input).value = ""; }
    owner = input;
    clearTimeout(timer);
    timer = setTimeout(function () { suggest(input); }, DELAY_MS);
  });

  document.addEventListener("keydown", function (event) {
    if (listbox.hidden || event.target !== owner) { return; }
    if (event.key === "ArrowDown") { event.preventDefault(); highlight(active + 1); }
    else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active - 1); }
    else if (event.key === "Enter" && active >= 0) { event.preventDefault(); choose(options()[active]); }
    else if (event.key === "Escape") { hide(); }
  });

  document.addEventListener("focusout", function (event) {
    if (event.target === owner) { hide(); }
  });
})();
