/* Thrice web app: small behaviours on top of server-rendered pages (no inline scripts: the
   CSP allows scripts from this server only). */
(function () {
  "use strict";

  function onReady(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  onReady(function () {
    // Buttons that show and hide a form: <button data-toggle="id" aria-controls="id">.
    document.querySelectorAll("button[data-toggle]").forEach(function (button) {
      button.addEventListener("click", function () {
        var target = document.getElementById(button.dataset.toggle);
        if (!target) return;
        var open = target.hidden;
        target.hidden = !open;
        button.setAttribute("aria-expanded", open ? "true" : "false");
        if (open) {
          var first = target.querySelector("input:not([type=hidden]), select, textarea");
          if (first) first.focus();
        }
      });
    });

    // Copy buttons: <button data-copy="id"> copies that element's text (or an input's value).
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      button.addEventListener("click", function () {
        var source = document.getElementById(button.dataset.copy);
        if (!source) return;
        var text = "value" in source ? source.value : source.textContent.trim();
        var label = button.textContent;
        var done = function () {
          button.textContent = "Copied";
          setTimeout(function () { button.textContent = label; }, 1500);
        };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(text).then(done, function () {});
        } else {
          var area = document.createElement("textarea");
          area.value = text;
          document.body.appendChild(area);
          area.select();
          try { document.execCommand("copy"); done(); } catch (e) { /* nothing to do */ }
          area.remove();
        }
      });
    });

    // Import: show the progress line while the upload runs.
    document.querySelectorAll("form[data-progress]").forEach(function (form) {
      form.addEventListener("submit", function () {
        var line = document.getElementById(form.dataset.progress);
        if (line) line.hidden = false;
      });
    });

    // Pipeline: drag a card to another column; the status is saved at once.
    var board = document.querySelector(".board");
    if (board && window.Sortable) {
      var csrf = board.dataset.csrf;
      board.querySelectorAll("ul.cards").forEach(function (list) {
        window.Sortable.create(list, {
          group: "pipeline",
          forceFallback: true,  // mouse and touch events: the same on every browser and phone
          animation: 150,
          onAdd: function (event) {
            var card = event.item;
            var body = new FormData();
            body.append("csrf_token", csrf);
            body.append("status", event.to.dataset.status);
            fetch(card.dataset.url, {
              method: "POST", body: body, credentials: "same-origin",
              headers: { "X-Requested-With": "fetch" }
            }).then(function (response) {
              if (!response.ok) window.location.reload();
              else updateCounts(board);
            }, function () { window.location.reload(); });
          }
        });
      });
    }
  });

  function updateCounts(board) {
    board.querySelectorAll(".column").forEach(function (column) {
      var count = column.querySelector(".count");
      if (count) count.textContent = column.querySelectorAll("li.card").length;
    });
  }
})();
