/* Searchable chapter and cell pickers (members/pickers.py, templates/members/_picker.html).
 *
 * The ARIA combobox pattern with a listbox popup: the text box keeps the focus, the options are
 * pointed at with aria-activedescendant. As the user types, the server's matches (an HTML
 * fragment of <li role="option">, escaped by Django) replace the listbox's content. The hidden
 * input holds the chosen unit's key, which is what the form submits; choosing one fires
 * "input" and "change" on it, so a form that reloads on input (the register) reloads.
 *
 * Keys: Down opens the list or moves down, Up moves up, Enter chooses, Escape closes the list
 * and puts back the chosen name, Tab leaves (an emptied box means "all").
 *
 * The count of matches ("6 chapters found", the server's words in the page's language, in the
 * fragment's hidden [data-announce] item) is said through the picker's own polite status.
 */
(function () {
  "use strict";

  var DELAY = 200; // ms after the last key before asking the server

  function setup(root) {
    if (root.dataset.pickerReady) {
      return;
    }
    root.dataset.pickerReady = "true";
    var input = root.querySelector("[data-picker-input]");
    var hidden = root.querySelector("[data-picker-value]");
    var list = root.querySelector("[role=listbox]");
    var status = root.querySelector("[data-picker-status]");
    var statusTimer = null;
    var chosenLabel = input.value;
    var timer = null;
    var controller = null;
    var active = -1;

    function options() {
      return Array.prototype.slice.call(
        list.querySelectorAll("[role=option]:not([aria-disabled=true])")
      );
    }

    function isOpen() {
      return !list.hidden;
    }

    function open() {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var items = options();
      items.forEach(function (item, i) {
        item.setAttribute("aria-selected", i === index ? "true" : "false");
        item.classList.toggle("active", i === index);
      });
      active = index;
      if (index >= 0 && items[index]) {
        input.setAttribute("aria-activedescendant", items[index].id);
        items[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function chapterValue() {
      var name = root.dataset.chapterField;
      if (!name) {
        return "";
      }
      var scope = input.form || document;
      var field = scope.querySelector('[name="' + name + '"]');
      return field ? field.value : "";
    }

    // The text typed, or nothing when the box still shows the chosen name (then every unit).
    function query() {
      return input.value === chosenLabel ? "" : input.value;
    }

    function load(text, thenHighlight) {
      if (controller) {
        controller.abort();
      }
      controller = new AbortController();
      var params = new URLSearchParams({ q: text, key: root.dataset.key });
      var chapter = chapterValue();
      if (chapter) {
        params.set("chapter", chapter);
      }
      fetch(root.dataset.url + "?" + params.toString(), {
        signal: controller.signal,
        credentials: "same-origin",
        headers: { "HX-Request": "true" },
      })
        .then(function (response) {
          return response.ok ? response.text() : "";
        })
        .then(function (html) {
          list.innerHTML = html;
          Array.prototype.forEach.call(list.children, function (item, i) {
            item.id = list.id + "-" + i;
          });
          if (document.activeElement === input) {
            open();
            highlight(thenHighlight && options().length ? 0 : -1);
            announce();
          }
        })
        .catch(function () {
          /* aborted by a newer query, or offline: keep the list as it is */
        });
    }

    // Emptied first, so the same count said again (another letter typed) is announced again.
    function announce() {
      var said = list.querySelector("[data-announce]");
      if (!status || !said) {
        return;
      }
      status.textContent = "";
      clearTimeout(statusTimer);
      statusTimer = setTimeout(function () {
        status.textContent = said.textContent.replace(/\s+/g, " ").trim();
      }, 100);
    }

    function choose(item) {
      hidden.value = item ? item.dataset.value : "";
      chosenLabel = item ? item.dataset.label : "";
      input.value = chosenLabel;
      close();
      hidden.dispatchEvent(new Event("input", { bubbles: true }));
      hidden.dispatchEvent(new Event("change", { bubbles: true }));
    }

    // Leaving the box: an emptied box means "all"; anything else typed but not chosen is undone.
    function settle() {
      close();
      if (input.value.trim() === "" && hidden.value !== "") {
        choose(null);
      } else {
        input.value = chosenLabel;
      }
    }

    input.addEventListener("input", function (event) {
      event.stopPropagation(); // the form reloads on what is chosen, not on each key
      clearTimeout(timer);
      timer = setTimeout(function () {
        load(input.value, false);
      }, DELAY);
    });

    input.addEventListener("keydown", function (event) {
      var items = options();
      switch (event.key) {
        case "ArrowDown":
          event.preventDefault();
          if (!isOpen()) {
            load(query(), true);
          } else if (items.length) {
            highlight(active + 1 < items.length ? active + 1 : 0);
          }
          break;
        case "ArrowUp":
          event.preventDefault();
          if (isOpen() && items.length) {
            highlight(active > 0 ? active - 1 : items.length - 1);
          }
          break;
        case "Enter":
          if (isOpen()) {
            event.preventDefault();
            if (active >= 0 && items[active]) {
              choose(items[active]);
            } else if (items.length === 1) {
              choose(items[0]);
            } else {
              close();
            }
          } else if (input.value.trim() === "" && hidden.value !== "") {
            choose(null);
          }
          break;
        case "Escape":
          if (isOpen()) {
            event.preventDefault();
            close();
            input.value = chosenLabel;
          }
          break;
        case "Tab":
          settle();
          break;
        default:
          break;
      }
    });

    input.addEventListener("click", function () {
      if (!isOpen()) {
        load(query(), false);
      }
    });

    input.addEventListener("blur", function () {
      // A click on an option lands first (the list keeps the focus in the box: mousedown).
      setTimeout(function () {
        if (document.activeElement !== input) {
          settle();
        }
      }, 0);
    });

    list.addEventListener("mousedown", function (event) {
      event.preventDefault(); // keep the focus in the text box
    });

    list.addEventListener("click", function (event) {
      var item = event.target.closest("[role=option]");
      if (item && item.getAttribute("aria-disabled") !== "true") {
        choose(item);
        input.focus();
      }
    });

    // A cell picker forgets its cell when another chapter is chosen.
    if (root.dataset.chapterField && input.form) {
      var forget = function (event) {
        if (event.target.name === root.dataset.chapterField && hidden.value !== "") {
          hidden.value = "";
          chosenLabel = "";
          input.value = "";
        }
      };
      input.form.addEventListener("change", forget);
    }
  }

  function setupAll(element) {
    var scope = element && element.querySelectorAll ? element : document;
    Array.prototype.forEach.call(scope.querySelectorAll("[data-picker]"), setup);
  }

  if (window.htmx) {
    window.htmx.onLoad(setupAll); // the page, then every fragment htmx swaps in
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      setupAll(document);
    });
  } else {
    setupAll(document);
  }
})();
