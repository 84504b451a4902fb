// Live notice of others' changes. A page with a [data-live-events] element (the quiz
// editor, the quiz settings, a question form: quizzes/_live_notice.html) listens to
// its quiz's or question's Server-Sent Events (quizzes.views.events). When someone
// saves a version newer than the page's, the element says who and what, with a link
// to review it, and the fields they changed are marked (a class and a text marker,
// not colour alone). The form keeps what the reader typed: saving merges it.
// Strings are the element's data attributes, translated by the template. Without
// JavaScript (or EventSource) nothing of this happens.
(function () {
  "use strict";

  var CHANGED_CLASS = "live-changed";

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : whole;
    });
  }

  // The elements showing field `name`: an input of that name (its .field or fieldset
  // wrapper), a formset (answers, hints), or an element that says it shows the field.
  function shownFields(name) {
    var found = [];
    var escaped = window.CSS && CSS.escape ? CSS.escape(name) : name;
    document.querySelectorAll(
      "form [name='" + escaped + "'], [data-formset='" + escaped + "'], [data-live-field~='" +
      escaped + "']"
    ).forEach(function (element) {
      var wrapper = element.matches("[data-formset], [data-live-field]") ? element :
        element.closest(".field") || element.closest("fieldset") || element;
      if (found.indexOf(wrapper) < 0) { found.push(wrapper); }
    });
    return found;
  }

  function mark(wrapper, text) {
    wrapper.classList.add(CHANGED_CLASS);
    var marker = wrapper.querySelector(":scope > .live-marker, :scope > legend > .live-marker");
    if (!marker) {
      marker = document.createElement("span");
      marker.className = "live-marker";
      var legend = wrapper.querySelector(":scope > legend");
      var label = wrapper.querySelector(":scope > label, :scope .check label");
      (legend || label || wrapper).appendChild(marker);
    }
    marker.textContent = " (" + text + ")";
  }

  function show(region, data) {
    var strings = region.dataset;
    var author = data.author || strings.someone;
    var template = data.kind === "reset" ? strings.missed :
      data.kind === "question" ? strings.savedQuestion :
      data.action === "settings" ? strings.savedSettings : strings.savedOther;
    var message = document.createElement("p");
    message.className = "message message-warning";
    var headline = document.createElement("strong");
    headline.textContent = format(template, {author: author, action: data.action_label});
    message.append(headline, " ");
    if (data.labels && data.labels.length) {
      message.appendChild(document.createTextNode(
        format(strings.changed, {fields: data.labels.join(", ")}) + " "));
    }
    if (document.querySelector("form[data-guard]")) {
      message.appendChild(document.createTextNode(strings.mergeHint + " "));
    }
    var link = document.createElement("a");
    link.href = strings.liveReview || window.location.href;
    link.textContent = strings.reviewLabel;
    message.appendChild(link);
    region.replaceChildren(message);
    (data.fields || []).forEach(function (name) {
      shownFields(name).forEach(function (wrapper) {
        mark(wrapper, format(strings.marker, {author: author}));
      });
    });
  }

  function listen(region) {
    var version = parseInt(region.dataset.liveVersion, 10) || 0;
    var source = new EventSource(region.dataset.liveEvents);
    source.addEventListener("change", function (event) {
      var data;
      try { data = JSON.parse(event.data); } catch (error) { return; }
      if (!(data.version > version)) { return; }
      version = data.version;
      show(region, data);
    });
    // Away longer than the server keeps changes: what was saved meanwhile is unknown.
    source.addEventListener("reset", function () {
      show(region, {kind: "reset"});
    });
    window.addEventListener("pagehide", function () { source.close(); });
  }

  function start() {
    if (!window.EventSource) { return; }
    document.querySelectorAll("[data-live-events]").forEach(listen);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
