// The words the scripts show, in the page's language: base.html writes them
// as JSON into <script id="interface-words"> (events_app/language/interface.py).
// interfaceWord("copied", "Copied.") is the word, or the English given when
// the page has none; a counted word takes { num: count } and picks the
// language's plural form, "{num}" standing for the count.
var interfaceWord = (function () {
  "use strict";
  var words = {};
  var element = document.getElementById("interface-words");
  if (element) {
    try { words = JSON.parse(element.textContent) || {}; } catch (error) { words = {}; }
  }
  var language = document.documentElement.lang || "en";

  function fill(text, values) {
    Object.keys(values || {}).forEach(function (name) {
      text = text.split("{" + name + "}").join(String(values[name]));
    });
    return text;
  }

  return function (key, english, values) {
    var word = words[key];
    if (word && typeof word === "object") {
      var category = "other";
      try { category = new Intl.PluralRules(language).select(values.num); } catch (error) { /* "other" */ }
      word = word[category] || word.other;
    }
    return fill(typeof word === "string" ? word : english, values);
  };
})();
