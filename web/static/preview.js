// The ingest preview: set a claim's span, or add a missed claim, from words selected in the
// article; check every edit against the shapes (POST /ingest/check) and show what a save would refuse.
// Offsets are code points of the article text, as in claim records (JavaScript strings count UTF-16 units).
(function () {
  "use strict";
  var form = document.getElementById("preview-form");
  var article = document.getElementById("article-text");
  if (!form || !article) { return; }
  var full = article.textContent;
  var claims = document.getElementById("claims");
  var template = document.getElementById("new-claim");
  var status = document.getElementById("check-status");
  var selectionStatus = document.getElementById("selection-status");
  var nextIndex = claims.querySelectorAll("fieldset.claim-edit").length;
  var selected = null;

  function codePoints(units) { return Array.from(full.slice(0, units)).length; }

  // The selection inside the article, without the spaces a double-click or drag picks up at its ends.
  function readSelection() {
    var sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) { return null; }
    var range = sel.getRangeAt(0);
    if (!article.contains(range.startContainer) || !article.contains(range.endContainer)) { return null; }
    var before = document.createRange();
    before.selectNodeContents(article);
    before.setEnd(range.startContainer, range.startOffset);
    var start = before.toString().length;
    var end = start + range.toString().length;
    while (start < end && /\s/.test(full.charAt(start))) { start += 1; }
    while (end > start && /\s/.test(full.charAt(end - 1))) { end -= 1; }
    if (start === end) { return null; }
    return { start: codePoints(start), end: codePoints(end), text: full.slice(start, end) };
  }

  document.addEventListener("selectionchange", function () {
    var found = readSelection();
    if (found) {
      selected = found;
      selectionStatus.textContent = "Selected: \u201c" + (found.text.length > 60 ? found.text.slice(0, 60) + "\u2026" : found.text) + "\u201d";
    }
  });

  function setSpan(index, span) {
    form.elements["start-" + index].value = String(span.start);
    form.elements["end-" + index].value = String(span.end);
    document.getElementById("claim-text-" + index).textContent = span.text;
  }

  claims.addEventListener("click", function (event) {
    var button = event.target.closest("button.use-selection");
    if (!button) { return; }
    if (!selected) { selectionStatus.textContent = "Select the claim's words in the article first."; return; }
    setSpan(button.getAttribute("data-index"), selected);
    scheduleCheck();
  });

  document.getElementById("add-claim").addEventListener("click", function () {
    if (!selected) { selectionStatus.textContent = "Select the missed claim's words in the article first."; return; }
    var index = String(nextIndex);
    nextIndex += 1;
    var html = template.innerHTML.split("__I__").join(index);
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var fieldset = holder.firstElementChild;
    claims.appendChild(fieldset);
    setSpan(index, selected);
    fieldset.scrollIntoView({ block: "nearest" });
    scheduleCheck();
  });

  function show(result) {
    form.querySelectorAll("ul.problems").forEach(function (list) {
      var key = list.getAttribute("data-problems-for");
      var messages = key === "record" ? result.errors : (result.claims[key] || []);
      list.textContent = "";
      messages.forEach(function (message) {
        var item = document.createElement("li");
        item.textContent = message;
        list.appendChild(item);
      });
      var box = list.closest("fieldset");
      if (box) { box.classList.toggle("refused", messages.length > 0); }
    });
    if (result.reviewed) { showFlags(result.reviewed); }
    status.textContent = result.summary;
    status.classList.toggle("refused", !result.ok);
    form.setAttribute("data-checked", result.ok ? "ok" : "refused");
  }

  function link(href, text, cls) {
    var a = document.createElement("a");
    a.href = href;
    a.className = cls;
    a.textContent = text;
    return a;
  }

  // The stored fact-checks each claim matches (by the form's index), as the server drew them first.
  function showFlags(reviewed) {
    form.querySelectorAll("ul.review-flags").forEach(function (list) {
      var found = reviewed[list.getAttribute("data-flags-for")] || [];
      list.textContent = "";
      found.forEach(function (m) {
        var item = document.createElement("li");
        item.className = "review-flag";
        item.appendChild(document.createTextNode("Already fact-checked: "));
        var verdict = document.createElement("span");
        verdict.className = "verdict verdict-" + m.verdict;
        verdict.textContent = m.verdict;
        item.appendChild(verdict);
        var said = (m.rating ? " \u201c" + m.rating + "\u201d" : "") + (m.author ? " by " + m.author : "") + ": ";
        item.appendChild(document.createTextNode(said));
        var quote = document.createElement("q");
        quote.textContent = m.claim_reviewed || m.headline;
        item.appendChild(quote);
        if (/^https?:\/\//i.test(m.url || "")) {  // only web links: never a "javascript:" URL
          item.appendChild(document.createTextNode(" \u00b7 "));
          var out = link(m.url, "the fact-check", "review-url");
          out.rel = "noopener noreferrer";
          item.appendChild(out);
        }
        item.appendChild(document.createTextNode(" \u00b7 "));
        item.appendChild(link(m.page, "review record", "review-page"));
        list.appendChild(item);
      });
    });
  }

  var timer = null;
  var sent = 0;
  function check() {
    var ticket = ++sent;
    form.setAttribute("data-checked", "pending");
    fetch(form.getAttribute("data-check-url"), {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) { body = { ok: false, errors: [body.error || response.statusText], claims: {}, summary: "The check failed." }; }
        return body;
      });
    }).then(function (body) {
      if (ticket === sent) { show(body); }
    }).catch(function (err) {
      if (ticket === sent) { show({ ok: false, errors: [String(err)], claims: {}, summary: "The check failed." }); }
    });
  }
  function scheduleCheck() {
    if (timer) { clearTimeout(timer); }
    form.setAttribute("data-checked", "pending");
    timer = setTimeout(check, 250);
  }
  // "input" fires on every edit (text, select, checkbox); "change" would fire again on blur, so a
  // click on Save could start a check that the page's navigation then cuts off.
  form.addEventListener("input", scheduleCheck);
  form.addEventListener("submit", function () {
    if (timer) { clearTimeout(timer); }
    sent += 1;  // a check still on its way is no longer shown
  });
  check();
}());
