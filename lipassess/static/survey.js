/* The survey pages' one script, a progressive enhancement: every page works without it.
 *
 * - Focus moves to the error summary at the top of a page that came back with errors.
 * - Nothing typed is lost: each answer is kept on the device (localStorage, keyed by the
 *   participant's draft key and the page) as soon as it is chosen or typed, and sent to the
 *   server (POST .../answers, the same CSRF token as the page's form) when the network allows.
 *   An answer leaves the device copy once the server has acknowledged it; a reload or a page
 *   that came back after a dropped connection gets the unsent answers back from the copy.
 * - A page sent while offline is not sent (the browser would show its offline page and lose
 *   the answers): the page stays, says "not sent yet" and keeps the answers.
 * - The receipt clears every device copy of the survey.
 */
(function () {
  "use strict";
  var PREFIX = "lipassess.draft.";
  var SENT = PREFIX + "sent";

  function storage(kind) {
    try {
      var s = window[kind];
      s.setItem(PREFIX + "probe", "1");
      s.removeItem(PREFIX + "probe");
      return s;
    } catch (e) {
      return null;  // private mode or storage disabled: the pages still work, without the copy
    }
  }
  var local = storage("localStorage");
  var session = storage("sessionStorage");

  var summary = document.getElementById("error-summary");
  if (summary && document.activeElement !== summary) {
    summary.focus();
  }

  function forgetAll(draft) {
    if (!local) return;
    for (var i = local.length - 1; i >= 0; i--) {
      var name = local.key(i);
      if (name && name.indexOf(PREFIX + draft + ".") === 0) local.removeItem(name);
    }
  }

  var done = document.querySelector("[data-draft-done]");
  if (done) {
    forgetAll(done.getAttribute("data-draft-done"));
    if (session) session.removeItem(SENT);
    return;
  }

  var form = document.querySelector("form[data-draft-key]");
  if (!form || !local) return;
  var copyKey = PREFIX + form.getAttribute("data-draft-key") + "." + form.getAttribute("data-page");
  var state = document.getElementById("draft-state");
  var stored = JSON.parse(form.getAttribute("data-stored") || "{}");
  var token = form.querySelector("input[name=csrf_token]");

  // A page sent from here earlier led somewhere else: the server took it, its copy can go.
  var sentFrom = session && session.getItem(SENT);
  if (sentFrom) {
    session.removeItem(SENT);
    if (sentFrom !== copyKey) local.removeItem(sentFrom);
  }

  function readCopy() {
    try {
      return JSON.parse(local.getItem(copyKey) || "{}") || {};
    } catch (e) {
      return {};
    }
  }
  function writeCopy(copy) {
    try {
      if (Object.keys(copy).length) local.setItem(copyKey, JSON.stringify(copy));
      else local.removeItem(copyKey);
    } catch (e) { /* storage full: the answer is still on the page */ }
  }
  function field(name) {
    return form.elements.namedItem(name);
  }
  function valueOf(name) {
    var el = field(name);
    return el ? String(el.value) : "";
  }
  var restored = false;
  function show(which) {
    if (!state) return;
    state.hidden = false;
    state.setAttribute("data-state", which);
    state.textContent = (restored ? state.getAttribute("data-restored") + " " : "") +
      state.getAttribute("data-" + which);
  }
  function asText(value) {
    return value === null || value === undefined ? "" : String(value);
  }

  // Restore what the server does not have yet; drop what it already stored.
  var copy = readCopy();
  Object.keys(copy).forEach(function (name) {
    if (asText(stored[name]) === copy[name] || !field(name)) {
      delete copy[name];
    } else if (valueOf(name) !== copy[name]) {
      field(name).value = copy[name];
      restored = true;
    }
  });
  writeCopy(copy);
  if (Object.keys(copy).length) show("unsent");

  var sending = false;
  var again = false;
  function send() {
    var pending = readCopy();
    var names = Object.keys(pending);
    if (!names.length) return;
    if (navigator.onLine === false) { show("unsent"); return; }
    if (sending) { again = true; return; }
    sending = true;
    show("saving");
    var body = new URLSearchParams();
    if (token) body.append("csrf_token", token.value);
    names.forEach(function (name) { body.append(name, pending[name]); });
    fetch(form.getAttribute("data-autosave"), {
      method: "POST", body: body, credentials: "same-origin",
      headers: {"Content-Type": "application/x-www-form-urlencoded"}
    }).then(function (response) {
      if (!response.ok) throw new Error("not saved: " + response.status);
      return response.json();
    }).then(function (answer) {
      var now = readCopy();
      names.forEach(function (name) {
        stored[name] = asText(answer.saved[name]);  // as the server wrote it (text is normalised)
        if (now[name] === pending[name]) delete now[name];  // unless it was changed again meanwhile
      });
      writeCopy(now);
      show(Object.keys(now).length ? "unsent" : "saved");
    }).catch(function () {
      show("unsent");
    }).then(function () {
      sending = false;
      if (again) { again = false; send(); }
    });
  }

  function remember(event, andSend) {
    var el = event.target;
    if (!el.name || el.name.indexOf("a.") !== 0) return;
    var now = readCopy();
    now[el.name] = valueOf(el.name);
    writeCopy(now);
    if (andSend) send();
    else show("unsent");
  }
  form.addEventListener("input", function (event) {
    if (event.target.type !== "radio") remember(event, false);  // typing: kept at once, sent on change
  });
  form.addEventListener("change", function (event) { remember(event, true); });
  window.addEventListener("online", send);

  form.addEventListener("submit", function (event) {
    if (navigator.onLine === false) {
      event.preventDefault();
      show("offline");
      return;
    }
    if (session) session.setItem(SENT, copyKey);
  });
  if (Object.keys(copy).length) send();
})();
