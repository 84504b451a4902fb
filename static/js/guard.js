// Unsaved changes. A form marked data-guard asks before its page is left with
// changes not saved: the browser's own prompt (beforeunload) for a reload, a
// closed tab or another site, and this page's dialog for the app's own links.
// A form also marked data-draft keeps its changes in localStorage while they
// are typed; after a crash or a reload the page offers them back, and they are
// dropped once the form is saved. Its strings are data attributes of this
// script's element, translated by the template (base.html). Without JavaScript
// nothing of this happens and the forms work as they are.
(function () {
  "use strict";

  var strings = document.currentScript.dataset;
  var DRAFT_PREFIX = "openquizz.draft:";
  var DRAFT_SAVE_DELAY_MS = 500;
  var DRAFT_KEPT_MS = 30 * 24 * 3600 * 1000;
  var NOT_FIELDS = ["submit", "button", "reset", "image", "file", "password", "fieldset", "output"];

  var guards = [];
  var leaving = false;
  var dialog = null;

  // A field the guard follows: never the CSRF token, passwords or files (with
  // JavaScript, images go through the image dialog; the file inputs are for pages
  // without it), nor buttons.
  function tracked(element) {
    return element.name && !element.disabled && element.name !== "csrfmiddlewaretoken" &&
      NOT_FIELDS.indexOf(element.type) < 0;
  }

  // The form's tracked fields as [name, value] pairs, in document order, as the
  // browser would send them: the values the page was served with (`served`),
  // else the current ones.
  function fields(form, served) {
    var pairs = [];
    Array.prototype.forEach.call(form.elements, function (element) {
      var name = element.name;
      if (!tracked(element)) { return; }
      if (element.type === "checkbox" || element.type === "radio") {
        if (served ? element.defaultChecked : element.checked) { pairs.push([name, element.value]); }
      } else if (element.tagName === "SELECT") {
        var chosen = Array.prototype.filter.call(element.options, function (option) {
          return served ? option.defaultSelected : option.selected;
        });
        if (served && !chosen.length && !element.multiple && element.options.length) {
          chosen = [element.options[0]];
        }
        chosen.forEach(function (option) { pairs.push([name, option.value]); });
      } else {
        pairs.push([name, served ? element.defaultValue : element.value]);
      }
    });
    return JSON.stringify(pairs);
  }

  function dirty(guard) {
    return !guard.submitted && fields(guard.form, false) !== guard.served;
  }

  function anyDirty() {
    return guards.some(dirty);
  }

  // -- local drafts ---------------------------------------------------------

  // Where the page is, for drafts: the same for every user (no user id in it).
  function here() {
    return location.pathname + location.search;
  }

  function readDraft(key) {
    try {
      return JSON.parse(localStorage.getItem(key));
    } catch (error) {
      return null;
    }
  }

  function eachDraft(callback) {
    Object.keys(localStorage).forEach(function (key) {
      if (key.indexOf(DRAFT_PREFIX) !== 0) { return; }
      var draft = readDraft(key);
      if (draft && draft.fields) { callback(key, draft); } else { localStorage.removeItem(key); }
    });
  }

  // Writes the form's draft now; none when the form holds what the page was served with.
  function saveDraft(guard, pending) {
    clearTimeout(guard.timer);
    guard.timer = null;
    var current = fields(guard.form, false);
    if (current === guard.served) {
      localStorage.removeItem(guard.key);
      return;
    }
    try {
      localStorage.setItem(guard.key, JSON.stringify({
        path: here(), savedAt: Date.now(), pending: pending, fields: current,
      }));
    } catch (error) {
      // Storage full or refused (private browsing): the form works without drafts.
    }
  }

  // Drafts answered by this page: submitted (pending) from the page this one was
  // reached from, and answered either with a redirect (saved) or with their form
  // again (refused: the form shows the input as sent, with its errors). Drafts of
  // any other answer (an error page, no answer at all) stay, to be offered back.
  // Old drafts nobody came back for are dropped too.
  function dropAnsweredDrafts() {
    var navigation = performance.getEntriesByType("navigation")[0];
    var from = document.referrer ? new URL(document.referrer) : null;
    var answered = navigation && navigation.type === "navigate" && from && from.origin === location.origin;
    var fromPath = from && from.pathname + from.search;
    var formAgain = fromPath === here() && document.querySelector("form[data-guard][data-draft]") !== null;
    eachDraft(function (key, draft) {
      var saved = answered && draft.pending && draft.path === fromPath && (navigation.redirectCount > 0 || formAgain);
      if (saved || Date.now() - draft.savedAt > DRAFT_KEPT_MS) { localStorage.removeItem(key); }
    });
  }

  function timeOf(draft) {
    var when = new Date(draft.savedAt);
    var options = { hour: "2-digit", minute: "2-digit" };
    if (when.toDateString() !== new Date().toDateString()) {
      options.day = "numeric";
      options.month = "short";
    }
    return when.toLocaleString(document.documentElement.lang || undefined, options);
  }

  // Adds answer rows until each formset has as many as the draft, with its
  // "add" button (app.js numbers them; past the formset's maximum it adds none).
  function matchRows(form, values) {
    form.querySelectorAll("[data-formset]").forEach(function (formset) {
      var total = form.elements[formset.dataset.formset + "-TOTAL_FORMS"];
      var wanted = parseInt((values[total.name] || [])[0], 10);
      var add = formset.querySelector("[data-add-row]");
      var before = null;
      while (add && total.value !== before && parseInt(total.value, 10) < wanted) {
        before = total.value;
        add.click();
      }
    });
  }

  // Removes the rows the draft removed, with their "Remove" button (app.js).
  function removeRows(form, values) {
    form.querySelectorAll("[data-remove-row]").forEach(function (button) {
      var box = button.closest(".answer-row").querySelector("input[type=checkbox][name$='-remove']");
      if (box && !box.checked && (values[box.name] || []).indexOf(box.value) >= 0) { button.click(); }
    });
  }

  // Fills the form with the draft's values. Hidden fields keep the page's (the
  // version the form was loaded from, the answers' ids); rows' "remove" boxes are
  // ticked by removeRows, which also hides their rows.
  function restore(form, draft) {
    var values = {};
    JSON.parse(draft.fields).forEach(function (pair) {
      (values[pair[0]] = values[pair[0]] || []).push(pair[1]);
    });
    matchRows(form, values);
    var texts = {};
    Array.prototype.forEach.call(form.elements, function (element) {
      var name = element.name;
      if (!tracked(element) || element.type === "hidden") { return; }
      var wanted = values[name] || [];
      if (element.type === "checkbox" || element.type === "radio") {
        if (!/-remove$/.test(name)) { element.checked = wanted.indexOf(element.value) >= 0; }
      } else if (element.tagName === "SELECT") {
        Array.prototype.forEach.call(element.options, function (option) {
          option.selected = wanted.indexOf(option.value) >= 0;
        });
      } else {
        texts[name] = (texts[name] || 0) + 1;
        if (wanted.length >= texts[name]) { element.value = wanted[texts[name] - 1]; }
      }
      element.dispatchEvent(new Event("input", { bubbles: true }));
      element.dispatchEvent(new Event("change", { bubbles: true }));
    });
    removeRows(form, values);
  }

  function firstField(form) {
    return form.querySelector("input:not([type=hidden]):not([disabled]), textarea, select");
  }

  // The notice offering a draft back, just before its form: "Restore draft"
  // fills the form, "Discard" deletes the draft. Until one is pressed the draft
  // is kept as it is (typing meanwhile does not overwrite it).
  function offerDraft(guard, draft) {
    var notice = document.createElement("div");
    notice.className = "message message-warning draft-notice";
    notice.setAttribute("role", "status");
    var text = document.createElement("p");
    var actions = document.createElement("div");
    actions.className = "guard-actions";
    notice.append(text, actions);
    guard.form.before(notice);
    text.textContent = strings.draftFound.replace("{time}", timeOf(draft));

    function button(label, className, action) {
      var element = document.createElement("button");
      element.type = "button";
      element.className = className;
      element.textContent = label;
      element.addEventListener("click", function () {
        guard.offering = false;
        action();
        firstField(guard.form).focus();
      });
      actions.append(element);
    }
    guard.offering = true;
    button(strings.draftRestore, "btn btn-primary", function () {
      restore(guard.form, draft);
      saveDraft(guard, false);
      actions.remove();
      text.textContent = strings.draftRestored;
    });
    button(strings.draftDiscard, "btn", function () {
      localStorage.removeItem(guard.key);
      notice.remove();
    });
  }

  function keepDrafts(guard) {
    var version = guard.form.elements.version;
    guard.key = DRAFT_PREFIX + here() + "@" + (version ? version.value : "");
    var draft = readDraft(guard.key);
    if (draft && draft.fields !== guard.served) {
      offerDraft(guard, draft);
    } else {
      localStorage.removeItem(guard.key);
    }
    function later() {
      if (guard.offering) { return; }
      clearTimeout(guard.timer);
      guard.timer = setTimeout(function () { saveDraft(guard, false); }, DRAFT_SAVE_DELAY_MS);
    }
    guard.form.addEventListener("input", later);
    guard.form.addEventListener("change", later);
  }

  // -- leaving the page -----------------------------------------------------

  function leaveDialog() {
    if (dialog) { return dialog; }
    dialog = document.createElement("dialog");
    dialog.className = "guard-dialog";
    dialog.setAttribute("aria-labelledby", "guard-dialog-text");
    var text = document.createElement("p");
    text.id = "guard-dialog-text";
    text.textContent = strings.leaveQuestion;
    var actions = document.createElement("div");
    actions.className = "guard-actions";
    [["stay", "btn btn-primary", strings.stay], ["leave", "btn btn-danger-outline", strings.leave]].forEach(function (spec) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = spec[1];
      button.textContent = spec[2];
      button.dataset.choice = spec[0];
      button.addEventListener("click", function () { dialog.close(spec[0]); });
      actions.append(button);
    });
    dialog.append(text, actions);
    document.body.append(dialog);
    return dialog;
  }

  // Leaving on purpose: the changes are given up, drafts included.
  function leave(url) {
    leaving = true;
    guards.forEach(function (guard) {
      if (guard.key) {
        clearTimeout(guard.timer);
        guard.timer = null;
        localStorage.removeItem(guard.key);
      }
    });
    location.assign(url);
  }

  // "Stay" (also Escape) closes the dialog and gives the focus back to the link.
  function confirmLeave(link) {
    var asking = leaveDialog();
    asking.returnValue = "";
    asking.addEventListener("close", function () {
      if (asking.returnValue === "leave") { leave(link.href); } else { link.focus(); }
    }, { once: true });
    asking.showModal();
    asking.querySelector("[data-choice=stay]").focus();
  }

  // A link of the app to another page, followed in this tab.
  function leavingLink(event) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return null;
    }
    var link = event.target.closest("a[href]");
    if (!link || link.hasAttribute("download") || (link.target && link.target !== "_self") || link.origin !== location.origin) {
      return null;
    }
    var samePage = link.pathname + link.search === here();
    return samePage && link.hash ? null : link;
  }

  document.addEventListener("click", function (event) {
    var link = leavingLink(event);
    if (link && anyDirty()) {
      event.preventDefault();
      confirmLeave(link);
    }
  });

  // Submitting a form is not leaving it; a draft submitted waits for the answer.
  // Signing out forgets every draft: whoever uses this browser next is not offered
  // them.
  document.addEventListener("submit", function (event) {
    if (event.defaultPrevented) { return; }
    if (event.target.hasAttribute("data-sign-out")) {
      eachDraft(function (key) { localStorage.removeItem(key); });
    }
    guards.forEach(function (guard) {
      if (guard.form !== event.target) { return; }
      guard.submitted = true;
      if (guard.key) { saveDraft(guard, true); }
    });
  });

  // Asked while a form is being submitted (another one has changes), the user
  // may stay: that form's submission is cancelled with the page's unloading, so
  // it counts as changed again.
  window.addEventListener("beforeunload", function (event) {
    if (!leaving && anyDirty()) {
      event.preventDefault();
      event.returnValue = true;
      guards.forEach(function (guard) { guard.submitted = false; });
    }
  });

  // A draft still waiting for its delay is written before the page goes (a reload).
  window.addEventListener("pagehide", function () {
    guards.forEach(function (guard) {
      if (guard.timer && !leaving) { saveDraft(guard, false); }
    });
  });

  // Back to this page from the browser's cache: as it was before leaving.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }
    leaving = false;
    guards.forEach(function (guard) { guard.submitted = false; });
  });

  document.querySelectorAll("form[data-guard]").forEach(function (form) {
    guards.push({ form: form, served: fields(form, true), submitted: false });
  });
  dropAnsweredDrafts();
  guards.forEach(function (guard) {
    if (guard.form.hasAttribute("data-draft")) { keepDrafts(guard); }
  });
})();
