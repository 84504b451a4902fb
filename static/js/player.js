// The learner player (quizzes/views/player.py). Without this file every page works
// as plain forms: answers are saved when the page changes and the server keeps the
// time. Here: answers are saved about a second after each change, and when the page
// is hidden or left; the time left counts down, and at the deadline the page's form
// is submitted (the server submits the attempt with what was saved).
(function () {
  "use strict";

  var SAVE_DELAY = 1000;

  function autosave(form) {
    var status = form.querySelector("[data-save-status]");
    var timer = null;
    var dirty = false;
    var sending = false;

    function say(text, isError) {
      status.textContent = text;
      status.classList.toggle("is-error", Boolean(isError));
    }

    function body() {
      var data = new URLSearchParams(new FormData(form));
      data.delete("go");
      return data;
    }

    function save(keepalive) {
      clearTimeout(timer);
      if (!dirty) { return; }
      dirty = false;
      sending = true;
      say(form.dataset.saving);
      fetch(form.dataset.autosave, {
        method: "POST",
        body: body(),
        credentials: "same-origin",
        keepalive: Boolean(keepalive),
        headers: { "X-CSRFToken": form.elements.csrfmiddlewaretoken.value, "Accept": "application/json" },
      }).then(function (response) {
        sending = false;
        if (response.status === 204) {
          showProblems({});
          say(dirty ? "" : form.dataset.saved);
        } else if (response.status === 409) {
          window.location.assign(form.dataset.result);
        } else if (response.status === 400) {
          say(form.dataset.invalid, true);
          response.json().then(function (body) { showProblems(body.problems || {}); });
        } else {
          dirty = true;
          say(form.dataset.notSaved, true);
        }
      }).catch(function () {
        sending = false;
        dirty = true;
        say(form.dataset.notSaved, true);
      });
    }

    // Each refused answer's reason beside its question, as the server writes it
    // without script (quizzes/_learner_question.html); answers saved lose theirs.
    function showProblems(problems) {
      form.querySelectorAll("section.learner-question").forEach(function (section) {
        var name = section.getAttribute("aria-labelledby").replace(/-title$/, "");
        var fieldset = section.querySelector("fieldset");
        var shown = document.getElementById(name + "-problem");
        var message = problems[name.replace(/^q-/, "")];
        if (!message) {
          if (shown) { shown.remove(); fieldset.removeAttribute("aria-describedby"); }
          return;
        }
        if (!shown) {
          shown = document.createElement("p");
          shown.className = "errorlist";
          shown.id = name + "-problem";
          fieldset.appendChild(shown);
          fieldset.setAttribute("aria-describedby", shown.id);
        }
        shown.textContent = message;
      });
    }

    function changed() {
      dirty = true;
      clearTimeout(timer);
      timer = setTimeout(save, SAVE_DELAY);
    }

    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    // The page's own buttons save everything: nothing is left to send.
    form.addEventListener("submit", function () { clearTimeout(timer); dirty = false; });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") { save(true); }
    });
    window.addEventListener("pagehide", function () { save(true); });
    return { busy: function () { return sending; } };
  }

  function two(number) { return (number < 10 ? "0" : "") + number; }

  function countdown(box) {
    var deadline = Date.parse(box.dataset.deadline);
    var shown = box.querySelector("[data-countdown]");
    var alert = box.querySelector("[data-timer-alert]");
    var form = document.querySelector("form[data-autosave], form[data-timer-form]");
    var announced = {};
    var finished = false;

    function announce(key, text) {
      if (!announced[key]) { announced[key] = true; alert.textContent = text; }
    }

    function finish() {
      finished = true;
      announce("up", box.dataset.timeUp);
      if (!form) { window.location.reload(); return; }
      if (form.hasAttribute("data-autosave")) {
        var go = document.createElement("input");
        go.type = "hidden";
        go.name = "go";
        go.value = "finish";
        form.appendChild(go);
      }
      form.submit();
    }

    function tick() {
      if (finished) { return; }
      var left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
      var hours = Math.floor(left / 3600);
      var minutes = Math.floor((left % 3600) / 60);
      var text = (hours ? hours + ":" + two(minutes) : String(minutes)) + ":" + two(left % 60);
      shown.textContent = text;
      box.classList.toggle("is-short", left <= 60);
      if (left <= 300 && left > 60) { announce("five", box.dataset.fiveMinutes); }
      if (left <= 60 && left > 0) { announce("one", box.dataset.oneMinute); }
      if (left === 0) { finish(); }
    }

    tick();
    setInterval(tick, 1000);
  }

  document.querySelectorAll("form[data-autosave]").forEach(autosave);
  document.querySelectorAll(".player-timer[data-deadline]").forEach(countdown);
})();
