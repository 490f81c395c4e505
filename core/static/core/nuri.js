// Small page behaviours, declared in the templates with data attributes: the
// Content-Security-Policy forbids inline event handlers (onsubmit=, onchange=).
//   <form data-confirm="…">       asks before submitting (cancel keeps the page)
//   <form data-autosubmit>        submits when any of its fields changes
//   <select data-autosubmit>      submits its form when it changes
(function () {
  "use strict";

  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      var message = form && form.getAttribute ? form.getAttribute("data-confirm") : null;
      if (message && !window.confirm(message)) {
        event.preventDefault();
      }
    },
    true
  );

  document.addEventListener("change", function (event) {
    var field = event.target;
    var form = field && field.form;
    if (!form) {
      return;
    }
    if (field.hasAttribute("data-autosubmit") || form.hasAttribute("data-autosubmit")) {
      if (typeof form.requestSubmit === "function") {
        form.requestSubmit();
      } else {
        form.submit();
      }
    }
  });
})();
