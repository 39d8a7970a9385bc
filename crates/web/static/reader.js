// Dossier's one script. It only enhances: every page works without it.
// - Keyboard shortcuts: j/k next and previous, o open, m mark read, / search.
// - The reading position: the block the reader has reached is saved to the
//   archive when they leave the page, and the page opens there next time.
"use strict";

(function () {
  var article = document.querySelector("article[data-document]");
  var entries = Array.prototype.slice.call(document.querySelectorAll("li[data-entry]"));

  function typing(target) {
    var name = target && target.tagName;
    return name === "INPUT" || name === "TEXTAREA" || name === "SELECT" || (target && target.isContentEditable);
  }

  // The library entry holding the focus, if any.
  function currentEntry() {
    var active = document.activeElement;
    for (var i = 0; i < entries.length; i++) {
      if (entries[i].contains(active)) {
        return i;
      }
    }
    return -1;
  }

  function focusEntry(index) {
    if (index < 0 || index >= entries.length) {
      return;
    }
    var link = entries[index].querySelector("h2 a");
    link.focus();
    link.scrollIntoView({ block: "nearest" });
  }

  function follow(rel) {
    var link = document.querySelector("a[rel=" + rel + "]");
    if (link) {
      window.location.href = link.href;
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) {
      return;
    }
    var key = event.key;
    if (key === "/") {
      var search = document.getElementById("search-q") || document.getElementById("quick-q");
      if (search) {
        event.preventDefault();
        search.focus();
      }
    } else if (entries.length > 0 && (key === "j" || key === "k")) {
      var index = currentEntry();
      focusEntry(index < 0 ? 0 : index + (key === "j" ? 1 : -1));
    } else if (entries.length > 0 && (key === "o" || key === "m")) {
      var selected = currentEntry();
      if (selected < 0) {
        return;
      }
      if (key === "o") {
        window.location.href = entries[selected].querySelector("h2 a").href;
      } else {
        entries[selected].querySelector("button.mark").click();
      }
    } else if (article && key === "j") {
      follow("next");
    } else if (article && key === "k") {
      follow("prev");
    } else if (article && key === "m") {
      document.querySelector("#read-form button").click();
    }
  });

  if (!article) {
    return;
  }

  // The reading position: the index, among the body's blocks (one element each),
  // of the first block still in view.
  var blocks = article.querySelector(".body").children;
  var saved = parseInt(article.getAttribute("data-position"), 10) || 0;
  var token = document.querySelector("#read-form input[name=csrf]");

  function reached() {
    for (var i = 0; i < blocks.length; i++) {
      if (blocks[i].getBoundingClientRect().bottom > 0) {
        return i;
      }
    }
    return 0;
  }

  if (saved > 0 && saved < blocks.length && !window.location.hash) {
    blocks[saved].scrollIntoView();
  }

  function save() {
    var position = reached();
    if (position === saved || !token) {
      return;
    }
    saved = position;
    var body = new URLSearchParams();
    body.set("csrf", token.value);
    body.set("position", String(position));
    navigator.sendBeacon("/documents/" + article.getAttribute("data-document") + "/position", body);
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      save();
    }
  });
  window.addEventListener("pagehide", save);
})();
