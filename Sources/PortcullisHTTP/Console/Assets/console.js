// Portcullis admin console: the only script the pages load (CSP: script-src 'self').
// Forms marked data-confirm ask before they post; nothing else needs script.
"use strict";
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form && form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
