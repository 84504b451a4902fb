// OpenQuizz progressive enhancements. Every action also works without this
// file, as a plain form POST; here we only make it quicker.
(function () {
  "use strict";

  // Drag and drop of the question list. Dropping a question elsewhere fires
  // "reorder" on the list; the enclosing form posts the new order with htmx
  // (hx-trigger="reorder") and swaps in the page the server sends back.
  function sortableLists(root) {
    root.querySelectorAll("[data-sortable]").forEach(function (list) {
      Sortable.create(list, {
        handle: ".drag-handle",
        animation: 150,
        onEnd: function (event) {
          if (event.oldIndex !== event.newIndex) {
            list.dispatchEvent(new Event("reorder", { bubbles: true }));
          }
        },
      });
    });
  }

  // Answer rows: add a row from the formset's empty-row template, remove a row
  // by ticking its hidden "remove" box (the server drops ticked rows).
  function formsets(root) {
    root.querySelectorAll("[data-formset]").forEach(function (formset) {
      var prefix = formset.dataset.formset;
      var total = formset.querySelector("#id_" + prefix + "-TOTAL_FORMS");
      var rows = formset.querySelector("[data-rows]");
      var template = formset.querySelector("template[data-row-template]");
      var max = parseInt(formset.dataset.max, 10);

      function visibleRows() {
        return Array.prototype.filter.call(rows.children, function (row) {
          return !row.classList.contains("is-removed");
        });
      }
      function renumber() {
        visibleRows().forEach(function (row, index) {
          row.querySelectorAll("[data-row-number]").forEach(function (number) {
            number.textContent = String(index + 1);
          });
        });
      }

      formset.querySelector("[data-add-row]").addEventListener("click", function () {
        var index = parseInt(total.value, 10);
        if (index >= max) { return; }
        rows.insertAdjacentHTML("beforeend", template.innerHTML.replace(/__prefix__/g, String(index)));
        total.value = String(index + 1);
        var row = rows.lastElementChild;
        htmx.process(row);
        renumber();
        var first = row.querySelector("textarea, input:not([type=hidden]):not([type=checkbox]), select");
        if (first) { first.focus(); }
      });

      rows.addEventListener("click", function (event) {
        var button = event.target.closest("[data-remove-row]");
        if (!button) { return; }
        var row = button.closest(".answer-row");
        row.querySelector("input[name$='-remove']").checked = true;
        row.classList.add("is-removed");
        renumber();
        formset.querySelector("[data-add-row]").focus();
      });
    });
  }

  // Menus made of <details> close on Escape and on a click elsewhere, as menus do.
  function closeMenusOutside(target) {
    document.querySelectorAll("details.user-menu[open]").forEach(function (menu) {
      if (!menu.contains(target)) { menu.open = false; }
    });
  }
  document.addEventListener("click", function (event) { closeMenusOutside(event.target); });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    document.querySelectorAll("details.user-menu[open]").forEach(function (menu) {
      menu.open = false;
      menu.querySelector("summary").focus();
    });
  });

  // A "select all" box ticks or clears every box of its form named by data-select-all.
  function selectAll(root) {
    root.querySelectorAll("input[data-select-all]").forEach(function (master) {
      var boxes = master.form.querySelectorAll(
        "input[type=checkbox][name='" + master.dataset.selectAll + "']:not(:disabled)"
      );
      master.addEventListener("change", function () {
        boxes.forEach(function (box) { box.checked = master.checked; });
      });
    });
  }

  // Share links: a read-only link is selected whole when focused (to copy it by
  // hand, without this file too), and its "Copy link" button copies it, saying so
  // in the live region named by data-copy-status.
  function copyButtons(root) {
    root.querySelectorAll("input[data-select-on-focus]").forEach(function (input) {
      input.addEventListener("focus", function () { input.select(); });
    });
    root.querySelectorAll("button[data-copy-target]").forEach(function (button) {
      var input = document.getElementById(button.dataset.copyTarget);
      var status = document.getElementById(button.dataset.copyStatus);
      function say(text) { if (status) { status.textContent = text; } }
      button.addEventListener("click", function () {
        input.select();
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(input.value).then(
            function () { say(button.dataset.copied); },
            function () { say(button.dataset.copyFailed); }
          );
        } else {
          say(document.execCommand("copy") ? button.dataset.copied : button.dataset.copyFailed);
        }
      });
    });
  }

  // Images in Markdown fields. "Insert image", a file dropped on a text box or an
  // image pasted into one opens the page's image dialog (_image_dialog.html),
  // which asks for the alt text, uploads the file to /media/upload/ and inserts
  // ![alt](url) at the text box's caret, then refreshes its preview.
  var imageDialog = {
    dialog: null,
    textarea: null,
    open: function (textarea, file) {
      var dialog = this.dialog;
      this.textarea = textarea;
      this.caret = [textarea.selectionStart, textarea.selectionEnd];
      var input = dialog.querySelector("input[type=file]");
      var transfer = new DataTransfer();
      if (file) { transfer.items.add(file); }
      input.files = transfer.files;
      dialog.querySelector("#image-dialog-alt").value = "";
      this.say("");
      dialog.showModal();
      (file ? dialog.querySelector("#image-dialog-alt") : input).focus();
    },
    say: function (message) {
      var error = this.dialog.querySelector("[data-error]");
      error.textContent = message;
    },
    // While uploading, Insert does nothing (aria-disabled: a disabled button would
    // drop the focus out of the dialog).
    uploading: false,
    busy: function (yes) {
      this.uploading = yes;
      this.dialog.querySelector("[data-uploading]").hidden = !yes;
      this.dialog.querySelector("[data-insert]").setAttribute("aria-disabled", String(yes));
    },
    // At the caret the text box had when the dialog opened. The dialog closes first:
    // the page behind a modal dialog is inert, and a text box given its caret while
    // inert does not take keys afterwards.
    insert: function (markdown) {
      var textarea = this.textarea;
      this.dialog.close();
      textarea.focus();
      var start = this.caret[0];
      var before = textarea.value.slice(0, start);
      var text = (before && !/\n$/.test(before) ? "\n" : "") + markdown + "\n";
      textarea.setSelectionRange(start, this.caret[1]);
      textarea.setRangeText(text, start, this.caret[1], "end");
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
      var preview = document.querySelector("[data-preview-of='" + textarea.id + "']");
      if (preview) { htmx.trigger(preview, "click"); }
    },
    submit: function () {
      var self = this;
      var dialog = this.dialog;
      var error = dialog.querySelector("[data-error]");
      var file = dialog.querySelector("input[type=file]").files[0];
      var alt = dialog.querySelector("#image-dialog-alt").value.replace(/\s+/g, " ").trim();
      if (this.uploading) { return; }
      if (!file) { this.say(error.dataset.needFile); return; }
      if (!alt) {
        this.say(error.dataset.needAlt);
        dialog.querySelector("#image-dialog-alt").focus();
        return;
      }
      var body = new FormData();
      body.append("file", file, file.name || "image");
      var token = document.querySelector("input[name=csrfmiddlewaretoken]");
      this.say("");
      this.busy(true);
      fetch(dialog.dataset.uploadUrl, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": token ? token.value : "", Accept: "application/json" },
      }).then(function (response) {
        return response.json().then(function (data) {
          if (!response.ok) { throw new Error(data.error || error.dataset.failed); }
          self.insert("![" + alt.replace(/([\\\[\]])/g, "\\$1") + "](" + data.url + ")");
        });
      }).catch(function (problem) {
        self.say(problem.message || error.dataset.failed);
      }).then(function () { self.busy(false); });
    },
  };

  // The image among the files given (else the first file: the server says what it
  // refuses, rather than the browser opening the file in place of the page).
  function imageFile(transfer) {
    var files = Array.prototype.slice.call((transfer && transfer.files) || []);
    return files.find(function (file) { return /^image\//.test(file.type); }) || files[0] || null;
  }

  // Delegated, so rows added later (formsets) have it too: a text box takes images
  // when an "Insert image" button names it.
  function imageTarget(element) {
    if (!element || element.tagName !== "TEXTAREA" || !element.id) { return null; }
    return document.querySelector("[data-insert-image='" + element.id + "']") ? element : null;
  }

  function imageUploads() {
    var dialog = document.getElementById("image-dialog");
    if (!dialog) { return; }
    imageDialog.dialog = dialog;
    dialog.querySelector("form").addEventListener("submit", function (event) {
      event.preventDefault();
      imageDialog.submit();
    });
    dialog.querySelector("[data-cancel]").addEventListener("click", function () { dialog.close(); });
    document.addEventListener("click", function (event) {
      var button = event.target.closest("[data-insert-image]");
      if (button) { imageDialog.open(document.getElementById(button.dataset.insertImage)); }
    });
    document.addEventListener("dragover", function (event) {
      if (imageTarget(event.target) && Array.prototype.indexOf.call(event.dataTransfer.types, "Files") >= 0) {
        event.preventDefault();
      }
    });
    // A file dropped on such a text box, or an image pasted into it, opens the dialog.
    [["drop", "dataTransfer"], ["paste", "clipboardData"]].forEach(function (pair) {
      document.addEventListener(pair[0], function (event) {
        var textarea = imageTarget(event.target);
        var file = textarea && imageFile(event[pair[1]]);
        if (file) {
          event.preventDefault();
          imageDialog.open(textarea, file);
        }
      });
    });
  }
  document.addEventListener("DOMContentLoaded", imageUploads);

  function enhance(root) {
    copyButtons(root);
    selectAll(root);
    sortableLists(root);
    formsets(root);
  }

  // htmx.onLoad runs for the page and again for every piece of page htmx swaps in.
  htmx.onLoad(enhance);
})();
