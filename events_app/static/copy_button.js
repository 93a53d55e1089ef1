// "Copy" next to a feed address; without JavaScript the address stays selectable.
(function () {
  "use strict";
  document.querySelectorAll("button.copy-button[data-copy]").forEach(function (button) {
    if (button.dataset.ready) { return; }
    button.dataset.ready = "1";
    button.hidden = false;
    button.addEventListener("click", function () {
      var input = document.getElementById(button.dataset.copy);
      var status = button.parentNode.querySelector(".copy-status");
      input.select();
      var done = function () { if (status) { status.textContent = interfaceWord("copied", "Copied."); } };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(input.value).then(done, function () {
          document.execCommand("copy");
          done();
        });
      } else {
        document.execCommand("copy");
        done();
      }
    });
  });
})();
