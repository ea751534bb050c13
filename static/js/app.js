/* Focus and announcements around htmx updates, and the error summary's focus (issue 16).
 *
 * 1. Focus kept. Before an htmx request, the element that has the focus is remembered (its id,
 *    or its data-focus-key). After the swap, if the focus fell to <body> (the element was replaced
 *    with the content around it), it goes back to the same element in the new content (same id,
 *    else same data-focus-key), else to the swapped area itself (made focusable with
 *    tabindex="-1"), never lost to the top of the page. htmx 2 moves the focus by id itself for
 *    the element that had it; this covers the others (a page number that became the current
 *    page, a "more" link that was replaced by what it brought).
 *
 * 2. Changes announced. A page holds one short polite live region, [data-live-status]; a swapped
 *    fragment that carries [data-announce] (e.g. "6 members found", written by the server in the
 *    page's language) has its text put there, so a screen reader says the count, not the table.
 *    With data-announce-changes (a poll), only a text that differs from the last one is said.
 *
 * 3. Error summary. A form with errors renders templates/_error_summary.html
 *    ([data-error-summary], tabindex="-1"); it takes the focus when the page loads, and its links
 *    move the focus to the field they name (a link to an id only scrolls in some browsers).
 *
 * No inline script: the CSP forbids them. Loaded with defer from templates/base.html.
 */
(function () {
  "use strict";

  var remembered = null; // { id, key } of the element focused when the request began

  function focusedNothing() {
    var active = document.activeElement;
    return !active || active === document.body || !active.isConnected;
  }

  function remember() {
    var active = document.activeElement;
    if (!active || active === document.body) {
      remembered = null;
      return;
    }
    remembered = {
      element: active,
      id: active.id || "",
      key: active.getAttribute("data-focus-key") || "",
    };
  }

  function findAgain(memo) {
    if (!memo) {
      return null;
    }
    if (memo.id) {
      var byId = document.getElementById(memo.id);
      if (byId) {
        return byId;
      }
    }
    if (memo.key) {
      var byKey = document.querySelector('[data-focus-key="' + CSS.escape(memo.key) + '"]');
      if (byKey) {
        return byKey;
      }
    }
    return null;
  }

  function focusArea(area) {
    if (!area || !area.isConnected) {
      return;
    }
    if (!area.hasAttribute("tabindex")) {
      area.setAttribute("tabindex", "-1");
    }
    area.focus({ preventScroll: false });
  }

  function restoreFocus(event) {
    var memo = remembered;
    // Only when the focused element was swapped away and the focus fell to <body>: a poll
    // (a job's progress) never takes the focus, and a focus the user (or htmx's autofocus)
    // has moved stays where it is.
    if (!memo || memo.element.isConnected || !focusedNothing()) {
      return;
    }
    remembered = null;
    var again = findAgain(memo);
    if (again) {
      again.focus({ preventScroll: true });
      return;
    }
    // The swapped area: the target, or what replaced it (an outerHTML swap).
    var target = event.detail && event.detail.target;
    focusArea(target && target.isConnected ? target : event.target);
  }

  var announceTimer = null;

  function announce(root) {
    var source = root && root.querySelector ? root.querySelector("[data-announce]") : null;
    var region = document.querySelector("[data-live-status]");
    if (!source || !region) {
      return;
    }
    var text = source.textContent.replace(/\s+/g, " ").trim();
    // A poll (a job's progress) is said only when its words change.
    if (source.hasAttribute("data-announce-changes") && text === region.dataset.said) {
      return;
    }
    region.dataset.said = text;
    // Emptied first, so the same count said again (another letter typed) is announced again.
    region.textContent = "";
    clearTimeout(announceTimer);
    announceTimer = setTimeout(function () {
      region.textContent = text;
    }, 100);
  }

  // What a poll shows when the page loads is not news: remember it as said.
  function rememberShown() {
    var source = document.querySelector("[data-announce-changes]");
    var region = document.querySelector("[data-live-status]");
    if (source && region) {
      region.dataset.said = source.textContent.replace(/\s+/g, " ").trim();
    }
  }

  function focusErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  }

  // A link of the summary: focus the field (and bring its label into view).
  function followSummaryLink(event) {
    var link = event.target.closest ? event.target.closest("[data-error-summary] a[href^='#']") : null;
    if (!link) {
      return;
    }
    var field = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (!field) {
      return;
    }
    event.preventDefault();
    var label = field.id ? document.querySelector('label[for="' + CSS.escape(field.id) + '"]') : null;
    var legend = field.closest("fieldset") ? field.closest("fieldset").querySelector("legend") : null;
    (legend || label || field).scrollIntoView({ block: "start" });
    field.focus({ preventScroll: true });
  }

  document.addEventListener("htmx:beforeRequest", remember);
  document.addEventListener("htmx:afterSettle", function (event) {
    restoreFocus(event);
    announce(event.target);
  });
  document.addEventListener("click", followSummaryLink);

  function ready() {
    rememberShown();
    focusErrorSummary();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
