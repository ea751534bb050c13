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
 * 4. Scroll boxes. A table's .table-responsive that overflows with nothing focusable inside
 *    becomes a focusable, named region, so a keyboard can scroll it (WCAG 2.1.1).
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
    var link = event.target.closest
      ? event.target.closest("[data-error-summary] a[href^='#']")
      : null;
    if (!link) {
      return;
    }
    var field = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (!field) {
      return;
    }
    event.preventDefault();
    var label = document.querySelector('label[for="' + CSS.escape(field.id) + '"]');
    var fieldset = field.closest("fieldset");
    var legend = fieldset ? fieldset.querySelector("legend") : null;
    (legend || label || field).scrollIntoView({ block: "start" });
    field.focus({ preventScroll: true });
  }

  // A table's scroll box that overflows (a phone) and holds nothing focusable cannot be scrolled
  // by keyboard (WCAG 2.1.1; axe's scrollable-region-focusable): it becomes a focusable region
  // named by the table's caption or its card's heading, and stops being one when it no longer
  // overflows. What a template set itself (tabindex, role, a name) is left alone.
  var FOCUSABLE = "a[href], button, input, select, textarea, [tabindex]";

  function regionName(box) {
    var caption = box.querySelector("caption");
    var holder = box.closest("section, .card");
    var heading = holder ? holder.querySelector("h1, h2, h3, h4, h5, h6, .card-header") : null;
    var source = caption || heading;
    return source ? source.textContent.replace(/\s+/g, " ").trim() : "";
  }

  function scrollBoxes(root) {
    var scope = root && root.querySelectorAll ? root : document;
    var boxes = Array.prototype.slice.call(scope.querySelectorAll(".table-responsive"));
    boxes.forEach(function (box) {
      var ours = box.hasAttribute("data-scroll-region");
      if (box.hasAttribute("tabindex") && !ours) {
        return;
      }
      var stuck = box.scrollWidth > box.clientWidth && !box.querySelector(FOCUSABLE);
      if (stuck && !ours) {
        var added = ["tabindex"];
        box.setAttribute("tabindex", "0");
        var named = box.hasAttribute("aria-label") || box.hasAttribute("aria-labelledby");
        var name = named ? "" : regionName(box);
        if (name && !box.hasAttribute("role")) {
          box.setAttribute("role", "region");
          box.setAttribute("aria-label", name);
          added.push("role", "aria-label");
        }
        box.setAttribute("data-scroll-region", added.join(" "));
      } else if (!stuck && ours) {
        box.getAttribute("data-scroll-region").split(" ").forEach(function (attribute) {
          box.removeAttribute(attribute);
        });
        box.removeAttribute("data-scroll-region");
      }
    });
  }

  var resizeTimer = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(scrollBoxes, 200);
  });

  document.addEventListener("htmx:beforeRequest", remember);
  document.addEventListener("htmx:afterSettle", function (event) {
    restoreFocus(event);
    announce(event.target);
    scrollBoxes(event.target);
  });
  document.addEventListener("click", followSummaryLink);

  function ready() {
    scrollBoxes();
    rememberShown();
    focusErrorSummary();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
